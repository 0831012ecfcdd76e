// mco_body.cpp - the nested :body of an MCollective envelope: decoded with a
// fresh decoder of the envelope's serializer (its own object and symbol
// tables), the ssl/aes request wrapper {:ssl_msg, :ssl_ttl, :ssl_msgtime}
// unwrapped, and the result classified (wire-format sections 4 and 7.5).
#include <cstdio>
#include <cstring>

#include "dissector/mcollective/mco_mapping.h"
#include "dissector/ruby/ruby_base64.h"
#include "dissector/ruby/ruby_marshal.h"
#include "dissector/ruby/ruby_yaml.h"

namespace mco {

namespace {

// Bytes of ciphertext a Base64 text stands for (without decoding it).
size_t base64_payload_len(std::string_view s) {
  size_t sextets = 0;
  for (char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '/')
      ++sextets;
  }
  return sextets * 6 / 8;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void classify(Envelope& env) {
  const ruby::Value* p = ruby::deref(env.payload);
  if (!p) {
    env.body_kind = BodyKind::Other;
    return;
  }
  if (p->kind == ruby::Kind::String || p->kind == ruby::Kind::Symbol) {
    env.body_kind = p->text == "ping"   ? BodyKind::DiscoveryPing
                    : p->text == "pong" ? BodyKind::DiscoveryPong
                                        : BodyKind::Other;
    return;
  }
  if (env.registration) {
    env.body_kind = BodyKind::Registration;
    env.registration_data = p;
    return;
  }
  if (p->kind != ruby::Kind::Hash) {
    env.body_kind = BodyKind::Other;
    return;
  }
  Rpc& rpc = env.rpc;
  if (ruby::hash_find(p, "action")) {
    env.body_kind = BodyKind::RpcRequest;
    rpc.agent = read_field(p, "agent");
    rpc.action = read_field(p, "action");
    rpc.caller = read_field(p, "caller");
    rpc.data = read_field(p, "data");
    rpc.process_results = read_field(ruby::deref(rpc.data.node), "process_results");
  } else if (ruby::hash_find(p, "statuscode")) {
    env.body_kind = BodyKind::RpcReply;
    rpc.statuscode = read_field(p, "statuscode");
    rpc.statusmsg = read_field(p, "statusmsg");
    rpc.data = read_field(p, "data");
  } else {
    env.body_kind = BodyKind::Other;
  }
}

// The Base64 text of a Field as bytes (arena copy); nullptr when absent,
// not Base64 or the arena is full.
const uint8_t* base64_field(const Field& f, core::Arena& arena, size_t* out_len) {
  if (!f.is_text || f.text.empty()) return nullptr;
  const auto* p = reinterpret_cast<const uint8_t*>(f.text.data());
  if (!ruby::is_base64_text(p, f.text.size())) return nullptr;
  return ruby::base64_decode_arena(p, f.text.size(), arena, out_len);
}

// aes_security: asks the decryptor for the plaintext. True when it gave one
// (env.plain); otherwise env.decrypt_error says why.
bool decrypt_body(Envelope& env, core::Arena& arena, const BodyDecryptor& dec) {
  size_t key_len = 0, ct_len = 0;
  const uint8_t* key = base64_field(env.sslkey, arena, &key_len);
  const uint8_t* ct = base64_field(env.body, arena, &ct_len);
  if (!key) {
    env.decrypt_error = env.sslkey.present() ? ":sslkey is not Base64" : "no :sslkey";
    return false;
  }
  if (!ct) {
    env.decrypt_error = ":body is not Base64";
    return false;
  }
  const char* why = "decryption failed";
  size_t plain_len = 0;
  const uint8_t* plain = dec.decrypt(dec.ctx, env, key, key_len, ct, ct_len, arena, &plain_len, &why);
  if (!plain) {
    env.decrypt_error = why ? why : "decryption failed";
    return false;
  }
  env.decrypted = true;
  env.plain = plain;
  env.plain_len = plain_len;
  return true;
}

}  // namespace

void decode_body(Envelope& env, core::Arena& arena, const ruby::Limits& lim,
                 const BodyDecryptor* dec) {
  if (!env.body.present()) return;
  const ruby::Value* b = ruby::deref(env.body.node);
  if (!b || b->kind != ruby::Kind::String) {
    env.body_kind = BodyKind::Undecodable;
    return;
  }
  std::string_view text = b->text;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());

  if (env.security == Security::Aes) {
    // Base64(AES-256-CBC(...)): readable only with the keys.
    env.body_kind = BodyKind::Encrypted;
    env.ciphertext_len = base64_payload_len(text);
    if (!dec || !dec->decrypt || !decrypt_body(env, arena, *dec)) return;
    text = std::string_view(reinterpret_cast<const char*>(env.plain), env.plain_len);
    bytes = env.plain;
    env.body_kind = BodyKind::None;
  }
  if (ruby::has_marshal_header(bytes, text.size())) {
    env.body_serializer = Serializer::Marshal;
    env.inner = ruby::decode_marshal(bytes, text.size(), arena, lim);
  } else if (env.serializer == Serializer::Yaml || starts_with(text, "---")) {
    env.body_serializer = Serializer::Yaml;
    env.inner = ruby::decode_yaml(bytes, text.size(), arena, lim);
  } else {
    env.body_kind = BodyKind::Undecodable;
    return;
  }
  env.inner_root = env.inner.root;
  if (!env.inner_root) {
    env.body_kind = BodyKind::Undecodable;
    return;
  }

  // ssl (1.3.2+) and aes requests wrap the real body with signed copies of
  // the TTL and time.
  env.payload = env.inner_root;
  const ruby::Value* h = ruby::deref(env.inner_root);
  if (h && h->kind == ruby::Kind::Hash) {
    static const char* const kWrappers[] = {"ssl", "aes"};
    for (const char* w : kWrappers) {
      char key[16];
      std::snprintf(key, sizeof key, "%s_msg", w);
      Field msg = read_field(h, key);
      if (!msg.present()) continue;
      env.wrapped = true;
      env.wrapper = w;
      env.wrap_msg = msg;
      std::snprintf(key, sizeof key, "%s_ttl", w);
      env.wrap_ttl = read_field(h, key);
      std::snprintf(key, sizeof key, "%s_msgtime", w);
      env.wrap_msgtime = read_field(h, key);
      env.payload = msg.node;
      break;
    }
  }
  classify(env);
}

}  // namespace mco
