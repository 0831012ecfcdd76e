// mco_correlate_test.cpp - request/reply pairing and the time split, on a
// hand-built timeline whose legs are known by construction.
#include <gtest/gtest.h>

#include "dissector/mcollective/mco_correlate.h"

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
  ASSERT_TRUE(lw.complete);
  EXPECT_FALSE(lw.has_client);  // no client start given
  EXPECT_TRUE(lw.has_client_send);
  EXPECT_NEAR(lw.client_send, 0, 1e-9);  // one SEND for both nodes
  EXPECT_NEAR(lw.broker_out, 0.002, 1e-6);
  EXPECT_NEAR(lw.node, 0.008, 1e-6);
  EXPECT_NEAR(lw.broker_back, 0.001, 1e-6);

  mco::Legs la = n_app->reply->legs();
  ASSERT_TRUE(la.complete);
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
  EXPECT_FALSE(n->reply->legs().complete);
  EXPECT_FALSE(n->reply->legs().has_node);
  EXPECT_NEAR(n->age_at_frame, 5.125 - 1000, 1e-9);
}

namespace {

// Sum of the legs a Legs has.
double leg_sum(const mco::Legs& l) {
  return (l.has_client ? l.client : 0) + (l.has_client_send ? l.client_send : 0) +
         (l.has_broker_out ? l.broker_out : 0) + (l.has_node ? l.node : 0) +
         (l.has_broker_back ? l.broker_back : 0);
}

}  // namespace

TEST(McoCorrelate, ClientStartAndDirectAddressingLegsSumToTotal) {
  // The client connects (CONNECTED at 99.996), builds the request and SENDs
  // one copy per node: web's at 100.000, app's at 100.004 (direct
  // addressing). Every time below is chosen, so every leg is known.
  mco::Correlator c;
  auto s_web = msg(10, 1, 100.000, true, true, "d", "client");
  s_web.client_start = {8, 0};
  s_web.client_start_time = 99.996;
  c.observe(s_web);
  c.observe(msg(11, 1, 100.004, true, true, "d", "client"));  // app's copy
  auto d_web = msg(12, 2, 100.001, false, true, "d", "client");
  d_web.sent_in = {{10, 0}, 0.001f};
  d_web.sent_in_time = 100.000;
  c.observe(d_web);
  auto d_app = msg(13, 3, 100.006, false, true, "d", "client");
  d_app.sent_in = {{11, 0}, 0.002f};
  d_app.sent_in_time = 100.004;
  c.observe(d_app);
  c.observe(msg(14, 3, 100.016, true, false, "d", "app"));
  auto b_app = msg(15, 1, 100.019, false, false, "d", "app");
  b_app.sent_in = {{14, 0}, 0.003f};
  const auto* n = c.observe(b_app);

  const mco::Request& r = c.requests().front();
  EXPECT_EQ(r.origin(), mco::Origin::ClientStart);
  EXPECT_EQ(r.origin_frame().num, 8u);
  EXPECT_EQ(r.request_frame().num, 10u);
  const mco::Legs l = n->reply->legs();
  ASSERT_TRUE(l.complete);
  EXPECT_NEAR(l.client, 0.004, 1e-9);
  EXPECT_NEAR(l.client_send, 0.004, 1e-9);  // app's copy left 4 ms after the first
  EXPECT_NEAR(l.broker_out, 0.002, 1e-9);
  EXPECT_NEAR(l.node, 0.010, 1e-9);
  EXPECT_NEAR(l.broker_back, 0.003, 1e-9);
  EXPECT_NEAR(n->reply->total(), 100.019 - 99.996, 1e-9);
  EXPECT_NEAR(leg_sum(l), n->reply->total(), 1e-12);
  // as seen at the node's SEND
  EXPECT_NEAR(n->reply->time_at({14, 0}), 100.016 - 99.996, 1e-9);
}

TEST(McoCorrelate, ClientStartAfterTheSendIsIgnored) {
  mco::Correlator c;
  auto s = msg(10, 1, 5.0, true, true, "x", "client");
  s.client_start = {11, 0};
  s.client_start_time = 5.5;
  c.observe(s);
  EXPECT_EQ(c.requests().front().origin(), mco::Origin::Send);
  EXPECT_TRUE(c.conn_seen(1));
  EXPECT_FALSE(c.conn_seen(2));
}

TEST(McoCorrelate, WithoutTheSendTimesRunFromTheFirstDelivery) {
  // Captured on the nodes' side: the client's connection is missing. The
  // request is known from its deliveries; replies pair by request id.
  mco::Correlator c;
  c.observe(msg(20, 2, 50.001, false, true, "n", "client"));  // to web
  c.observe(msg(21, 3, 50.003, false, true, "n", "client"));  // to app
  const auto* web = c.observe(msg(22, 2, 50.011, true, false, "n", "web"));
  const auto* app = c.observe(msg(23, 3, 50.033, true, false, "n", "app"));
  ASSERT_NE(web->reply, nullptr);
  ASSERT_NE(app->reply, nullptr);
  EXPECT_FALSE(web->unknown_request);
  const mco::Request& r = c.requests().front();
  EXPECT_EQ(r.origin(), mco::Origin::Delivery);
  EXPECT_EQ(r.request_frame().num, 20u);
  EXPECT_EQ(web->reply->delivery.num, 20u);
  EXPECT_EQ(app->reply->delivery.num, 21u);
  EXPECT_NEAR(web->reply->total(), 0.010, 1e-9);
  EXPECT_NEAR(app->reply->total(), 0.032, 1e-9);
  // web's delivery is the origin: its legs cover the whole time
  const mco::Legs lw = web->reply->legs();
  EXPECT_TRUE(lw.complete);
  EXPECT_FALSE(lw.has_broker_out);
  EXPECT_NEAR(leg_sum(lw), web->reply->total(), 1e-12);
  // app's delivery came 2 ms later than the origin: node leg only
  const mco::Legs la = app->reply->legs();
  EXPECT_FALSE(la.complete);
  EXPECT_TRUE(la.has_node);
  EXPECT_NEAR(la.node, 0.030, 1e-9);
}

TEST(McoCorrelate, RequestsNobodyAnswersAreMarked) {
  mco::Correlator c;
  auto reg = msg(1, 1, 1.0, true, true, "reg", "node");
  reg.expects_replies = false;
  c.observe(reg);
  c.observe(msg(2, 1, 1.5, true, true, "rpc", "client"));
  EXPECT_FALSE(c.requests()[0].expects_replies);
  EXPECT_TRUE(c.requests()[1].expects_replies);
}
