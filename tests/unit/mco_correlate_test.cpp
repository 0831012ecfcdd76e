// mco_correlate_test.cpp - request/reply pairing and the time split, on a
// hand-built timeline whose legs are known by construction.
#include <gtest/gtest.h>

#include "mco_correlate.h"

namespace {

mco::Observed msg(uint32_t num, uint64_t conn, double t, bool send, bool request,
                  const char* id, const char* sender) {
  mco::Observed m;
  m.ref = {num, 0};
  m.conn = conn;
  m.time = t;
  m.is_send = send;
  m.is_request = request;
  m.requestid = id;
  m.senderid = sender;
  m.agent = request ? "discovery" : "discovery";
  m.action = request ? "ping" : "pong";
  m.collective = "mcollective";
  m.has_ttl = true;
  m.ttl = 60;
  m.has_msgtime = true;
  m.msgtime = 1000;
  return m;
}

}  // namespace

TEST(McoCorrelate, PingWithLegsPerNode) {
  // client conn 1, nodes web (conn 2) and app (conn 3); times in seconds
  mco::Correlator c;
  c.observe(msg(10, 1, 1000.000, true, true, "abc", "client"));
  auto d_web = msg(11, 2, 1000.002, false, true, "abc", "client");
  d_web.sent_in = {{10, 0}, 0.002};
  c.observe(d_web);
  auto d_app = msg(12, 3, 1000.003, false, true, "abc", "client");
  d_app.sent_in = {{10, 0}, 0.003};
  c.observe(d_app);
  c.observe(msg(13, 2, 1000.010, true, false, "abc", "web"));     // web replies after 8 ms
  auto back_web = msg(14, 1, 1000.011, false, false, "abc", "web");
  back_web.sent_in = {{13, 0}, 0.001};
  const auto* n_web = c.observe(back_web);
  c.observe(msg(15, 3, 1000.203, true, false, "abc", "app"));     // app: 200 ms in the node
  auto back_app = msg(16, 1, 1000.250, false, false, "abc", "app");  // and 47 ms back
  back_app.sent_in = {{15, 0}, 0.047};
  const auto* n_app = c.observe(back_app);

  ASSERT_EQ(c.requests().size(), 1u);
  const mco::Request& r = c.requests().front();
  EXPECT_EQ(r.first_send.num, 10u);
  ASSERT_EQ(r.replies.size(), 2u);

  ASSERT_NE(n_web->reply, nullptr);
  EXPECT_NEAR(n_web->reply->total(), 0.011, 1e-9);
  mco::Legs lw = n_web->reply->legs();
  ASSERT_TRUE(lw.known);
  EXPECT_NEAR(lw.broker_out, 0.002, 1e-6);
  EXPECT_NEAR(lw.node, 0.008, 1e-6);
  EXPECT_NEAR(lw.broker_back, 0.001, 1e-6);

  mco::Legs la = n_app->reply->legs();
  ASSERT_TRUE(la.known);
  EXPECT_NEAR(la.broker_out, 0.003, 1e-6);
  EXPECT_NEAR(la.node, 0.200, 1e-6);
  EXPECT_NEAR(la.broker_back, 0.047, 1e-6);
  EXPECT_NEAR(n_app->reply->total(), 0.250, 1e-9);
  EXPECT_EQ(n_app->reply->final_frame().num, 16u);
  // the node's SEND is linked to the same reply
  EXPECT_EQ(c.find({15, 0})->reply, n_app->reply);
  EXPECT_EQ(c.find({15, 0})->request, &r);
}

TEST(McoCorrelate, DirectAddressingIsOneRequestWithSeveralSends) {
  mco::Correlator c;
  c.observe(msg(1, 1, 10.0, true, true, "r1", "client"));
  c.observe(msg(2, 1, 10.001, true, true, "r1", "client"));
  c.observe(msg(3, 1, 10.002, true, true, "r1", "client"));
  ASSERT_EQ(c.requests().size(), 1u);
  EXPECT_EQ(c.requests().front().sends, 3u);
  EXPECT_EQ(c.requests().front().first_send.num, 1u);
}

TEST(McoCorrelate, ReplyToUnknownRequest) {
  mco::Correlator c;
  const auto* n = c.observe(msg(5, 2, 1.0, true, false, "nope", "web"));
  EXPECT_TRUE(n->unknown_request);
  EXPECT_EQ(n->reply, nullptr);
}

TEST(McoCorrelate, ClientOnlyCaptureHasTotalButNoLegs) {
  mco::Correlator c;
  c.observe(msg(1, 1, 5.0, true, true, "q", "client"));
  const auto* n = c.observe(msg(2, 1, 5.125, false, false, "q", "db"));
  ASSERT_NE(n->reply, nullptr);
  EXPECT_NEAR(n->reply->total(), 0.125, 1e-9);
  EXPECT_FALSE(n->reply->legs().known);
  EXPECT_NEAR(n->age_at_frame, 5.125 - 1000, 1e-9);
}
