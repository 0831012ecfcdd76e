// mco_psk.cpp - psk :hash verification (see mco_psk.h).
#include "dissector/mcollective/mco_psk.h"

#include <glib.h>

#include <cstring>

#include "dissector/mcollective/mco_envelope.h"

namespace mco {

void psk_digest(std::string_view body, std::string_view key, char out[33]) {
  // GLib's MD5, streamed, so the body is never copied to append the key.
  // (g_checksum_update accepts a null pointer with length 0.)
  GChecksum* m = g_checksum_new(G_CHECKSUM_MD5);
  g_checksum_update(m, reinterpret_cast<const guchar*>(body.data()),
                    static_cast<gssize>(body.size()));
  g_checksum_update(m, reinterpret_cast<const guchar*>(key.data()),
                    static_cast<gssize>(key.size()));
  std::memcpy(out, g_checksum_get_string(m), 33);  // lower-case hex + NUL
  g_checksum_free(m);
}

HashStatus verify_psk(std::string_view body, std::string_view key, std::string_view hash_text) {
  if (hash_text.empty()) return HashStatus::NoHash;
  if (hash_text.size() != 32) return HashStatus::Malformed;
  for (char c : hash_text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
      return HashStatus::Malformed;
  if (key.empty()) return HashStatus::NoKey;
  char want[33];
  psk_digest(body, key, want);
  for (size_t i = 0; i < 32; ++i) {
    char c = hash_text[i];
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (c != want[i]) return HashStatus::Invalid;
  }
  return HashStatus::Valid;
}

HashStatus verify_psk(const Envelope& env, std::string_view key) {
  if (!env.hash.is_text) return HashStatus::NoHash;
  const ruby::Value* b = ruby::deref(env.body.node);
  std::string_view body = b && b->kind == ruby::Kind::String ? b->text : std::string_view();
  return verify_psk(body, key, env.hash.text);
}

const char* hash_status_name(HashStatus s) {
  switch (s) {
    case HashStatus::Valid: return "valid";
    case HashStatus::Invalid: return "invalid";
    case HashStatus::NoKey: return "no key";
    case HashStatus::NoHash: return "no hash";
    case HashStatus::Malformed: return "not a psk hash";
  }
  return "?";
}

}  // namespace mco
