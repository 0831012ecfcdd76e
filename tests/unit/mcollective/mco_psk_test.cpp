// mco_psk_test.cpp - the MD5 implementation against RFC 1321's test suite
// (appendix A.5) and Ruby's Digest::MD5, and the psk :hash check against the
// values in mcollective-wire-format.md section 3.3 and Ruby.
#include <gtest/gtest.h>

#include <string>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_md5.h"
#include "dissector/mcollective/mco_psk.h"
#include "ruby/ruby_test_support.h"

namespace {

std::string md5(const std::string& s) {
  char out[33];
  mco::md5_hex(s.data(), s.size(), out);
  return out;
}

}  // namespace

TEST(Md5, Rfc1321TestSuite) {
  EXPECT_EQ(md5(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(md5("1234567890123456789012345678901234567890123456789012345678901234567890123456"
                "7890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, PaddingBoundaries) {
  // Ruby: Digest::MD5.hexdigest("a" * n)
  struct Case {
    size_t n;
    const char* hex;
  } cases[] = {
      {55, "ef1772b6dff9a122358552954ad0df65"},  {56, "3b0c8ac703f828b04c6c197006d17218"},
      {57, "652b906d60af96844ebd21b674f35e93"},  {63, "b06521f39153d618550606be297466d5"},
      {64, "014842d480b571495a4a0363793f7367"},  {65, "c743a45e0d2e6a95cb859adae0248435"},
      {119, "8a7bd0732ed6a28ce75f6dabc90e1613"}, {120, "5f61c0ccad4cac44c75ff505e1f1e537"},
      {128, "e510683b3f5ffe4093d021808bc6ff70"}, {1000000, "7707d6ae4e027c70eea2a935c2296f21"},
  };
  for (const auto& c : cases) EXPECT_EQ(md5(std::string(c.n, 'a')), c.hex) << c.n;
}

TEST(Md5, StreamingInAnyChunksGivesTheSameDigest) {
  // Ruby: Digest::MD5.hexdigest((0..255).map(&:chr).join * 3)
  std::string all;
  for (int r = 0; r < 3; ++r)
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(md5(all), "e6899eaaf06fd702f3ed3f988eb19362");
  for (size_t chunk : {1u, 3u, 63u, 64u, 65u, 100u}) {
    mco::Md5 m;
    for (size_t i = 0; i < all.size(); i += chunk)
      m.update(all.data() + i, std::min(chunk, all.size() - i));
    uint8_t d[16];
    m.final(d);
    char hex[33];
    mco::digest_hex(d, hex);
    EXPECT_STREQ(hex, "e6899eaaf06fd702f3ed3f988eb19362") << chunk;
  }
}

TEST(Psk, DocumentedSample01Vector) {
  // Section 3.3: body 04 08 49 22 09 70 69 6e 67 06 3a 06 45 54, key changeme.
  std::vector<uint8_t> body = rtest::hex("04 08 49 22 09 70 69 6e 67 06 3a 06 45 54");
  std::string_view b(reinterpret_cast<const char*>(body.data()), body.size());
  char out[33];
  mco::psk_digest(b, "changeme", out);
  EXPECT_STREQ(out, "32ccb872945c01b143f6630f24f34608");
  using mco::HashStatus;
  EXPECT_EQ(mco::verify_psk(b, "changeme", "32ccb872945c01b143f6630f24f34608"), HashStatus::Valid);
  EXPECT_EQ(mco::verify_psk(b, "changeme", "32CCB872945C01B143F6630F24F34608"), HashStatus::Valid);
  EXPECT_EQ(mco::verify_psk(b, "changemf", "32ccb872945c01b143f6630f24f34608"),
            HashStatus::Invalid);
  EXPECT_EQ(mco::verify_psk(b, "", "32ccb872945c01b143f6630f24f34608"), HashStatus::NoKey);
  EXPECT_EQ(mco::verify_psk(b, "changeme", ""), HashStatus::NoHash);
  EXPECT_EQ(mco::verify_psk(b, "changeme", "Z4FQ6QSsdCcHy0Ly"), HashStatus::Malformed);
  EXPECT_EQ(mco::verify_psk(b, "changeme", "32ccb872945c01b143f6630f24f3460g"),
            HashStatus::Malformed);
}

TEST(Psk, SampleEnvelopesVerifyWithChangeme) {
  // Ruby: Digest::MD5.hexdigest(h[:body] + "changeme") == h[:hash] for each.
  for (const char* name : {"01_ping_request.psk.marshal", "02_ping_reply.psk.marshal",
                           "03_discovery_request_rpcutil.psk.marshal",
                           "04_rpcutil_inventory_request.psk.marshal",
                           "05_rpcutil_inventory_reply.psk.marshal",
                           "06_registration_agentlist.psk.marshal",
                           "11_legacy_1x_ping_request.psk.marshal"}) {
    std::vector<uint8_t> d = rtest::sample(name);
    core::Arena arena;
    const mco::Envelope* e = mco::decode_envelope(d.data(), d.size(), arena);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(mco::verify_psk(*e, "changeme"), mco::HashStatus::Valid) << name;
    EXPECT_EQ(mco::verify_psk(*e, "example-dev-psk"), mco::HashStatus::Invalid) << name;
  }
}

TEST(Psk, NonPskEnvelopes) {
  // ssl: :hash is a Base64 signature; aes: no :hash at all.
  std::vector<uint8_t> ssl = rtest::sample("07_rpcutil_get_fact_request.ssl.yaml");
  std::vector<uint8_t> aes = rtest::sample("09_rpcutil_ping_request.aes.marshal");
  core::Arena arena;
  EXPECT_EQ(mco::verify_psk(*mco::decode_envelope(ssl.data(), ssl.size(), arena), "changeme"),
            mco::HashStatus::Malformed);
  EXPECT_EQ(mco::verify_psk(*mco::decode_envelope(aes.data(), aes.size(), arena), "changeme"),
            mco::HashStatus::NoHash);
}
