// mco_client_start_test.cpp - finding the CONNECTED that marks when an
// MCollective client started its clock (mco_client_start.h), on hand-built
// sessions fed to a real STOMP Tracker the way the glue feeds it (activity
// for every segment, then the frame).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dissector/mcollective/mco_client_start.h"

using stomp::Command;

namespace {

constexpr uint64_t kClient = 11, kBroker = 22, kNode = 33, kBroker2 = 44;

struct Session {
  stomp::Tracker t;
  uint32_t num = 0;
  stomp::FrameRef feed(uint64_t conn, uint64_t sender, Command c, double time,
                       std::vector<stomp::HeaderView> h = {}) {
    t.activity(conn, sender, time);
    stomp::ObservedFrame f;
    f.conn = conn;
    f.sender = sender;
    f.ref = {++num, 0};
    f.time = time;
    f.command = c;
    f.headers = h.data();
    f.header_count = h.size();
    t.observe(f);
    return f.ref;
  }
  // A segment that only carries part of a frame (the Ruby stomp gem writes
  // each header line separately).
  void segment(uint64_t conn, uint64_t sender, double time) {
    ++num;
    t.activity(conn, sender, time);
  }
};

const char kReply[] = "/queue/mcollective.reply.ops01.example.net_10706.1";

// The ssl capture's mco ping, shape and times (ms) of frames 163-201.
struct Ping : Session {
  stomp::FrameRef connected, send;
  Ping(bool subscribe_reply = true) {
    feed(1, kClient, Command::kConnect, 0.000, {{"accept-version", "1.0"}});
    connected = feed(1, kBroker, Command::kConnected, 0.002530);
    // a node's connection is busy meanwhile
    feed(2, kNode, Command::kSubscribe, 0.002600, {{"destination", "/queue/mcollective.nodes"}});
    if (subscribe_reply) {
      segment(1, kClient, 0.005860);
      feed(1, kClient, Command::kSubscribe, 0.005929, {{"destination", kReply}});
    }
    segment(1, kClient, 0.006134);
    send = feed(1, kClient, Command::kSend, 0.006226, {{"destination", "/topic/x"}});
  }
};

}  // namespace

TEST(McoClientStart, ConnectedBeforeSubscribeToReplyQueueAndSend) {
  Ping p;
  const mco::ClientStart cs = mco::find_client_start(p.t, p.send, 1, kReply);
  ASSERT_TRUE(cs.found());
  EXPECT_EQ(cs.ref, p.connected);
  EXPECT_DOUBLE_EQ(cs.time, 0.002530);
}

TEST(McoClientStart, RabbitTempQueueNeedsNoSubscribe) {
  Ping p(false);
  const mco::ClientStart cs =
      mco::find_client_start(p.t, p.send, 1, "/temp-queue/mcollective_reply_discovery");
  ASSERT_TRUE(cs.found());
  EXPECT_EQ(cs.ref, p.connected);
}

TEST(McoClientStart, SubscribeToAnotherDestinationDisqualifies) {
  Ping p;
  EXPECT_FALSE(mco::find_client_start(p.t, p.send, 1, "/queue/other").found());
  EXPECT_FALSE(mco::find_client_start(p.t, p.send, 1, "").found());
}

TEST(McoClientStart, BrokerSpokeAfterConnected) {
  Session s;
  s.feed(1, kClient, Command::kConnect, 0.0);
  s.feed(1, kBroker, Command::kConnected, 0.001);
  s.feed(1, kClient, Command::kSubscribe, 0.002, {{"destination", kReply}, {"receipt", "r1"}});
  s.feed(1, kBroker, Command::kReceipt, 0.003, {{"receipt-id", "r1"}});
  const auto send = s.feed(1, kClient, Command::kSend, 0.004);
  EXPECT_FALSE(mco::find_client_start(s.t, send, 1, kReply).found());
}

TEST(McoClientStart, AnotherConnectionsConnectedDoesNotCount) {
  // The client's session began before the capture; another client connects
  // meanwhile. The broker's last data on conn 1 is a MESSAGE seen as a
  // partial segment only, so nothing on conn 1 matches.
  Session s;
  s.segment(1, kBroker, 0.001);
  s.feed(2, kClient, Command::kConnect, 0.0015);
  s.feed(2, kBroker2, Command::kConnected, 0.002);
  s.feed(1, kClient, Command::kSend, 0.0025);  // first item of conn 1: direction known
  s.segment(1, kBroker, 0.003);
  const auto send = s.feed(1, kClient, Command::kSend, 0.004);
  EXPECT_FALSE(mco::find_client_start(s.t, send, 1, "").found());
}

TEST(McoClientStart, NoNotesNoStart) {
  stomp::Tracker t;
  EXPECT_FALSE(mco::find_client_start(t, {5, 0}, 1, kReply).found());
}
