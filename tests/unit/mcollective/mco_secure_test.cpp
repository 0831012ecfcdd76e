// mco_secure_test.cpp - the crypto-free ssl / aes_security helpers
// (dissector/mcollective/mco_secure.*) and the GnuTLS / libgcrypt glue
// (plugin/mcollective/mco_crypto.*, epan-free) on the committed throw-away
// keys of the real captures. The AES vector was made with Ruby's OpenSSL
// exactly as MCollective::SSL#aes_encrypt does (cipher.key = k;
// cipher.pkcs5_keyivgen(k)):
//   ruby -ropenssl -e 'c=OpenSSL::Cipher.new("aes-256-cbc");c.encrypt;
//     k="0123456789abcdef0123456789abcdef";c.key=k;c.pkcs5_keyivgen(k);
//     puts (c.update("MCollective aes_security plaintext, 2 blocks+")+c.final).unpack1("H*")'
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dissector/mcollective/mco_secure.h"
#include "plugin/mcollective/mco_crypto.h"

namespace {

std::vector<uint8_t> unhex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

std::string keys(const char* capture) {
  return std::string(STOMP_SOURCE_DIR) + "/test-captures/keys/" + capture;
}

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(McoSecure, CertName) {
  EXPECT_EQ(mco::cert_name("cert=ops"), "ops");
  EXPECT_EQ(mco::cert_name("cert=web01.example.net"), "web01.example.net");
  EXPECT_EQ(mco::cert_name("uid=500"), "");
  EXPECT_EQ(mco::cert_name("cert="), "");
  EXPECT_EQ(mco::cert_name("cert=.."), "");
  EXPECT_EQ(mco::cert_name("cert=../etc/passwd"), "");
  EXPECT_EQ(mco::cert_name("cert=a b"), "");
}

TEST(McoSecure, Pkcs1Type1) {
  std::vector<uint8_t> em = {0x00, 0x01};
  em.insert(em.end(), 8, 0xff);
  em.push_back(0x00);
  em.push_back('k');
  em.push_back('y');
  const uint8_t* p = nullptr;
  size_t n = 0;
  ASSERT_TRUE(mco::pkcs1_type1_payload(em.data(), em.size(), &p, &n));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), n), "ky");
  em[5] = 0x00;  // only 3 FF bytes before a 00
  EXPECT_FALSE(mco::pkcs1_type1_payload(em.data(), em.size(), &p, &n));
  em[1] = 0x02;
  EXPECT_FALSE(mco::pkcs1_type1_payload(em.data(), em.size(), &p, &n));
}

TEST(McoSecure, Pkcs7) {
  std::vector<uint8_t> b(16, 'a');
  b[14] = b[15] = 2;
  size_t n = 0;
  ASSERT_TRUE(mco::pkcs7_unpadded_len(b.data(), b.size(), 16, &n));
  EXPECT_EQ(n, 14u);
  b[14] = 3;
  EXPECT_FALSE(mco::pkcs7_unpadded_len(b.data(), b.size(), 16, &n));
  EXPECT_FALSE(mco::pkcs7_unpadded_len(b.data(), 15, 16, &n));
  b[15] = 0;
  EXPECT_FALSE(mco::pkcs7_unpadded_len(b.data(), b.size(), 16, &n));
}

TEST(McoCrypto, AesMatchesRubyOpenSsl) {
  const std::string k = "0123456789abcdef0123456789abcdef";
  uint8_t key[32], iv[16];
  ASSERT_TRUE(mco_crypto::evp_bytes_to_key(reinterpret_cast<const uint8_t*>(k.data()), k.size(),
                                           key, iv));
  const auto ct = unhex(
      "6c37182afb97fd9defd05c0c59a0dc9a28d0b63211c332999f15a300b8edc6f77e3f6272c2821cf8641760294a"
      "b401cd");
  std::vector<uint8_t> out(ct.size());
  size_t n = 0;
  ASSERT_TRUE(mco_crypto::aes256cbc_decrypt(key, iv, ct.data(), ct.size(), out.data(), &n));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), n),
            "MCollective aes_security plaintext, 2 blocks+");
  // one key byte off: the padding check fails (or, rarely, garbage)
  key[0] ^= 1;
  if (mco_crypto::aes256cbc_decrypt(key, iv, ct.data(), ct.size(), out.data(), &n)) {
    EXPECT_NE(std::string(reinterpret_cast<const char*>(out.data()), n),
              "MCollective aes_security plaintext, 2 blocks+");
  }
  EXPECT_FALSE(mco_crypto::aes256cbc_decrypt(key, iv, ct.data(), 17, out.data(), &n));
}

TEST(McoCrypto, KeyFilesThroughGnuTls) {
  bool priv = true;
  auto pub = slurp(keys("mco-ssl-activemq") + "/ops.pem");
  ASSERT_FALSE(pub.empty());
  EXPECT_TRUE(mco_crypto::parse_key_bytes(pub.data(), pub.size(), &priv));
  EXPECT_FALSE(priv);
  auto pk = slurp(keys("mco-ssl-activemq") + "/ops-private.pem");
  EXPECT_TRUE(mco_crypto::parse_key_bytes(pk.data(), pk.size(), &priv));
  EXPECT_TRUE(priv);
  pub[40] ^= 0x20;  // a damaged PEM
  EXPECT_FALSE(mco_crypto::parse_key_bytes(pub.data(), 20, &priv));
  EXPECT_FALSE(mco_crypto::parse_key_bytes(nullptr, 0, &priv));
}

TEST(McoCrypto, KeyRingCountsAndProblems) {
  const std::string d = keys("mco-aes-activemq");
  mco_crypto::KeyRing* r = mco_crypto::keyring_load(nullptr, nullptr, d.c_str());
  // ops.pem, server-public.pem + the public halves of the two private keys
  EXPECT_EQ(mco_crypto::keyring_public_count(r), 4u);
  EXPECT_EQ(mco_crypto::keyring_private_count(r), 2u);
  EXPECT_EQ(mco_crypto::keyring_problem_count(r), 0u);
  mco_crypto::keyring_free(r);

  r = mco_crypto::keyring_load("/nonexistent-mco-keys", "/nonexistent.pem", nullptr);
  EXPECT_EQ(mco_crypto::keyring_public_count(r), 0u);
  ASSERT_EQ(mco_crypto::keyring_problem_count(r), 2u);
  EXPECT_NE(std::string(mco_crypto::keyring_problem(r, 0)).find("/nonexistent-mco-keys"),
            std::string::npos);
  mco_crypto::keyring_free(r);
}

}  // namespace
