// stomp_format.cpp - see stomp_format.h.
#include "dissector/stomp/stomp_format.h"

#include <cmath>
#include <cstring>

namespace stomp {

size_t format_size(uint64_t n, char* out, size_t cap) {
  if (cap == 0) return 0;
  if (n < 1000) {
    char buf[16];
    size_t k = 0;
    if (n >= 100) buf[k++] = static_cast<char>('0' + n / 100);
    if (n >= 10) buf[k++] = static_cast<char>('0' + n / 10 % 10);
    buf[k++] = static_cast<char>('0' + n % 10);
    std::memcpy(buf + k, n == 1 ? " byte" : " bytes", n == 1 ? 6 : 7);  // with the NUL
    k += n == 1 ? 5 : 6;
    const size_t m = k < cap ? k : cap - 1;
    std::memcpy(out, buf, m);
    out[m] = 0;
    return m;
  } else {
    static const char* const kUnits[] = {"kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n) / 1000.0;
    int u = 0;
    // Round first so 999,999 bytes reads "1.0 MB", not "1000.0 kB".
    while (v >= 999.95 && u < 3) {
      v /= 1000.0;
      u++;
    }
    // "%.1f" by hand (a printf per frame was a tenth of a frame's cost),
    // in integers: v = mant * 2^e exactly, so v * 10 = (10 mant) >> -e plus a
    // remainder, rounded as printf does, to nearest with ties to even. (Not
    // long double: valgrind computes it in 64 bits and the ties come out wrong.)
    int ex = 0;
    const double f = std::frexp(v, &ex);  // v = f * 2^ex, f in [0.5, 1)
    const uint64_t mant = static_cast<uint64_t>(std::ldexp(f, 53));
    const int e = ex - 53;  // v < 2^53 here, so e < 0; 10 mant < 2^57
    uint64_t q;
    if (e >= 0) {
      q = (mant * 10) << e;
    } else if (e <= -63) {
      q = 0;
    } else {
      const int sh = -e;
      const uint64_t t = mant * 10;
      q = t >> sh;
      const uint64_t rem = t & ((uint64_t{1} << sh) - 1);
      const uint64_t half = uint64_t{1} << (sh - 1);
      if (rem > half || (rem == half && (q & 1))) q += 1;
    }
    const unsigned long long tenths = q;
    char digits[32];
    size_t d = 0;
    unsigned long long whole = tenths / 10;
    do {
      digits[d++] = static_cast<char>('0' + whole % 10);
      whole /= 10;
    } while (whole && d < sizeof digits);
    char buf[48];
    size_t k = 0;
    while (d) buf[k++] = digits[--d];
    buf[k++] = '.';
    buf[k++] = static_cast<char>('0' + tenths % 10);
    buf[k++] = ' ';
    for (const char* s = kUnits[u]; *s; ++s) buf[k++] = *s;
    buf[k] = 0;
    const size_t m = k < cap ? k : cap - 1;
    std::memcpy(out, buf, m);
    out[m] = 0;
    return m;
  }
}

namespace {
// UTF-8 validation; with text_only, control characters other than TAB, CR
// and LF also fail.
bool check_utf8(const uint8_t* p, size_t n, bool text_only) {
  size_t i = 0;
  while (i < n) {
    if (!text_only) {
      // header names and values are nearly always ASCII: 8 bytes a step
      while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
      }
      if (i >= n) break;
    }
    uint8_t c = p[i];
    if (c < 0x80) {
      if (text_only && ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f))
        return false;
      i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // overlong forms, surrogates, beyond U+10FFFF
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    i += len;
  }
  return true;
}
}  // namespace

unsigned byte_classes(const uint8_t* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  constexpr uint64_t kBackslashes = kOnes * '\\';
  // a byte of x is zero iff that byte of (x - 1s) & ~x has its high bit set
  auto zero_byte = [](uint64_t x) { return ((x - kOnes) & ~x & kHighs) != 0; };
  unsigned r = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & kHighs) r |= kHasHigh;
    if (zero_byte(w)) r |= kHasNul;
    if (zero_byte(w ^ kBackslashes)) r |= kHasBackslash;
  }
  for (; i < n; i++) {
    if (p[i] & 0x80) r |= kHasHigh;
    if (p[i] == 0) r |= kHasNul;
    if (p[i] == '\\') r |= kHasBackslash;
  }
  return r;
}

bool is_printable_utf8(const uint8_t* p, size_t n) { return check_utf8(p, n, true); }

bool is_valid_utf8(const uint8_t* p, size_t n) { return check_utf8(p, n, false); }

}  // namespace stomp
