// mco_psk_test.cpp - the psk :hash check (MD5 from GLib's GChecksum) against
// RFC 1321's test suite (appendix A.5), Ruby's Digest::MD5, the values in
// mcollective-wire-format.md section 3.3 and the real sample envelopes.
#include <gtest/gtest.h>

#include <string>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_psk.h"
#include "ruby/ruby_test_support.h"

namespace {

// MD5(body || key) as hex.
std::string digest(const std::string& body, const std::string& key = "") {
  char out[33];
  mco::psk_digest(body, key, out);
  return out;
}

}  // namespace

TEST(PskDigest, Rfc1321TestSuite) {
  EXPECT_EQ(digest(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(digest("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(digest("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(digest("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(digest("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(digest("1234567890123456789012345678901234567890123456789012345678901234567890123456"
                   "7890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(PskDigest, IsMd5OfBodyFollowedByKeyAtAnySplit) {
  // Ruby: Digest::MD5.hexdigest((0..255).map(&:chr).join * 3)
  std::string all;
  for (int r = 0; r < 3; ++r)
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t split : {0u, 1u, 63u, 64u, 65u, 700u, 768u})
    EXPECT_EQ(digest(all.substr(0, split), all.substr(split)),
              "e6899eaaf06fd702f3ed3f988eb19362")
        << split;
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
