// mco_detect.cpp - recognising MCollective bodies cheaply: the heuristic
// pre-check and the optional Base64 body layer (wire-format sections 2.6,
// 7.5 steps 2-3).
#include <cstring>

#include "dissector/mcollective/mco_envelope.h"
#include "dissector/ruby/ruby_base64.h"

namespace mco {

namespace {

// Base64 bodies as Ruby's Base64.encode64 writes them: the alphabet, '='
// padding and line breaks only (no blanks, so ordinary text never passes).
bool strict_base64(const uint8_t* d, size_t n) {
  if (n < 4) return false;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = d[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r';
    if (!ok) return false;
  }
  return true;
}

bool is_key_char(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// "---" + blank or line break, then (within the first lines) a line that
// starts with ":<identifier>" followed by ':' -- a Symbol-keyed mapping, as
// Psych and Syck write MCollective envelopes.
bool yaml_envelope_start(const uint8_t* d, size_t n) {
  if (n < 6 || std::memcmp(d, "---", 3) != 0) return false;
  if (d[3] != '\n' && d[3] != ' ' && d[3] != '\r') return false;
  size_t i = 3;
  while (i < n && d[i] != '\n') ++i;  // rest of the header line
  if (i >= n) return false;
  ++i;
  if (i + 2 >= n || d[i] != ':' || !is_key_char(d[i + 1])) return false;
  for (size_t j = i + 1; j < n && d[j] != '\n'; ++j) {
    if (d[j] == ':') return true;
    if (!is_key_char(d[j]) && !(d[j] >= '0' && d[j] <= '9')) return false;
  }
  return false;
}

bool marshal_hash_start(const uint8_t* d, size_t n) {
  return n >= 4 && d[0] == 0x04 && d[1] == 0x08 && (d[2] == 0x7b || d[2] == 0x7d);
}

}  // namespace

bool looks_like_mcollective(const uint8_t* d, size_t n) {
  if (!d) return false;
  if (marshal_hash_start(d, n) || yaml_envelope_start(d, n)) return true;
  if (!strict_base64(d, n)) return false;
  // Decode only a prefix: enough for the Marshal header or the YAML key line.
  uint8_t buf[ruby::base64_max_decoded(344)];
  size_t take = n < 344 ? n : 344;
  size_t got = ruby::base64_decode(d, take, buf);
  return marshal_hash_start(buf, got) || yaml_envelope_start(buf, got);
}

const uint8_t* unwrap_base64_body(const uint8_t* d, size_t n, core::Arena& arena,
                                  size_t* out_len) {
  *out_len = 0;
  if (!d || !strict_base64(d, n)) return nullptr;
  // Check the first group before spending arena on the whole body.
  uint8_t head[ruby::base64_max_decoded(8)];
  size_t got = ruby::base64_decode(d, n < 8 ? n : 8, head);
  bool marshal = got >= 2 && head[0] == 0x04 && head[1] == 0x08;
  bool yaml = got >= 3 && std::memcmp(head, "---", 3) == 0;
  if (!marshal && !yaml) return nullptr;
  return ruby::base64_decode_arena(d, n, arena, out_len);
}

}  // namespace mco
