// stomp_format.cpp - see stomp_format.h.
#include "dissector/stomp/stomp_format.h"

#include <cstdio>

namespace stomp {

size_t format_size(uint64_t n, char* out, size_t cap) {
  if (cap == 0) return 0;
  int w;
  if (n < 1000) {
    w = std::snprintf(out, cap, "%llu byte%s", static_cast<unsigned long long>(n),
                      n == 1 ? "" : "s");
  } else {
    static const char* const kUnits[] = {"kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n) / 1000.0;
    int u = 0;
    // Round first so 999,999 bytes reads "1.0 MB", not "1000.0 kB".
    while (v >= 999.95 && u < 3) {
      v /= 1000.0;
      u++;
    }
    w = std::snprintf(out, cap, "%.1f %s", v, kUnits[u]);
  }
  if (w < 0) {
    out[0] = 0;
    return 0;
  }
  return static_cast<size_t>(w) < cap ? static_cast<size_t>(w) : cap - 1;
}

namespace {
// UTF-8 validation; with text_only, control characters other than TAB, CR
// and LF also fail.
bool check_utf8(const uint8_t* p, size_t n, bool text_only) {
  size_t i = 0;
  while (i < n) {
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

bool is_printable_utf8(const uint8_t* p, size_t n) { return check_utf8(p, n, true); }

bool is_valid_utf8(const uint8_t* p, size_t n) { return check_utf8(p, n, false); }

}  // namespace stomp
