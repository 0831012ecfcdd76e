// mco_detect.cpp - recognising MCollective bodies cheaply: the heuristic
// pre-check and the optional Base64 body layer (wire-format sections 2.6,
// 7.5 steps 2-3).
//
// The pre-check runs on every SEND/MESSAGE body of every STOMP capture, so a
// body that is not MCollective's must be turned down in time that does not
// grow with the body: it looks only at the bytes every envelope starts with
// (Marshal 04 08 then a Hash, YAML "---" then a Symbol key line) and, for the
// Base64 forms, at the first four characters, which alone encode 04 08 7b/7d
// ("BAh7", "BAh9") or "---" ("LS0t"). Hex ids, tokens and ordinary Base64
// fail there. Only a body whose first group matches has a bounded prefix
// decoded; the whole body is decoded once, by decode_envelope.
#include <cstring>

#include "dissector/mcollective/mco_envelope.h"
#include "dissector/ruby/ruby_base64.h"

namespace mco {

namespace {

bool is_b64_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

// Base64 bodies as Ruby's Base64.encode64 writes them: the alphabet, '='
// padding and line breaks only (no blanks, so ordinary text never passes).
bool strict_base64(const uint8_t* d, size_t n) {
  if (n < 4) return false;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = d[i];
    if (!is_b64_char(c) && c != '=' && c != '\n' && c != '\r') return false;
  }
  return true;
}

bool is_key_char(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// How far the YAML check looks: Psych writes "---\n" or "--- " and then the
// first key; MCollective's keys are short words.
constexpr size_t kYamlHeaderMax = 64;
constexpr size_t kYamlKeyMax = 64;

// "---" + blank or line break, then a line that starts with ":<identifier>"
// followed by ':' -- a Symbol-keyed mapping, as Psych and Syck write
// MCollective envelopes. Reads at most about 130 bytes.
bool yaml_envelope_start(const uint8_t* d, size_t n) {
  if (n < 6 || std::memcmp(d, "---", 3) != 0) return false;
  if (d[3] != '\n' && d[3] != ' ' && d[3] != '\r') return false;
  size_t i = 3;
  const size_t header_end = n < 3 + kYamlHeaderMax ? n : 3 + kYamlHeaderMax;
  while (i < header_end && d[i] != '\n') ++i;  // rest of the header line
  if (i >= header_end) return false;
  ++i;
  if (i + 2 >= n || d[i] != ':' || !is_key_char(d[i + 1])) return false;
  const size_t key_end = n - i < kYamlKeyMax ? n : i + kYamlKeyMax;
  for (size_t j = i + 1; j < key_end && d[j] != '\n'; ++j) {
    if (d[j] == ':') return true;
    if (!is_key_char(d[j]) && !(d[j] >= '0' && d[j] <= '9')) return false;
  }
  return false;
}

bool marshal_hash_start(const uint8_t* d, size_t n) {
  return n >= 4 && d[0] == 0x04 && d[1] == 0x08 && (d[2] == 0x7b || d[2] == 0x7d);
}

// The first Base64 group (4 characters, 3 bytes) of the body, decoded; false
// when the body does not start with 4 alphabet characters.
bool first_group(const uint8_t* d, size_t n, uint8_t out[3]) {
  if (n < 4) return false;
  for (size_t i = 0; i < 4; ++i)
    if (!is_b64_char(d[i])) return false;
  return ruby::base64_decode(d, 4, out) == 3;
}

// Characters of a Base64 prefix decoded to check the envelope start: 344
// characters (258 bytes) hold the Marshal header or the YAML key line.
constexpr size_t kPrefixChars = 344;

}  // namespace

bool looks_like_mcollective(const uint8_t* d, size_t n, size_t* examined) {
  size_t seen = 0;
  bool yes = false;
  if (d) {
    seen = n < 4 ? n : 4;
    if (marshal_hash_start(d, n)) {
      yes = true;
    } else if (n >= 3 && d[0] == '-') {
      seen = n < 3 + kYamlHeaderMax + kYamlKeyMax + 1 ? n : 3 + kYamlHeaderMax + kYamlKeyMax + 1;
      yes = yaml_envelope_start(d, n);
    } else {
      uint8_t head[3];
      if (first_group(d, n, head) &&
          ((head[0] == 0x04 && head[1] == 0x08 && (head[2] == 0x7b || head[2] == 0x7d)) ||
           std::memcmp(head, "---", 3) == 0)) {
        const size_t take = n < kPrefixChars ? n : kPrefixChars;
        seen = take;
        if (strict_base64(d, take)) {
          uint8_t buf[ruby::base64_max_decoded(kPrefixChars)];
          const size_t got = ruby::base64_decode(d, take, buf);
          yes = marshal_hash_start(buf, got) || yaml_envelope_start(buf, got);
        }
      }
    }
  }
  if (examined) *examined = seen;
  return yes;
}

const uint8_t* unwrap_base64_body(const uint8_t* d, size_t n, core::Arena& arena,
                                  size_t* out_len) {
  *out_len = 0;
  // The first group tells Marshal (04 08) or YAML (---) before the body is
  // scanned or any arena is spent on it.
  uint8_t head[3];
  if (!d || !first_group(d, n, head)) return nullptr;
  const bool marshal = head[0] == 0x04 && head[1] == 0x08;
  const bool yaml = std::memcmp(head, "---", 3) == 0;
  if ((!marshal && !yaml) || !strict_base64(d, n)) return nullptr;
  return ruby::base64_decode_arena(d, n, arena, out_len);
}

}  // namespace mco
