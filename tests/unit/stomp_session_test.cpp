// stomp_session_test.cpp - the session Tracker: version negotiation per the
// STOMP 1.2 specification ("Protocol Negotiation"), direction, and frames
// left incomplete at the end of a capture.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stomp_session.h"

using stomp::Command;
using stomp::Version;

namespace {

struct Feeder {
  stomp::Tracker t;
  uint32_t num = 0;
  const stomp::FrameNotes* feed(uint64_t conn, uint64_t sender, Command c,
                                std::vector<stomp::HeaderView> h = {}) {
    stomp::ObservedFrame f;
    f.conn = conn;
    f.sender = sender;
    f.ref = {++num, 0};
    f.command = c;
    f.headers = h.data();
    f.header_count = h.size();
    return t.observe(f);
  }
};

constexpr uint64_t kClient = 11, kServer = 22;

}  // namespace

TEST(StompTracker, VersionFromConnected) {
  Feeder f;
  const auto* connect = f.feed(1, kClient, Command::kConnect, {{"accept-version", "1.0,1.1,1.2"}});
  EXPECT_EQ(connect->sent_under, Version::kUnknown);
  EXPECT_EQ(f.t.version_of(1), Version::kUnknown);
  const auto* connected = f.feed(1, kServer, Command::kConnected, {{"version", "1.1"}});
  EXPECT_EQ(connected->version, Version::k11);
  EXPECT_EQ(f.t.version_of(1), Version::k11);
  // the CONNECT is back-filled with what was negotiated
  EXPECT_EQ(connect->version, Version::k11);
  const auto* send = f.feed(1, kClient, Command::kSend);
  EXPECT_EQ(send->sent_under, Version::k11);
  EXPECT_TRUE(send->direction_known);
  EXPECT_TRUE(send->from_client);
  const auto* msg = f.feed(1, kServer, Command::kMessage);
  EXPECT_FALSE(msg->from_client);
}

TEST(StompTracker, NoVersionHeaderMeans10) {
  Feeder f;
  f.feed(1, kClient, Command::kConnect, {{"login", "guest"}});
  EXPECT_EQ(f.t.version_of(1), Version::k10);  // a 1.0 client
  f.feed(1, kServer, Command::kConnected, {{"session", "x"}});
  EXPECT_EQ(f.t.version_of(1), Version::k10);
}

TEST(StompTracker, FirstVersionHeaderWins) {
  Feeder f;
  f.feed(1, kServer, Command::kConnected, {{"version", "1.2"}, {"version", "1.0"}});
  EXPECT_EQ(f.t.version_of(1), Version::k12);
}

TEST(StompTracker, ConnectionsAreIndependentAndNotesStable) {
  Feeder f;
  f.feed(1, kServer, Command::kConnected, {{"version", "1.2"}});
  f.feed(2, kServer, Command::kConnected, {{"version", "1.0"}});
  EXPECT_EQ(f.t.version_of(1), Version::k12);
  EXPECT_EQ(f.t.version_of(2), Version::k10);
  const auto* first = f.feed(1, kClient, Command::kSend);
  const uint32_t first_num = f.num;
  for (int i = 0; i < 10000; i++) f.feed(1, kClient, Command::kSend);
  // notes keep their address and content, and can be found again
  EXPECT_EQ(f.t.find({first_num, 0}), first);
  EXPECT_EQ(first->sent_under, Version::k12);
  EXPECT_EQ(f.t.find({999999, 0}), nullptr);
}

TEST(StompTracker, MidStreamDirectionFromServerFrames) {
  Feeder f;
  const auto* m = f.feed(7, kServer, Command::kMessage);
  EXPECT_TRUE(m->direction_known);
  EXPECT_FALSE(m->from_client);
  const auto* a = f.feed(7, kClient, Command::kAck);
  EXPECT_TRUE(a->from_client);
  EXPECT_EQ(a->sent_under, Version::kUnknown);
}

TEST(StompTracker, IncompleteTailSurvivesOnlyIfNothingFollows) {
  stomp::Tracker t;
  t.incomplete(1, kClient, 10);
  t.incomplete(1, kClient, 11);
  t.consumed(1, kClient);  // a later segment completed it
  EXPECT_FALSE(t.unterminated_at(1, kClient, 11));
  t.incomplete(1, kClient, 20);
  t.incomplete(1, kClient, 21);
  t.incomplete(1, kServer, 22);
  EXPECT_TRUE(t.unterminated_at(1, kClient, 21));
  EXPECT_FALSE(t.unterminated_at(1, kClient, 20));  // not its last packet
  EXPECT_TRUE(t.unterminated_at(1, kServer, 22));
  EXPECT_FALSE(t.unterminated_at(2, kClient, 21));
}
