// mco_crypto.h - the user's keys and the library cryptography of the ssl
// and aes_security providers (wire-format sections 3.4 and 3.5).
//
// No epan here (unit-tested and fuzzed without Wireshark): keys are parsed
// by GnuTLS (PEM or DER, X.509 certificates, SubjectPublicKeyInfo, PKCS#1
// and PKCS#8 private keys); RSA-SHA1 verification and PKCS#1 v1.5 private-key
// decryption by GnuTLS; the raw RSA public operation (to read a private-key
// "encrypted" :sslkey), MD5 for EVP_BytesToKey and AES-256-CBC by libgcrypt.
// Padding checks and key choice are the pure helpers of
// dissector/mcollective/mco_secure.h. (Wireshark 4.0's libwireshark-dev does
// not install wsutil/rsa.h, and wsutil/wsgcrypt.h pulls in epan's
// wireshark.h, so the libraries are called directly.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_secure.h"

namespace mco_crypto {

class KeyRing;

// Reads every *.pem / *.der file of the folders (not recursive) and the
// server public key file; any may be null or empty. Never fails: problems
// (missing folder, unreadable or unparsable file) are kept and reported
// with the messages that need the key. Caller frees with keyring_free().
KeyRing* keyring_load(const char* ssl_dir, const char* server_pub_file, const char* aes_dir);
void keyring_free(KeyRing* ring);

// How many public / private keys were loaded, and the load problems.
size_t keyring_public_count(const KeyRing* ring);
size_t keyring_private_count(const KeyRing* ring);
size_t keyring_problem_count(const KeyRing* ring);
const char* keyring_problem(const KeyRing* ring, size_t i);

enum class SigStatus { Good, Bad, NoKey, KeyUnreadable, Malformed };
const char* sig_status_name(SigStatus s);  // "good", "bad", "no key", ...

struct SigResult {
  SigStatus status = SigStatus::NoKey;
  const char* key = "";  // name of the key used or wanted (static / ring memory)
  char detail[200] = {0};  // a sentence for the expert info
};

// ssl provider: :hash (Base64 RSA PKCS#1 v1.5 SHA-1 signature) over the
// exact :body bytes. Requests are checked with the key named by
// :callerid "cert=<name>" (<name>.pem of the ssl folder), replies with the
// server public key.
SigResult verify_ssl(const KeyRing* ring, const mco::Envelope& env);

// The decryptor hook for decode_envelope(): ctx is the KeyRing.
mco::BodyDecryptor aes_decryptor(const KeyRing* ring);

// One key file's bytes as GnuTLS reads them (PEM or DER; certificate,
// public or private key): true when a usable RSA key came out. For tests and
// the fuzz target; what the ring does for each file.
bool parse_key_bytes(const uint8_t* data, size_t len, bool* is_private);

// EVP_BytesToKey(aes-256-cbc, MD5, no salt, pw, count 2048): 32-byte key,
// 16-byte IV (libgcrypt MD5).
bool evp_bytes_to_key(const uint8_t* pw, size_t pw_len, uint8_t key[32], uint8_t iv[16]);

// AES-256-CBC decryption with PKCS#7 unpadding; out holds ct_len bytes.
bool aes256cbc_decrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t* ct,
                       size_t ct_len, uint8_t* out, size_t* out_len);

}  // namespace mco_crypto
