// mco_psk.h - the psk security provider's check (wire-format section 3.3):
// :hash = lower-case hex MD5(:body bytes || pre-shared key). Only :body is
// covered, so "valid" says nothing about the rest of the envelope.
#pragma once

#include <cstddef>
#include <string_view>

namespace mco {

struct Envelope;

enum class HashStatus {
  Valid,      // MD5(body || key) equals :hash
  Invalid,    // it does not (wrong key or altered body)
  NoKey,      // no key configured
  NoHash,     // the envelope has no :hash text
  Malformed,  // :hash is not 32 hex digits (not a psk message)
};

// Lower-case hex MD5(body || key) into out (33 bytes).
void psk_digest(std::string_view body, std::string_view key, char out[33]);

// Compares psk_digest(body, key) with hash_text (hex, any case).
HashStatus verify_psk(std::string_view body, std::string_view key, std::string_view hash_text);

// The same for a decoded envelope (its :body bytes and :hash).
HashStatus verify_psk(const Envelope& env, std::string_view key);

const char* hash_status_name(HashStatus s);

}  // namespace mco
