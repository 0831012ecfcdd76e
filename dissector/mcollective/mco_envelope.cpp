// mco_envelope.cpp - decode_envelope(): layers, envelope fields, provider
// inference (wire-format section 7.5 steps 2-6) and the names of the enums.
// The filter and the nested body are mapped in mco_filter.cpp / mco_body.cpp.
#include "dissector/mcollective/mco_envelope.h"

#include <cstring>

#include "dissector/mcollective/mco_mapping.h"
#include "dissector/ruby/ruby_marshal.h"
#include "dissector/ruby/ruby_yaml.h"

namespace mco {

namespace {

bool is_lower_hex32(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

bool is_base64ish(std::string_view s) {
  size_t alpha = 0;
  for (char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '/') {
      ++alpha;
    } else if (c != '=' && c != '\n' && c != '\r') {
      return false;
    }
  }
  return alpha > 0;
}

// Is `key` a Symbol key of the Hash? (MCollective's envelopes are built
// with Symbol keys by every security plugin; String keys mean something else.)
bool has_symbol_key(const ruby::Value* hash, std::string_view key) {
  return ruby::hash_find(hash, key, /*symbols_only=*/true) != nullptr;
}

bool starts_with(const uint8_t* d, size_t n, const char* p) {
  size_t m = std::strlen(p);
  return n >= m && std::memcmp(d, p, m) == 0;
}

// Section 7.5 step 5: :sslkey => aes_security; :hash of 32 hex => psk;
// :hash of Base64 => ssl. YAML envelopes exist only for ssl and aes.
Security infer_security(const Envelope& e) {
  if (e.sslkey.present()) return Security::Aes;
  if (e.hash.is_text) {
    if (is_lower_hex32(e.hash.text)) return Security::Psk;
    if (is_base64ish(e.hash.text)) return Security::Ssl;
  }
  return Security::Unknown;
}

void read_fields(Envelope& e) {
  const ruby::Value* r = e.root;
  e.body = read_field(r, "body");
  e.senderid = read_field(r, "senderid");
  e.requestid = read_field(r, "requestid");
  e.senderagent = read_field(r, "senderagent");
  e.agent = read_field(r, "agent");
  e.collective = read_field(r, "collective");
  e.callerid = read_field(r, "callerid");
  e.ttl = read_field(r, "ttl");
  e.msgtime = read_field(r, "msgtime");
  e.hash = read_field(r, "hash");
  e.sslkey = read_field(r, "sslkey");
  e.sslpubkey = read_field(r, "sslpubkey");
  e.msgtarget = read_field(r, "msgtarget");
}

}  // namespace

Field read_field(const ruby::Value* hash, std::string_view key) {
  Field f;
  const ruby::Pair* p = ruby::hash_find(hash, key);
  if (!p || !p->value) return f;
  f.pair = p;
  f.node = p->value;
  const ruby::Value* v = ruby::deref(p->value);
  if (v && (v->kind == ruby::Kind::String || v->kind == ruby::Kind::Symbol)) {
    f.text = v->text;
    f.is_text = true;
  }
  f.is_int = ruby::as_int64(v, &f.integer);
  return f;
}

const Envelope* decode_envelope(const uint8_t* data, size_t len, core::Arena& arena,
                                const ruby::Limits& lim, const BodyDecryptor* dec) {
  Envelope* env = arena.make<Envelope>();
  if (!env) return nullptr;
  if (!data) len = 0;
  env->bytes = data;
  env->bytes_len = len;

  // Step 2: the optional Base64 layer.
  size_t dlen = 0;
  if (const uint8_t* d = unwrap_base64_body(data, len, arena, &dlen)) {
    env->base64_layer = true;
    env->bytes = d;
    env->bytes_len = dlen;
  }

  // Step 3: Marshal or YAML by the first bytes.
  if (ruby::has_marshal_header(env->bytes, env->bytes_len)) {
    env->serializer = Serializer::Marshal;
    env->outer = ruby::decode_marshal(env->bytes, env->bytes_len, arena, lim);
  } else if (starts_with(env->bytes, env->bytes_len, "---")) {
    env->serializer = Serializer::Yaml;
    env->outer = ruby::decode_yaml(env->bytes, env->bytes_len, arena, lim);
  } else {
    return env;  // not MCollective (JSON registration, plain text, ...)
  }
  const ruby::Value* root = ruby::deref(env->outer.root);
  if (!root || root->kind != ruby::Kind::Hash) return env;
  env->root = root;

  // Step 4: a Hash with the keys every MCollective envelope has, whatever the
  // security plugin and version (1.0 to 2.x requests and replies, psk, ssl,
  // aes_security: wire-format section 3.1): :body, :senderid, :requestid
  // and :msgtime, as Symbols.
  read_fields(*env);
  env->is_mcollective = has_symbol_key(root, "body") && has_symbol_key(root, "senderid") &&
                        has_symbol_key(root, "requestid") && has_symbol_key(root, "msgtime");
  if (env->senderagent.present())
    env->direction = Direction::Reply;
  else if (ruby::hash_find(root, "filter") || env->agent.present() || env->callerid.present())
    env->direction = Direction::Request;
  env->registration = env->direction == Direction::Request && env->agent.text == "registration";

  const ruby::Pair* fp = ruby::hash_find(root, "filter");
  if (fp) {
    env->has_filter = true;
    if (!map_filter(fp->value, arena, &env->filter)) return env;
  }

  // Step 5: provider.
  env->security = infer_security(*env);

  // Where the :body bytes are, for hashing and highlighting.
  const ruby::Value* b = ruby::deref(env->body.node);
  if (b && b->kind == ruby::Kind::String && env->serializer == Serializer::Marshal) {
    const auto* p = reinterpret_cast<const uint8_t*>(b->text.data());
    if (p >= env->bytes && p + b->text.size() <= env->bytes + env->bytes_len) {
      env->body_in_bytes = true;
      env->body_offset = static_cast<size_t>(p - env->bytes);
    }
  }

  // Steps 6-8: the nested body.
  decode_body(*env, arena, lim, dec);
  return env;
}

const char* serializer_name(Serializer s) {
  switch (s) {
    case Serializer::Marshal: return "marshal";
    case Serializer::Yaml: return "yaml";
    case Serializer::Unknown: break;
  }
  return "unknown";
}

const char* security_name(Security s) {
  switch (s) {
    case Security::Psk: return "psk";
    case Security::Ssl: return "ssl";
    case Security::Aes: return "aes_security";
    case Security::Unknown: break;
  }
  return "unknown";
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::Request: return "request";
    case Direction::Reply: return "reply";
    case Direction::Unknown: break;
  }
  return "unknown";
}

const char* body_kind_name(BodyKind k) {
  switch (k) {
    case BodyKind::None: return "none";
    case BodyKind::DiscoveryPing: return "discovery ping";
    case BodyKind::DiscoveryPong: return "discovery pong";
    case BodyKind::RpcRequest: return "SimpleRPC request";
    case BodyKind::RpcReply: return "SimpleRPC reply";
    case BodyKind::Registration: return "registration";
    case BodyKind::Other: return "other";
    case BodyKind::Encrypted: return "encrypted";
    case BodyKind::Undecodable: return "undecodable";
  }
  return "?";
}

}  // namespace mco
