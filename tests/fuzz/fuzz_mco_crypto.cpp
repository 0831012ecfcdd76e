// fuzz_mco_crypto.cpp - libFuzzer target for the ssl / aes_security glue
// (plugin/mcollective/mco_crypto.cpp, epan-free): key bytes read by GnuTLS
// (PEM / DER, certificate, public or private key), and MCollective bodies
// decoded with the aes_security decryptor and checked with verify_ssl().
// The key ring is the committed throw-away keys of the real captures,
// loaded once (as the plugin does per preference change).
//
// First input byte: 0 = key file bytes; else an MCollective body (the rest).
// Seeds: corpus/fuzz_mco_crypto (real aes/ssl bodies and the key files).
#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_envelope.h"
#include "plugin/mcollective/mco_crypto.h"

namespace {

const mco_crypto::KeyRing* ring() {
  static const mco_crypto::KeyRing* r = mco_crypto::keyring_load(
      STOMP_SOURCE_DIR "/test-captures/keys/mco-ssl-activemq",
      STOMP_SOURCE_DIR "/test-captures/keys/mco-ssl-activemq/server-public.pem",
      STOMP_SOURCE_DIR "/test-captures/keys/mco-aes-activemq");
  return r;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  data++;
  size--;
  if (mode == 0) {
    bool priv = false;
    mco_crypto::parse_key_bytes(data, size, &priv);
    return 0;
  }
  core::Arena arena(16u << 20);
  const mco::BodyDecryptor dec = mco_crypto::aes_decryptor(ring());
  const mco::Envelope* e = mco::decode_envelope(data, size, arena, ruby::Limits(), &dec);
  if (!e || !e->is_mcollective) return 0;
  if (e->decrypted) {
    check(e->plain != nullptr && e->decrypt_error == nullptr);
    // PKCS#7 unpadding only shortens the ciphertext
    check(e->plain_len < e->ciphertext_len + 16);
  }
  const mco_crypto::SigResult r = mco_crypto::verify_ssl(ring(), *e);
  check(r.key != nullptr);
  check(mco_crypto::sig_status_name(r.status)[0] != '?');
  return 0;
}
