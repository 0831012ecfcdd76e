// mco_envelope_test.cpp - the MCollective mapping: samples 01-11 against the
// decoded values of mcollective-wire-format.md section 8 (cross-checked with
// Ruby's Marshal.load / YAML.load of the same files), the Base64 body layer,
// the heuristic pre-check, and real MCollective 2.13 traffic.
//
// For the real captures the expectations come from outside the decoder: the
// STOMP headers of the same frames (mc_sender, destination, mc_identity), the
// `.mco.txt` command logs and README of /work/shared/captures/mcollective,
// and Ruby (Digest::MD5 of :body + "example-dev-psk" equals :hash).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_psk.h"
#include "ruby/ruby_test_support.h"

using mco::BodyKind;
using mco::Direction;
using mco::Envelope;
using mco::Security;
using mco::Serializer;
using rtest::item;

namespace {

struct Env {
  core::Arena arena;
  std::vector<uint8_t> bytes;
  const Envelope* e = nullptr;
  explicit Env(const std::string& name) : bytes(rtest::sample(name)) {
    e = mco::decode_envelope(bytes.data(), bytes.size(), arena);
  }
  const Envelope& operator*() const { return *e; }
  const Envelope* operator->() const { return e; }
};

std::string s(std::string_view v) { return std::string(v); }

}  // namespace

TEST(McoEnvelope, Sample01PingRequest) {
  Env env("01_ping_request.psk.marshal");
  ASSERT_NE(env.e, nullptr);
  EXPECT_TRUE(env->is_mcollective);
  EXPECT_TRUE(env->outer.ok());
  EXPECT_EQ(env->serializer, Serializer::Marshal);
  EXPECT_EQ(env->security, Security::Psk);
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_FALSE(env->base64_layer);
  EXPECT_EQ(s(env->senderid.text), "admin.example.net");
  EXPECT_EQ(s(env->requestid.text), "af3f8717e97a51848b8f9d1ecbae9e7c");
  EXPECT_EQ(s(env->collective.text), "mcollective");
  EXPECT_EQ(s(env->agent.text), "discovery");
  EXPECT_EQ(s(env->callerid.text), "uid=1000");
  EXPECT_TRUE(env->ttl.is_int);
  EXPECT_EQ(env->ttl.integer, 60);
  EXPECT_EQ(env->msgtime.integer, 1700000000);
  EXPECT_EQ(s(env->hash.text), "32ccb872945c01b143f6630f24f34608");
  EXPECT_FALSE(env->senderagent.present());
  EXPECT_FALSE(env->sslkey.present());
  EXPECT_FALSE(env->msgtarget.present());
  // :body as in the stream: 14 bytes at 0x0c (after 22 13 at 0x0a).
  EXPECT_TRUE(env->body_in_bytes);
  EXPECT_EQ(env->body_offset, 0x0cu);
  EXPECT_EQ(env->body.text.size(), 14u);
  // Empty 2.x filter: five keys, all empty.
  EXPECT_TRUE(env->has_filter);
  EXPECT_EQ(env->filter.fact_count + env->filter.class_count + env->filter.agent_count +
                env->filter.identity_count,
            0u);
  ASSERT_NE(env->filter.compound, nullptr);
  EXPECT_EQ(env->filter.compound->count, 0u);
  EXPECT_FALSE(env->filter.collective.present());
  // Inner body "ping", its own Marshal stream.
  EXPECT_EQ(env->body_serializer, Serializer::Marshal);
  EXPECT_TRUE(env->inner.ok());
  EXPECT_EQ(env->body_kind, BodyKind::DiscoveryPing);
  EXPECT_FALSE(env->wrapped);
  EXPECT_EQ(rtest::text(env->payload), "ping");
}

TEST(McoEnvelope, Sample02PingReply) {
  Env env("02_ping_reply.psk.marshal");
  EXPECT_EQ(env->direction, Direction::Reply);
  EXPECT_EQ(env->security, Security::Psk);
  EXPECT_EQ(s(env->senderid.text), "node1.example.net");
  EXPECT_EQ(s(env->requestid.text), "af3f8717e97a51848b8f9d1ecbae9e7c");
  EXPECT_EQ(s(env->senderagent.text), "discovery");
  EXPECT_EQ(env->msgtime.integer, 1700000001);
  EXPECT_FALSE(env->has_filter);
  EXPECT_FALSE(env->ttl.present());
  EXPECT_EQ(env->body_kind, BodyKind::DiscoveryPong);
}

TEST(McoEnvelope, Sample03DiscoveryWithFilter) {
  Env env("03_discovery_request_rpcutil.psk.marshal");
  EXPECT_EQ(s(env->requestid.text), "56814bac0b12549685c965288635ab5f");
  EXPECT_EQ(env->msgtime.integer, 1700000010);
  // :collective is @22 -> filter["collective"]; the Field keeps the link.
  EXPECT_EQ(env->collective.node->kind, ruby::Kind::Link);
  EXPECT_EQ(s(env->collective.text), "mcollective");
  const mco::Filter& f = env->filter;
  ASSERT_EQ(f.fact_count, 1u);
  EXPECT_EQ(s(f.facts[0].fact.text), "osfamily");
  EXPECT_EQ(s(f.facts[0].op.text), "==");
  EXPECT_EQ(s(f.facts[0].value.text), "RedHat");
  EXPECT_EQ(f.class_count, 0u);
  ASSERT_EQ(f.agent_count, 1u);
  EXPECT_EQ(s(f.agents[0].text), "rpcutil");
  ASSERT_EQ(f.identity_count, 1u);
  EXPECT_EQ(s(f.identities[0].text), "/^node\\d+/");
  EXPECT_FALSE(f.identities[0].regexp);  // a "/regex/" String, not a Regexp
  EXPECT_EQ(s(f.collective.text), "mcollective");
  EXPECT_EQ(f.collective.node, ruby::deref(env->collective.node));
  EXPECT_EQ(env->body_kind, BodyKind::DiscoveryPing);
}

TEST(McoEnvelope, Sample04RpcRequest) {
  Env env("04_rpcutil_inventory_request.psk.marshal");
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_EQ(s(env->requestid.text), "e8de43e802575af19cef7fa0ceae657f");
  EXPECT_EQ(env->agent.node->kind, ruby::Kind::Link);  // @15
  EXPECT_EQ(env->agent.node->slot, 15);
  EXPECT_EQ(s(env->agent.text), "rpcutil");
  EXPECT_EQ(env->msgtime.integer, 1700000012);
  EXPECT_EQ(env->body_kind, BodyKind::RpcRequest);
  // {:agent=>"rpcutil", :action=>"inventory", :caller=>"uid=1000",
  //  :data=>{:process_results=>true}}
  EXPECT_EQ(s(env->rpc.agent.text), "rpcutil");
  EXPECT_EQ(s(env->rpc.action.text), "inventory");
  EXPECT_EQ(s(env->rpc.caller.text), "uid=1000");
  ASSERT_TRUE(env->rpc.data.present());
  EXPECT_EQ(ruby::deref(env->rpc.data.node)->kind, ruby::Kind::Hash);
  ASSERT_TRUE(env->rpc.process_results.present());
  EXPECT_EQ(env->rpc.process_results.node->kind, ruby::Kind::True);
}

TEST(McoEnvelope, Sample05RpcReply) {
  Env env("05_rpcutil_inventory_reply.psk.marshal");
  EXPECT_EQ(env->direction, Direction::Reply);
  EXPECT_EQ(s(env->senderagent.text), "rpcutil");
  EXPECT_EQ(env->msgtime.integer, 1700000013);
  EXPECT_EQ(env->body_kind, BodyKind::RpcReply);
  EXPECT_TRUE(env->rpc.statuscode.is_int);
  EXPECT_EQ(env->rpc.statuscode.integer, 0);
  EXPECT_EQ(s(env->rpc.statusmsg.text), "OK");
  const ruby::Value* data = ruby::deref(env->rpc.data.node);
  EXPECT_EQ(rtest::text(ruby::hash_get(data, "version")), "2.12.5");
  EXPECT_EQ(rtest::text(item(ruby::hash_get(data, "collectives"), 0)), "mcollective");
}

TEST(McoEnvelope, Sample06Registration) {
  Env env("06_registration_agentlist.psk.marshal");
  EXPECT_TRUE(env->registration);
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_EQ(s(env->senderid.text), "node1.example.net");
  EXPECT_EQ(s(env->callerid.text), "uid=0");
  EXPECT_EQ(env->msgtime.integer, 1700000030);
  ASSERT_EQ(env->filter.agent_count, 1u);
  EXPECT_EQ(s(env->filter.agents[0].text), "registration");
  EXPECT_EQ(env->body_kind, BodyKind::Registration);
  // ["discovery", "rpcutil"]
  ASSERT_NE(env->registration_data, nullptr);
  EXPECT_EQ(rtest::render(env->registration_data), "[\"discovery\", \"rpcutil\"]");
}

TEST(McoEnvelope, Sample07SslYamlRequest) {
  Env env("07_rpcutil_get_fact_request.ssl.yaml");
  EXPECT_TRUE(env->is_mcollective);
  EXPECT_EQ(env->serializer, Serializer::Yaml);
  EXPECT_EQ(env->security, Security::Ssl);
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_EQ(s(env->requestid.text), "b5561465d482588883e449acb0d50b23");
  EXPECT_EQ(s(env->callerid.text), "cert=admin");
  EXPECT_EQ(env->msgtime.integer, 1700000040);
  EXPECT_FALSE(env->body_in_bytes);  // unescaped block text, not a slice
  EXPECT_EQ(env->body.text.size(), 168u);  // Ruby: h[:body].bytesize
  EXPECT_EQ(env->body_serializer, Serializer::Yaml);
  EXPECT_TRUE(env->wrapped);
  EXPECT_EQ(s(env->wrapper), "ssl");
  EXPECT_EQ(env->wrap_ttl.integer, 60);
  EXPECT_EQ(env->wrap_msgtime.integer, 1700000040);
  EXPECT_EQ(env->body_kind, BodyKind::RpcRequest);
  EXPECT_EQ(s(env->rpc.action.text), "get_fact");
  EXPECT_EQ(s(env->rpc.caller.text), "cert=admin");
  EXPECT_EQ(rtest::text(ruby::hash_get(env->rpc.data.node, "fact")), "osfamily");
  ASSERT_EQ(env->filter.fact_count, 1u);
  EXPECT_EQ(s(env->filter.facts[0].op.text), "==");
}

TEST(McoEnvelope, Sample08SslYamlReply) {
  Env env("08_rpcutil_get_fact_reply.ssl.yaml");
  EXPECT_EQ(env->security, Security::Ssl);
  EXPECT_EQ(env->direction, Direction::Reply);
  EXPECT_EQ(s(env->senderid.text), "node1.example.net");
  EXPECT_EQ(env->msgtime.integer, 1700000041);
  EXPECT_FALSE(env->wrapped);  // replies carry no wrapper
  EXPECT_EQ(env->body_kind, BodyKind::RpcReply);
  EXPECT_EQ(env->rpc.statuscode.integer, 0);
  EXPECT_EQ(rtest::text(ruby::hash_get(env->rpc.data.node, "value")), "RedHat");
}

TEST(McoEnvelope, Sample09AesRequestIsEncryptedButReadable) {
  Env env("09_rpcutil_ping_request.aes.marshal");
  EXPECT_EQ(env->security, Security::Aes);
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_EQ(env->body_kind, BodyKind::Encrypted);
  // Ruby: h[:body].unpack1("m").bytesize == 144 (AES blocks), body 196 chars.
  EXPECT_EQ(env->ciphertext_len, 144u);
  EXPECT_EQ(env->body.text.size(), 196u);
  EXPECT_TRUE(env->sslkey.present());
  EXPECT_FALSE(env->hash.present());
  EXPECT_EQ(s(env->senderid.text), "admin.example.net");
  EXPECT_EQ(s(env->requestid.text), "706fbd7b84455ff68c7b39715092269a");
  EXPECT_EQ(s(env->agent.text), "rpcutil");
  EXPECT_EQ(s(env->callerid.text), "cert=admin");
  EXPECT_EQ(env->ttl.integer, 60);
  EXPECT_EQ(env->msgtime.integer, 1700000050);
  ASSERT_EQ(env->filter.identity_count, 1u);
  EXPECT_EQ(s(env->filter.identities[0].text), "/^node\\d+/");
}

TEST(McoEnvelope, Sample10AesReply) {
  Env env("10_rpcutil_ping_reply.aes.marshal");
  EXPECT_EQ(env->security, Security::Aes);
  EXPECT_EQ(env->direction, Direction::Reply);
  EXPECT_EQ(env->body_kind, BodyKind::Encrypted);
  EXPECT_EQ(env->ciphertext_len, 64u);
  EXPECT_EQ(s(env->senderagent.text), "rpcutil");
  EXPECT_EQ(env->msgtime.integer, 1700000051);
  EXPECT_EQ(s(env->requestid.text), "706fbd7b84455ff68c7b39715092269a");
}

TEST(McoEnvelope, Sample11Legacy1x) {
  Env env("11_legacy_1x_ping_request.psk.marshal");
  EXPECT_EQ(env->security, Security::Psk);
  EXPECT_EQ(env->direction, Direction::Request);
  EXPECT_EQ(s(env->msgtarget.text), "/topic/mcollective.discovery.command");
  EXPECT_FALSE(env->ttl.present());
  EXPECT_EQ(s(env->requestid.text), "228c70bfc5589c58c044e03fff0e17eb");
  EXPECT_EQ(s(env->callerid.text), "uid=500");
  EXPECT_EQ(env->msgtime.integer, 1303600000);
  EXPECT_EQ(env->filter.compound, nullptr);  // 1.x: four keys
  EXPECT_EQ(env->body.text.size(), 8u);
  EXPECT_EQ(env->body_kind, BodyKind::DiscoveryPing);
  EXPECT_EQ(ruby::deref(env->payload)->encoding, ruby::Encoding::Binary);
}

TEST(McoEnvelope, AesWithYamlSerializer) {
  // Ruby: YAML.dump({:senderid => "node1.example.net", :requestid => "0"*32,
  //   :senderagent => "rpcutil", :msgtime => 1700000051,
  //   :body => Base64.encode64("\x01"*48), :sslkey => Base64.encode64("k"*64)})
  std::string doc =
      "---\n:senderid: node1.example.net\n:requestid: '00000000000000000000000000000000'\n"
      ":senderagent: rpcutil\n:msgtime: 1700000051\n:body: |\n"
      "  AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n  AQEB\n"
      ":sslkey: |\n  a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr\n"
      "  a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2tr\n";
  core::Arena arena;
  const Envelope* e =
      mco::decode_envelope(reinterpret_cast<const uint8_t*>(doc.data()), doc.size(), arena);
  ASSERT_TRUE(e->is_mcollective);
  EXPECT_EQ(e->serializer, Serializer::Yaml);
  EXPECT_EQ(e->security, Security::Aes);
  EXPECT_EQ(e->direction, Direction::Reply);
  EXPECT_EQ(s(e->requestid.text), std::string(32, '0'));  // quoted: a String
  EXPECT_EQ(e->body_kind, BodyKind::Encrypted);
  EXPECT_EQ(e->ciphertext_len, 48u);
}

TEST(McoEnvelope, Base64BodyLayer) {
  // Base64.encode64 of samples 01 and 07 (LF every 60 characters).
  Env m("01_ping_request.psk.base64");
  EXPECT_TRUE(m->base64_layer);
  EXPECT_EQ(m->bytes_len, 345u);
  EXPECT_EQ(m->serializer, Serializer::Marshal);
  EXPECT_EQ(m->body_kind, BodyKind::DiscoveryPing);
  EXPECT_EQ(mco::verify_psk(*m, "changeme"), mco::HashStatus::Valid);
  EXPECT_TRUE(m->body_in_bytes);
  EXPECT_EQ(m->body_offset, 0x0cu);  // in the decoded bytes
  Env y("07_rpcutil_get_fact_request.ssl.base64");
  EXPECT_TRUE(y->base64_layer);
  EXPECT_EQ(y->serializer, Serializer::Yaml);
  EXPECT_EQ(y->body_kind, BodyKind::RpcRequest);
}

TEST(McoEnvelope, NotMcollective) {
  struct Case {
    const char* text;
  } cases[] = {
      {"{\"agent\":\"registration\",\"identity\":\"node1\"}"},
      {"hello world"},
      {"---\nfoo: bar\n"},
      {"--- pong\n"},
      {""},
      {"SGVsbG8gd29ybGQ="},  // Base64 of "Hello world"
  };
  for (const auto& c : cases) {
    std::string t = c.text;
    core::Arena arena;
    const Envelope* e =
        mco::decode_envelope(reinterpret_cast<const uint8_t*>(t.data()), t.size(), arena);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->is_mcollective) << t;
    EXPECT_FALSE(mco::looks_like_mcollective(reinterpret_cast<const uint8_t*>(t.data()), t.size()))
        << t;
  }
}

// Decodes the YAML/Marshal bodies that look like envelopes but are not ones:
// every MCollective envelope (1.0 to 2.x, psk, ssl, aes_security requests
// and replies: wire-format section 3.1) has the Symbol keys :body,
// :senderid, :requestid and :msgtime.
TEST(McoEnvelope, EnvelopesNeedTheSymbolKeysEveryPluginWrites) {
  struct Case {
    const char* text;
    bool mcollective;
  } cases[] = {
      {"---\nbody: x\nsenderid: y\n", false},                           // String keys
      {"---\nbody: x\nsenderid: y\nrequestid: z\nmsgtime: 1\n", false},  // String keys
      {"---\n:body: x\n:senderid: y\n:msgtime: 1\n", false},            // no :requestid
      {"---\n:body: x\n:requestid: z\n:msgtime: 1\n", false},           // no :senderid
      {"---\n:body: x\n:senderid: y\n:requestid: z\n", false},          // no :msgtime
      {"---\n:senderid: y\n:requestid: z\n:msgtime: 1\n", false},       // no :body
      {"---\n:body: x\n:senderid: y\n:requestid: z\n:msgtime: 1\n", true},
      {"---\n:body: x\n:senderid: y\n:requestid: z\n\"msgtime\": 1\n", false},  // quoted
  };
  for (const auto& c : cases) {
    std::string t = c.text;
    core::Arena arena;
    const Envelope* e =
        mco::decode_envelope(reinterpret_cast<const uint8_t*>(t.data()), t.size(), arena);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->is_mcollective, c.mcollective) << t;
    // neither :senderagent nor request keys: its direction is unknown, not "reply"
    if (e->is_mcollective) {
      EXPECT_EQ(e->direction, Direction::Unknown) << t;
    }
  }
  // a Marshal Hash with String keys (make_bodies.rb)
  {
    const std::vector<uint8_t> data =
        rtest::capture_file("mcollective-synthetic/string_keys.marshal");
    ASSERT_GT(data.size(), 60u);
    core::Arena arena;
    const Envelope* e = mco::decode_envelope(data.data(), data.size(), arena);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(e->outer.ok());
    EXPECT_FALSE(e->is_mcollective);
  }
}

TEST(McoEnvelope, LooksLikeMcollectiveOnEverySample) {
  for (const char* name :
       {"01_ping_request.psk.marshal", "02_ping_reply.psk.marshal",
        "03_discovery_request_rpcutil.psk.marshal", "04_rpcutil_inventory_request.psk.marshal",
        "05_rpcutil_inventory_reply.psk.marshal", "06_registration_agentlist.psk.marshal",
        "07_rpcutil_get_fact_request.ssl.yaml", "08_rpcutil_get_fact_reply.ssl.yaml",
        "09_rpcutil_ping_request.aes.marshal", "10_rpcutil_ping_reply.aes.marshal",
        "11_legacy_1x_ping_request.psk.marshal", "01_ping_request.psk.base64",
        "07_rpcutil_get_fact_request.ssl.base64", "real/psk_ping_request.marshal",
        "real/ssl_yaml_ping_request.yaml", "real/ssl_yaml_ping_reply_app01.yaml"}) {
    std::vector<uint8_t> d = rtest::sample(name);
    ASSERT_FALSE(d.empty()) << name;
    EXPECT_TRUE(mco::looks_like_mcollective(d.data(), d.size())) << name;
  }
}

TEST(McoEnvelope, LooksLikeMcollectiveRejectsRandomText) {
  // Printable random text (including '{', '-', ':' and Base64 letters) is
  // never taken for MCollective.
  std::mt19937 rng(7);
  const std::string chars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/= :-{}[]\",\n";
  for (int i = 0; i < 20000; ++i) {
    std::string t(1 + rng() % 80, ' ');
    for (char& c : t) c = chars[rng() % chars.size()];
    EXPECT_FALSE(mco::looks_like_mcollective(reinterpret_cast<const uint8_t*>(t.data()), t.size()))
        << t;
  }
}

// The pre-check runs on every STOMP body: what it reads must not grow with
// the body (issue 10: hex text is all Base64 alphabet, and a 1 MiB hex body
// used to be scanned and decoded in full).
TEST(McoEnvelope, LooksLikeMcollectiveReadsABoundedPrefix) {
  std::mt19937 rng(11);
  const std::string hex = "0123456789abcdef";
  const std::string b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto body = [&](const std::string& head, const std::string& alphabet) {
    std::string t = head;
    while (t.size() < (1u << 20)) t += alphabet[rng() % alphabet.size()];
    return t;
  };
  struct Case {
    std::string text;
    bool mcollective;
  } cases[] = {
      {body("", hex), false},               // hex ids, hashes, tokens
      {body("", b64), false},               // ordinary Base64
      {body("BAh7", b64), true},            // Base64 of a Marshal Hash start: decode it
      {body("BAh7 ", b64), false},          // ... but not Base64 as Ruby writes it
      {body("LS0t", hex), false},           // Base64 of "---", then not YAML
      {body("--- ", "x"), false},           // a YAML header line that never ends
      {body("---\n:", "k"), false},         // a key that never ends
      {body("---\n:body: ", hex), true},    // a real start, then a big value
      {body("\x04\x08{", hex), true},       // Marshal Hash start
  };
  for (const auto& c : cases) {
    size_t examined = 0;
    EXPECT_EQ(mco::looks_like_mcollective(reinterpret_cast<const uint8_t*>(c.text.data()),
                                          c.text.size(), &examined),
              c.mcollective)
        << c.text.substr(0, 16);
    EXPECT_LE(examined, 344u) << c.text.substr(0, 16);
  }
  // Undoing the Base64 layer reads 4 bytes of a body that cannot be one and
  // spends no arena on it.
  const std::string h = body("", hex);
  core::Arena arena;
  size_t out = 0;
  EXPECT_EQ(mco::unwrap_base64_body(reinterpret_cast<const uint8_t*>(h.data()), h.size(), arena,
                                    &out),
            nullptr);
  EXPECT_EQ(arena.used(), 0u);
}

TEST(McoEnvelope, NamesForTheGlue) {
  EXPECT_STREQ(mco::security_name(Security::Aes), "aes_security");
  EXPECT_STREQ(mco::serializer_name(Serializer::Yaml), "yaml");
  EXPECT_STREQ(mco::direction_name(Direction::Reply), "reply");
  EXPECT_STREQ(mco::body_kind_name(BodyKind::RpcRequest), "SimpleRPC request");
}

// ---- real MCollective 2.13 traffic ------------------------------------------

TEST(McoRealTraffic, PskPingRequestAndItsThreeReplies) {
  // mco-psk-activemq.pcap, `mco ping`: SEND to /topic/mcollective.discovery.agent
  // by mc_sender ops01.example.net, started at 1795730128.46 (.mco.txt).
  Env req("real/psk_ping_request.marshal");
  ASSERT_TRUE(req->is_mcollective);
  EXPECT_EQ(req->security, Security::Psk);
  EXPECT_EQ(req->direction, Direction::Request);
  EXPECT_EQ(s(req->senderid.text), "ops01.example.net");
  EXPECT_EQ(s(req->agent.text), "discovery");
  EXPECT_EQ(s(req->collective.text), "mcollective");
  EXPECT_EQ(req->msgtime.integer, 1795730128);
  EXPECT_EQ(req->ttl.integer, 60);
  EXPECT_EQ(req->body_kind, BodyKind::DiscoveryPing);
  EXPECT_EQ(mco::verify_psk(*req, "example-dev-psk"), mco::HashStatus::Valid);
  EXPECT_EQ(mco::verify_psk(*req, "changeme"), mco::HashStatus::Invalid);
  EXPECT_EQ(s(req->requestid.text), "9f9fc8d393655885ba70bd230810b464");

  // The three MESSAGE frames to the reply queue, mc_sender db01/web01/app01.
  const char* replies[][2] = {{"real/psk_ping_reply_db01.marshal", "db01.example.net"},
                              {"real/psk_ping_reply_web01.marshal", "web01.example.net"},
                              {"real/psk_ping_reply_app01.marshal", "app01.example.net"}};
  for (const auto& r : replies) {
    Env rep(r[0]);
    ASSERT_TRUE(rep->is_mcollective) << r[0];
    EXPECT_EQ(rep->direction, Direction::Reply);
    EXPECT_EQ(s(rep->senderid.text), r[1]);
    EXPECT_EQ(s(rep->senderagent.text), "discovery");
    EXPECT_EQ(rep->requestid.text, req->requestid.text) << r[0];
    EXPECT_EQ(rep->body_kind, BodyKind::DiscoveryPong);
    EXPECT_EQ(mco::verify_psk(*rep, "example-dev-psk"), mco::HashStatus::Valid) << r[0];
  }
}

TEST(McoRealTraffic, PskSubCollectivePing) {
  // `mco ping -T europe`: SEND to /topic/europe.discovery.agent.
  Env req("real/psk_ping_request_europe.marshal");
  EXPECT_EQ(s(req->collective.text), "europe");
  EXPECT_EQ(req->body_kind, BodyKind::DiscoveryPing);
  EXPECT_EQ(mco::verify_psk(*req, "example-dev-psk"), mco::HashStatus::Valid);
}

TEST(McoRealTraffic, PskGetFactDirectRequestAndReply) {
  // `mco rpc rpcutil get_fact fact=country`; this copy went to /queue/
  // mcollective.nodes with mc_identity db01.example.net; db01 answered "fr".
  Env req("real/psk_get_fact_request_db01.marshal");
  EXPECT_EQ(req->body_kind, BodyKind::RpcRequest);
  EXPECT_EQ(req->agent.node->kind, ruby::Kind::Link);  // shared with filter["agent"][0]
  EXPECT_EQ(s(req->agent.text), "rpcutil");
  EXPECT_EQ(s(req->rpc.agent.text), "rpcutil");
  EXPECT_EQ(s(req->rpc.action.text), "get_fact");
  EXPECT_EQ(rtest::text(ruby::hash_get(req->rpc.data.node, "fact")), "country");
  EXPECT_EQ(req->rpc.process_results.node->kind, ruby::Kind::True);
  ASSERT_EQ(req->filter.agent_count, 1u);
  EXPECT_EQ(s(req->filter.agents[0].text), "rpcutil");
  EXPECT_EQ(mco::verify_psk(*req, "example-dev-psk"), mco::HashStatus::Valid);

  Env rep("real/psk_get_fact_reply_db01.marshal");
  EXPECT_EQ(rep->requestid.text, req->requestid.text);
  EXPECT_EQ(s(rep->senderid.text), "db01.example.net");
  EXPECT_EQ(rep->body_kind, BodyKind::RpcReply);
  EXPECT_EQ(rep->rpc.statuscode.integer, 0);
  EXPECT_EQ(s(rep->rpc.statusmsg.text), "OK");
  EXPECT_EQ(rtest::text(ruby::hash_get(rep->rpc.data.node, "fact")), "country");
  EXPECT_EQ(rtest::text(ruby::hash_get(rep->rpc.data.node, "value")), "fr");
  EXPECT_EQ(mco::verify_psk(*rep, "example-dev-psk"), mco::HashStatus::Valid);
}

TEST(McoRealTraffic, PskAgentInventory) {
  // `mco rpc rpcutil agent_inventory -I db01.example.net`
  Env req("real/psk_agent_inventory_request.marshal");
  EXPECT_EQ(s(req->rpc.action.text), "agent_inventory");
  Env rep("real/psk_agent_inventory_reply_db01.marshal");
  EXPECT_EQ(rep->requestid.text, req->requestid.text);
  EXPECT_EQ(rep->body_kind, BodyKind::RpcReply);
  EXPECT_EQ(rep->body.text.size(), 581u);
  const ruby::Value* agents = ruby::hash_get(rep->rpc.data.node, "agents");
  ASSERT_NE(agents, nullptr);
  ASSERT_GE(agents->count, 2u);
  EXPECT_EQ(rtest::text(ruby::hash_get(item(agents, 0), "agent")), "discovery");
  EXPECT_EQ(mco::verify_psk(*rep, "example-dev-psk"), mco::HashStatus::Valid);
}

TEST(McoRealTraffic, SslYamlPingAndGetFact) {
  // mco-ssl-yaml-activemq.pcap: ssl provider with YAML, callerid cert=ops.
  Env ping("real/ssl_yaml_ping_request.yaml");
  ASSERT_TRUE(ping->is_mcollective);
  EXPECT_EQ(ping->serializer, Serializer::Yaml);
  EXPECT_EQ(ping->security, Security::Ssl);
  EXPECT_EQ(s(ping->callerid.text), "cert=ops");
  EXPECT_EQ(s(ping->senderid.text), "ops01.example.net");
  EXPECT_EQ(s(ping->agent.text), "discovery");
  EXPECT_TRUE(ping->wrapped);
  EXPECT_EQ(ping->body_kind, BodyKind::DiscoveryPing);
  EXPECT_EQ(ping->wrap_ttl.integer, ping->ttl.integer);
  EXPECT_EQ(ping->wrap_msgtime.integer, ping->msgtime.integer);

  // app01's reply: `:body: "--- pong\n"`, same request id.
  Env pong("real/ssl_yaml_ping_reply_app01.yaml");
  EXPECT_EQ(pong->direction, Direction::Reply);
  EXPECT_EQ(s(pong->senderid.text), "app01.example.net");
  EXPECT_EQ(pong->requestid.text, ping->requestid.text);
  EXPECT_EQ(s(pong->body.text), "--- pong\n");
  EXPECT_EQ(pong->body_kind, BodyKind::DiscoveryPong);

  // `mco rpc rpcutil get_fact fact=role` to app01 (mc_identity); app01 is the
  // app node (capture README: role app).
  Env req("real/ssl_yaml_get_fact_request.yaml");
  EXPECT_EQ(req->body_kind, BodyKind::RpcRequest);
  EXPECT_EQ(s(req->rpc.action.text), "get_fact");
  EXPECT_EQ(s(req->rpc.caller.text), "cert=ops");
  EXPECT_EQ(rtest::text(ruby::hash_get(req->rpc.data.node, "fact")), "role");
  Env rep("real/ssl_yaml_get_fact_reply_app01.yaml");
  EXPECT_EQ(rep->requestid.text, req->requestid.text);
  EXPECT_EQ(rep->body_kind, BodyKind::RpcReply);
  EXPECT_EQ(rtest::text(ruby::hash_get(rep->rpc.data.node, "value")), "app");
}

TEST(McoRealTraffic, TruncatedBodiesNeverCrash) {
  for (const char* name : {"real/psk_agent_inventory_reply_db01.marshal",
                           "real/ssl_yaml_get_fact_request.yaml", "01_ping_request.psk.base64",
                           "04_rpcutil_inventory_request.psk.marshal"}) {
    std::vector<uint8_t> full = rtest::sample(name);
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      core::Arena arena(4 << 20);
      const Envelope* e = mco::decode_envelope(cut.empty() ? nullptr : cut.data(), n, arena);
      ASSERT_NE(e, nullptr);
      mco::verify_psk(*e, "example-dev-psk");
      char buf[256];
      ruby::render_ruby(e->root, buf, sizeof buf);
    }
  }
}
