// ruby_base64.cpp - lenient Base64 decoding (see ruby_base64.h).
#include "dissector/ruby/ruby_base64.h"

#include "dissector/common/arena.h"

namespace ruby {

namespace {

// 0..63 for alphabet characters, 64 for '=', 255 for everything else.
int sextet(uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  if (c == '=') return 64;
  return 255;
}

}  // namespace

size_t base64_decode(const uint8_t* in, size_t len, uint8_t* out) {
  size_t o = 0;
  uint32_t acc = 0;
  int have = 0;
  for (size_t i = 0; i < len; ++i) {
    int s = sextet(in[i]);
    // Ruby skips anything outside the alphabet (line breaks, junk) and treats
    // '=' as the end only where a group's 3rd or 4th character is due;
    // elsewhere '=' is skipped like junk.
    if (s == 64 && have >= 2) break;
    if (s >= 64) continue;
    acc = (acc << 6) | static_cast<uint32_t>(s);
    if (++have == 4) {
      out[o++] = static_cast<uint8_t>(acc >> 16);
      out[o++] = static_cast<uint8_t>(acc >> 8);
      out[o++] = static_cast<uint8_t>(acc);
      acc = 0;
      have = 0;
    }
  }
  // A partial group: 2 characters carry one byte, 3 carry two; a single
  // leftover character carries none.
  if (have == 2) {
    out[o++] = static_cast<uint8_t>(acc >> 4);
  } else if (have == 3) {
    out[o++] = static_cast<uint8_t>(acc >> 10);
    out[o++] = static_cast<uint8_t>(acc >> 2);
  }
  return o;
}

const uint8_t* base64_decode_arena(const uint8_t* in, size_t len, core::Arena& arena,
                                   size_t* out_len) {
  size_t cap = base64_max_decoded(len);
  auto* buf = static_cast<uint8_t*>(arena.alloc(cap + 1));
  if (!buf) {
    *out_len = 0;
    return nullptr;
  }
  *out_len = base64_decode(in, len, buf);
  buf[*out_len] = 0;
  return buf;
}

bool is_base64_text(const uint8_t* in, size_t len) {
  bool any = false;
  for (size_t i = 0; i < len; ++i) {
    uint8_t c = in[i];
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    int s = sextet(c);
    if (s == 255) return false;
    if (s < 64) any = true;
  }
  return any;
}

}  // namespace ruby
