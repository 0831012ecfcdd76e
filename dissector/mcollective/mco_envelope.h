// mco_envelope.h - MCollective message model on top of a decoded Ruby value
// tree (mcollective-wire-format.md sections 3, 4 and 7.5).
//
// decode_envelope() takes a STOMP body, undoes the optional Base64 layer,
// decodes the security envelope (Marshal or YAML), picks out the envelope
// fields, infers the security provider, decodes the nested :body stream with
// a fresh decoder of the same serializer, unwraps the ssl/aes request wrapper
// and classifies the inner body (discovery ping/pong, SimpleRPC request or
// reply, registration).
//
// Everything lives in the arena; string views point into the input, into the
// Base64-decoded copy or into the tree (YAML), all of which live as long as
// the arena and the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_secure.h"
#include "dissector/ruby/ruby_value.h"

namespace mco {

enum class Serializer : uint8_t { Unknown, Marshal, Yaml };
enum class Security : uint8_t { Unknown, Psk, Ssl, Aes };
enum class Direction : uint8_t { Unknown, Request, Reply };

enum class BodyKind : uint8_t {
  None,           // no :body
  DiscoveryPing,  // "ping"
  DiscoveryPong,  // "pong"
  RpcRequest,     // Hash with :action
  RpcReply,       // Hash with :statuscode
  Registration,   // request to agent "registration" (agent list or meta Hash)
  Other,          // decoded, none of the above
  Encrypted,      // aes_security: Base64 ciphertext, not decrypted
  Undecodable,    // the nested stream did not decode (see Envelope::inner)
};

// A field read from a Hash: the pair (key + value, for highlighting), the
// value node (may be a Link: the glue can show "same as #n"), and its text
// (String or Symbol, links followed) or integer.
struct Field {
  const ruby::Pair* pair = nullptr;
  const ruby::Value* node = nullptr;
  std::string_view text;
  int64_t integer = 0;
  bool is_text = false;
  bool is_int = false;
  bool present() const { return node != nullptr; }
};

// One "fact" filter entry {:fact, :operator, :value}.
struct FactFilter {
  const ruby::Value* node = nullptr;
  Field fact, op, value;
};

// A cf_class / agent / identity entry: a String ("/regex/" strings included)
// or a real Regexp object (identity filters built by limit-targets).
struct FilterItem {
  const ruby::Value* node = nullptr;
  std::string_view text;
  bool regexp = false;  // a Regexp object (text = its source)
};

struct Filter {
  const ruby::Value* node = nullptr;  // the :filter Hash
  const FactFilter* facts = nullptr;
  size_t fact_count = 0;
  const FilterItem* classes = nullptr;
  size_t class_count = 0;
  const FilterItem* agents = nullptr;
  size_t agent_count = 0;
  const FilterItem* identities = nullptr;
  size_t identity_count = 0;
  const ruby::Value* compound = nullptr;  // raw "compound" value
  Field collective;                       // "collective" (discovery via Client#discover)
};

// SimpleRPC request ({:agent, :action, :caller, :data}) or reply
// ({:statuscode, :statusmsg, :data}) body. Keys may be Symbols or Strings.
struct Rpc {
  Field agent, action, caller;
  Field statuscode, statusmsg;
  Field data;                         // the :data Hash
  Field process_results;              // :data[:process_results] (request)
};

struct Envelope {
  // ---- outer layers
  Serializer serializer = Serializer::Unknown;
  Security security = Security::Unknown;
  Direction direction = Direction::Unknown;
  bool base64_layer = false;  // STOMP body was Base64 (plugin.*.base64)
  // The bytes the envelope was decoded from: the input, or the arena copy
  // made by undoing the Base64 layer. Node offsets refer to these bytes.
  const uint8_t* bytes = nullptr;
  size_t bytes_len = 0;
  ruby::DecodeResult outer;           // envelope decode (root, error, warnings)
  const ruby::Value* root = nullptr;  // the envelope Hash
  bool is_mcollective = false;        // a Hash with :body and :requestid/:senderid

  // ---- envelope fields (section 3.1)
  Field body, senderid, requestid, senderagent, agent, collective, callerid, ttl, msgtime, hash,
      sslkey, sslpubkey, msgtarget;
  bool registration = false;  // request to agent "registration"
  bool has_filter = false;
  Filter filter;

  // Where the :body bytes sit inside `bytes` (Marshal: a slice of the input;
  // YAML: the scalar is unescaped text, so no slice).
  bool body_in_bytes = false;
  size_t body_offset = 0;

  // ---- inner body
  BodyKind body_kind = BodyKind::None;
  Serializer body_serializer = Serializer::Unknown;
  ruby::DecodeResult inner;               // nested stream decode
  const ruby::Value* inner_root = nullptr;
  // ssl/aes request wrapper {:ssl_msg/:aes_msg, :*_ttl, :*_msgtime}
  bool wrapped = false;
  std::string_view wrapper;               // "ssl" or "aes"
  Field wrap_msg, wrap_ttl, wrap_msgtime;
  const ruby::Value* payload = nullptr;   // inner body after unwrapping
  Rpc rpc;
  const ruby::Value* registration_data = nullptr;  // Array of agents / meta Hash
  size_t ciphertext_len = 0;              // aes: bytes of ciphertext in :body
  // aes_security with a BodyDecryptor: the plaintext the inner body was
  // decoded from (inner node offsets refer to it), or why it was not.
  bool decrypted = false;
  const uint8_t* plain = nullptr;
  size_t plain_len = 0;
  const char* decrypt_error = nullptr;  // set when decryption was tried and failed
};

// Decodes one STOMP body. Returns nullptr only when the arena cannot hold the
// result; otherwise check is_mcollective / outer.ok() for what was found.
// dec, when given, is asked to decrypt an aes_security :body (mco_secure.h);
// the plaintext is then decoded like any other body.
const Envelope* decode_envelope(const uint8_t* data, size_t len, core::Arena& arena,
                                const ruby::Limits& lim = ruby::Limits(),
                                const BodyDecryptor* dec = nullptr);

// Cheap pre-check for a heuristic dissector: a Marshal Hash (04 08 7b/7d), a
// Psych/Syck YAML document whose first key line starts with ':', or Base64 of
// either. Never true for plain text or JSON. Reads a bounded prefix whatever
// the body's size (at most 344 bytes); *examined, when given, receives how
// many bytes it read.
bool looks_like_mcollective(const uint8_t* data, size_t len, size_t* examined = nullptr);

// Undoes the optional Base64 body layer: when the first group decodes to
// 04 08 or "---" and every byte is Base64 alphabet, '=' or a line break,
// returns the arena copy (and its length); else nullptr (after reading only
// the first 4 bytes, for a body that does not start like an envelope).
const uint8_t* unwrap_base64_body(const uint8_t* data, size_t len, core::Arena& arena,
                                  size_t* out_len);

const char* serializer_name(Serializer s);
const char* security_name(Security s);
const char* direction_name(Direction d);
const char* body_kind_name(BodyKind k);

}  // namespace mco
