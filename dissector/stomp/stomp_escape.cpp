// stomp_escape.cpp - see stomp_escape.h.
#include "dissector/stomp/stomp_escape.h"

#include <cstring>

namespace stomp {

const char* version_name(Version v) {
  switch (v) {
    case Version::k10: return "1.0";
    case Version::k11: return "1.1";
    case Version::k12: return "1.2";
    default: return "unknown";
  }
}

Version parse_version_list(const uint8_t* p, size_t n) {
  Version best = Version::kUnknown;
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && p[j] != ',') j++;
    size_t a = i, b = j;
    while (a < b && (p[a] == ' ' || p[a] == '\t')) a++;
    while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t')) b--;
    if (b - a == 3 && p[a] == '1' && p[a + 1] == '.') {
      Version v = Version::kUnknown;
      if (p[a + 2] == '0') v = Version::k10;
      if (p[a + 2] == '1') v = Version::k11;
      if (p[a + 2] == '2') v = Version::k12;
      if (v > best) best = v;
    }
    i = j + 1;
  }
  return best;
}

EscapeMode escape_mode_for(Version v, Command c) {
  if (c == Command::kConnect || c == Command::kConnected) return EscapeMode::kNone;
  switch (v) {
    case Version::k10: return EscapeMode::kNone;
    case Version::k11: return EscapeMode::kV11;
    default: return EscapeMode::kV12;
  }
}

bool has_backslash(const uint8_t* in, size_t n) {
  return n && std::memchr(in, '\\', n) != nullptr;
}

UnescapeResult unescape(const uint8_t* in, size_t n, uint8_t* out, EscapeMode mode) {
  UnescapeResult r;
  if (mode == EscapeMode::kNone) {
    if (n) std::memcpy(out, in, n);
    r.out_len = n;
    return r;
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = in[i];
    if (c != '\\') {
      out[o++] = c;
      continue;
    }
    uint8_t d = (i + 1 < n) ? in[i + 1] : 0;
    uint8_t rep = 0;
    bool ok = true;
    switch (d) {
      case 'n': rep = '\n'; break;
      case 'c': rep = ':'; break;
      case '\\': rep = '\\'; break;
      case 'r': rep = '\r'; ok = (mode == EscapeMode::kV12); break;
      default: ok = false; break;
    }
    if (ok && i + 1 < n) {
      out[o++] = rep;
      i++;
      r.changed = true;
    } else {
      if (r.invalid == 0) r.first_invalid = i;
      r.invalid++;
      out[o++] = c;  // keep the backslash; the next byte is copied as is
    }
  }
  r.out_len = o;
  return r;
}

}  // namespace stomp
