// mco_secure.h - the crypto-free parts of the ssl and aes_security providers
// (wire-format sections 3.4, 3.5): which key a message names, the PKCS#1
// v1.5 type-1 block that a private-key "encryption" leaves, PKCS#7 padding,
// and the hook through which the glue hands decode_envelope() a decrypted
// :body. The cryptography itself (RSA, AES, MD5) is done by libgcrypt /
// GnuTLS in plugin/mcollective/mco_crypto.*; nothing here computes any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace core {
class Arena;
}

namespace mco {

struct Envelope;

// The key name of a ":callerid" "cert=<name>" (ssl and aes_security), when
// it has the form MCollective 2.x servers accept (^\w+=[\w.-]+$ with kind
// "cert"); else empty. The name is a file name without ".pem", so a name
// made only of dots is refused too (no "..").
std::string_view cert_name(std::string_view callerid);

// The payload of an RSA PKCS#1 v1.5 type-1 block (00 01 FF..FF 00 data,
// at least 8 FF bytes), as recovered by the public-key operation on a
// private-key encryption. em is the full modulus-length block.
bool pkcs1_type1_payload(const uint8_t* em, size_t len, const uint8_t** out, size_t* out_len);

// Length without PKCS#7 padding for a block size (16 for AES): false when
// len is not a positive multiple of block or the padding bytes are wrong.
bool pkcs7_unpadded_len(const uint8_t* buf, size_t len, size_t block, size_t* out_len);

// The hook decode_envelope() calls for an aes_security :body. Given the
// envelope (fields read, :body still Base64 text) and the Base64-decoded
// :sslkey and :body bytes, it returns the plaintext in arena memory, or
// nullptr with *why set to a static reason ("no key for cert=admin" style
// texts are the glue's business: why may point into arena memory too).
struct BodyDecryptor {
  const uint8_t* (*decrypt)(void* ctx, const Envelope& env, const uint8_t* sslkey,
                            size_t sslkey_len, const uint8_t* ciphertext, size_t ct_len,
                            core::Arena& arena, size_t* plain_len, const char** why);
  void* ctx;
};

}  // namespace mco
