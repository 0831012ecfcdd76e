// mco_md5.cpp - MD5 following the description in RFC 1321 section 3:
// pad to 448 mod 512 bits, append the 64-bit little-endian bit length, then
// run four rounds of sixteen operations per 64-byte block over the state
// words A B C D.
#include "dissector/mcollective/mco_md5.h"

#include <cmath>
#include <cstring>

namespace mco {

namespace {

// T[i] = floor(2^32 * |sin(i + 1)|) (RFC 1321 3.4), computed once. A double
// carries sin() exactly enough for all 64 values; the RFC test suite in
// tests/unit/mcollective/mco_psk_test.cpp would catch any slip.
const uint32_t* sine_table() {
  static const struct Table {
    uint32_t t[64];
    Table() {
      for (int i = 0; i < 64; ++i)
        t[i] = static_cast<uint32_t>(std::floor(std::fabs(std::sin(i + 1.0)) * 4294967296.0));
    }
  } table;
  return table.t;
}

// Per-round left-rotation amounts (RFC 1321 3.4).
constexpr int kShift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

uint32_t rotl(uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }

uint32_t le32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

Md5::Md5() : state_{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u} {}

void Md5::block(const uint8_t* p) {
  const uint32_t* T = sine_table();
  uint32_t X[16];
  for (int i = 0; i < 16; ++i) X[i] = le32(p + 4 * i);
  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  for (int i = 0; i < 64; ++i) {
    int round = i / 16;
    uint32_t f;
    int k;  // which message word this step uses
    switch (round) {
      case 0: f = (b & c) | (~b & d); k = i; break;                 // F
      case 1: f = (b & d) | (c & ~d); k = (5 * i + 1) % 16; break;  // G
      case 2: f = b ^ c ^ d; k = (3 * i + 5) % 16; break;           // H
      default: f = c ^ (b | ~d); k = (7 * i) % 16; break;           // I
    }
    uint32_t sum = a + f + X[k] + T[i];
    // Rotate the roles: the new b is computed, the others shift along.
    a = d;
    d = c;
    c = b;
    b = b + rotl(sum, kShift[round][i % 4]);
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
}

void Md5::update(const void* data, size_t len) {
  if (len == 0) return;  // data may be null then (an absent :body)
  const auto* p = static_cast<const uint8_t*>(data);
  bytes_ += len;
  if (used_) {
    size_t take = 64 - used_ < len ? 64 - used_ : len;
    std::memcpy(buf_ + used_, p, take);
    used_ += take;
    p += take;
    len -= take;
    if (used_ < 64) return;
    block(buf_);
    used_ = 0;
  }
  for (; len >= 64; p += 64, len -= 64) block(p);
  std::memcpy(buf_, p, len);
  used_ = len;
}

void Md5::final(uint8_t out[16]) {
  uint64_t bits = bytes_ * 8;
  static const uint8_t kPad[64] = {0x80};
  // One 0x80 byte, zeros up to 56 mod 64, then the length.
  size_t pad = used_ < 56 ? 56 - used_ : 120 - used_;
  update(kPad, pad);
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (8 * i));
  update(len, 8);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(state_[i] >> (8 * j));
}

void digest_hex(const uint8_t d[16], char out[33]) {
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 15];
  }
  out[32] = '\0';
}

void md5_hex(const void* data, size_t len, char out[33]) {
  Md5 m;
  m.update(data, len);
  uint8_t d[16];
  m.final(d);
  digest_hex(d, out);
}

}  // namespace mco
