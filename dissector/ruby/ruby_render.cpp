// ruby_render.cpp - Ruby-inspect-like text for value trees (render_ruby) and
// the one-line summaries used for protocol-tree items.
//
// Output is bounded three ways: by the caller's buffer (ends in "…"), by
// nesting depth and by items per container. Links are printed, never
// followed, so cyclic trees render in bounded time. Everything written is
// valid UTF-8 (Wireshark labels must be): bytes that are not part of a valid
// UTF-8 sequence in a UTF-8 string are escaped as \xNN.
#include <charconv>
#include <cinttypes>
#include <cstdarg>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_value.h"

namespace ruby {

namespace {

constexpr char kEllipsis[] = "\xE2\x80\xA6";  // "…"

// Appends whole tokens to a fixed buffer; once a token does not fit, stops
// for good and remembers to end with an ellipsis.
class Out {
 public:
  Out(char* buf, size_t cap) : buf_(buf), cap_(cap) {
    // Keep room for the ellipsis and the NUL.
    limit_ = cap > 4 ? cap - 4 : 0;
  }

  bool full() const { return full_; }

  void put(std::string_view s) {
    // Empty views may carry a null data() (e.g. a YAML !ruby/struct with no
    // class name): never hand those to memcpy.
    if (full_ || s.empty()) return;
    if (s.size() > limit_ - len_) {
      full_ = true;
      return;
    }
    std::memcpy(buf_ + len_, s.data(), s.size());
    len_ += s.size();
  }
  void put(char c) { put(std::string_view(&c, 1)); }
  void putf(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    put(std::string_view(tmp, static_cast<size_t>(n) < sizeof tmp ? n : sizeof tmp - 1));
  }
  // Marks the output as cut short (limits other than the buffer).
  void cut() { put(kEllipsis); }

  size_t finish() {
    if (cap_ == 0) return 0;
    if (full_ && len_ + 3 < cap_) {
      std::memcpy(buf_ + len_, kEllipsis, 3);
      len_ += 3;
    }
    buf_[len_] = '\0';
    return len_;
  }

 private:
  char* buf_;
  size_t cap_;
  size_t limit_;
  size_t len_ = 0;
  bool full_ = false;
};

// Length of a valid UTF-8 sequence starting at p (1..4), 0 if invalid.
size_t utf8_len(const unsigned char* p, size_t n) {
  unsigned char c = p[0];
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

// Code points >= U+0080 that Ruby's String#inspect escapes in a UTF-8
// string (generated from Ruby itself, see ruby_unprintable.rb).
struct CpRange {
  uint32_t first, last;
};
constexpr CpRange kUnprintable[] = {
#include "dissector/ruby/ruby_unprintable.inc"
};

bool unprintable_cp(uint32_t cp) {
  size_t lo = 0, hi = sizeof kUnprintable / sizeof kUnprintable[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < kUnprintable[mid].first) hi = mid;
    else if (cp > kUnprintable[mid].last) lo = mid + 1;
    else return true;
  }
  return false;
}

uint32_t utf8_cp(const unsigned char* p, size_t len) {
  if (len == 1) return p[0];
  uint32_t cp = p[0] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (p[i] & 0x3F);
  return cp;
}

// How a string's characters are escaped, after Ruby's rb_str_inspect:
//   Bytes:   binary / US-ASCII / other encodings: anything but printable
//            ASCII as \xNN;
//   Utf8:    a UTF-8 string: valid printable characters as they are,
//            unprintable ones as \uXXXX (\u{XXXXX} above U+FFFF), invalid
//            bytes as \xNN;
//   Utf8Raw: valid UTF-8 sequences kept, everything else \xNN (Regexp
//            sources, names).
enum class Esc { Bytes, Utf8, Utf8Raw };

// Escaped body of a quoted string (without the quotes), at most max bytes of
// the input.
void put_escaped(Out& o, std::string_view s, Esc mode, size_t max) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size() < max ? s.size() : max;
  for (size_t i = 0; i < n && !o.full();) {
    unsigned char c = p[i];
    const char* esc = nullptr;
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\n': esc = "\\n"; break;
      case '\t': esc = "\\t"; break;
      case '\r': esc = "\\r"; break;
      case 0x1B: esc = "\\e"; break;
      case 0x07: esc = "\\a"; break;
      case 0x08: esc = "\\b"; break;
      case 0x0C: esc = "\\f"; break;
      case 0x0B: esc = "\\v"; break;
      default: break;
    }
    if (esc) {
      o.put(esc);
      ++i;
      continue;
    }
    if (c == '#' && i + 1 < n && (p[i + 1] == '{' || p[i + 1] == '$' || p[i + 1] == '@')) {
      o.put("\\#");  // as Ruby does, so the text never reads as interpolation
      ++i;
      continue;
    }
    if (c >= 0x20 && c < 0x7F) {
      o.put(static_cast<char>(c));
      ++i;
      continue;
    }
    if (mode == Esc::Utf8 && c < 0x80) {  // other ASCII controls, DEL
      o.putf("\\u%04X", c);
      ++i;
      continue;
    }
    if (c >= 0x80 && mode != Esc::Bytes) {
      size_t l = utf8_len(p + i, s.size() - i);
      if (l > 1 && i + l <= n) {
        const uint32_t cp = utf8_cp(p + i, l);
        if (mode == Esc::Utf8 && unprintable_cp(cp)) {
          if (cp > 0xFFFF) o.putf("\\u{%X}", static_cast<unsigned>(cp));
          else o.putf("\\u%04X", static_cast<unsigned>(cp));
        } else {
          o.put(std::string_view(s.data() + i, l));
        }
        i += l;
        continue;
      }
    }
    o.putf("\\x%02X", c);
    ++i;
  }
  if (s.size() > n) o.cut();
}

bool ascii_only(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// How Ruby escapes the characters of a String / Symbol of this encoding.
// An ASCII-only Symbol is US-ASCII in Ruby whatever the stream said.
Esc esc_for(const Value* v) {
  if (v->kind == Kind::Symbol && ascii_only(v->text)) return Esc::Bytes;
  return v->encoding == Encoding::Utf8 ? Esc::Utf8 : Esc::Bytes;
}

// ---- Symbol#inspect: which names print bare ---------------------------------
// After rb_enc_symname_type() (symbol.c, Ruby 3.1) with the attrset rule of
// Symbol#inspect (only local and constant names take a trailing '='), plus
// sym_printable(): every character printable.

enum SymType { kJunk = -2, kBad = -1, kLocal, kConst, kGlobal, kInstance, kClass, kAttrset };

bool is_identchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c >= 0x80;
}

// Bytes of the character at p (a UTF-8 sequence, else one byte).
size_t char_len(const unsigned char* p, size_t n, bool utf8) {
  if (!utf8 || p[0] < 0x80) return 1;
  size_t l = utf8_len(p, n);
  return l ? l : 1;
}

// "$~", "$1", "$-w" ... : the rest after '$' is a special global name.
bool special_global(const unsigned char* m, const unsigned char* e, bool utf8) {
  static const char kPunct[] = "~*$?!@/\\;,.=:<>\"&`'+0";
  if (m >= e) return false;
  if (std::memchr(kPunct, *m, sizeof kPunct - 1)) {
    ++m;
  } else if (*m == '-') {
    if (++m >= e) return false;
    if (is_identchar(*m)) m += char_len(m, static_cast<size_t>(e - m), utf8);
  } else {
    if (!(*m >= '0' && *m <= '9')) return false;
    do ++m;
    while (m < e && *m >= '0' && *m <= '9');
  }
  return m == e;
}

int symname_type(const unsigned char* name, size_t len, bool utf8) {
  const unsigned char* m = name;
  const unsigned char* e = name + len;
  // reads past the end see NUL, as in Ruby (its strings are terminated)
  auto at = [&](const unsigned char* q) -> unsigned char { return q < e ? *q : 0; };
  int type = kJunk;
  if (len == 0) return kBad;
  bool id = false;
  switch (*m) {
    case '\0': return kBad;
    case '$':
      type = kGlobal;
      if (special_global(++m, e, utf8)) return type;
      id = true;
      break;
    case '@':
      type = kInstance;
      if (at(++m) == '@') {
        ++m;
        type = kClass;
      }
      id = true;
      break;
    case '<':
      switch (at(++m)) {
        case '<': ++m; break;
        case '=': if (at(++m) == '>') ++m; break;
        default: break;
      }
      break;
    case '>':
      switch (at(++m)) {
        case '>': case '=': ++m; break;
        default: break;
      }
      break;
    case '=':
      switch (at(++m)) {
        case '~': ++m; break;
        case '=': if (at(++m) == '=') ++m; break;
        default: return kBad;
      }
      break;
    case '*':
      if (at(++m) == '*') ++m;
      break;
    case '+': case '-':
      if (at(++m) == '@') ++m;
      break;
    case '|': case '^': case '&': case '/': case '%': case '~': case '`':
      ++m;
      break;
    case '[':
      if (at(m + 1) != ']') {
        id = true;
        break;
      }
      m += 2;
      if (at(m) == '=') ++m;
      break;
    case '!':
      if (len == 1) return kJunk;
      switch (at(++m)) {
        case '=': case '~': ++m; break;
        default: return kBad;
      }
      break;
    default:
      type = (*m >= 'A' && *m <= 'Z') ? kConst : kLocal;  // (case only matters for '=')
      id = true;
      break;
  }
  if (id) {
    if (m >= e || (*m != '_' && !((*m | 0x20) >= 'a' && (*m | 0x20) <= 'z') && *m < 0x80)) {
      if (len > 1 && e[-1] == '=') {
        type = symname_type(name, len - 1, utf8);
        if (type != kAttrset) return kAttrset;
      }
      return kBad;
    }
    while (m < e && is_identchar(*m)) m += char_len(m, static_cast<size_t>(e - m), utf8);
    if (m < e) {
      switch (*m) {
        case '!': case '?':
          if (type == kGlobal || type == kClass || type == kInstance) return kBad;
          type = kJunk;
          ++m;
          break;
        case '=':
          if (type != kLocal && type != kConst) return kBad;
          type = kAttrset;
          ++m;
          break;
        default: break;
      }
    }
  }
  return m == e ? type : kBad;
}

// sym_printable(): every character of the name printable in its encoding.
bool printable_name(std::string_view s, bool utf8) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    if (!utf8) return false;
    size_t l = utf8_len(p + i, s.size() - i);
    if (l < 2 || unprintable_cp(utf8_cp(p + i, l))) return false;
    i += l;
  }
  return true;
}

// True when Ruby's Symbol#inspect prints :name without quotes.
bool plain_symbol(std::string_view s, bool utf8) {
  if (s.empty()) return false;
  if (!printable_name(s, utf8)) return false;
  return symname_type(reinterpret_cast<const unsigned char*>(s.data()), s.size(), utf8) != kBad;
}

void put_symbol(Out& o, const Value* v, size_t max) {
  std::string_view name = v->text;
  const Esc mode = esc_for(v);
  o.put(':');
  if (name.size() <= max && plain_symbol(name, mode == Esc::Utf8)) {
    o.put(name);
  } else {
    o.put('"');
    put_escaped(o, name, mode, max);
    o.put('"');
  }
}

// Decimal text of a little-endian magnitude (short ones only: the caller
// keeps this O(64^2)).
void put_big_decimal(Out& o, std::string_view mag, bool negative) {
  uint8_t num[64];
  size_t n = mag.size();
  if (n) std::memcpy(num, mag.data(), n);
  while (n > 0 && num[n - 1] == 0) --n;
  char digits[160];
  size_t nd = 0;
  while (n > 0 && nd < sizeof digits) {
    unsigned rem = 0;
    for (size_t i = n; i-- > 0;) {
      unsigned cur = (rem << 8) | num[i];
      num[i] = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits[nd++] = static_cast<char>('0' + rem);
    while (n > 0 && num[n - 1] == 0) --n;
  }
  if (nd == 0) digits[nd++] = '0';
  char text[162];
  size_t t = 0;
  if (negative) text[t++] = '-';
  while (nd > 0) text[t++] = digits[--nd];
  o.put(std::string_view(text, t));
}

void put_bignum(Out& o, const Value* v) {
  if (v->fits_int64) {
    o.putf("%" PRId64, v->integer);
  } else if (v->fits_uint64) {
    o.putf("%s%" PRIu64, v->negative ? "-" : "", v->magnitude);
  } else if (v->text.size() <= 64) {
    put_big_decimal(o, v->text, v->negative);
  } else {
    // Too long for a cheap decimal conversion: the top bytes in hex.
    size_t n = v->text.size();
    while (n > 0 && v->text[n - 1] == 0) --n;
    o.put(v->negative ? "-0x" : "0x");
    for (size_t i = 0; i < 16 && i < n; ++i)
      o.putf("%02x", static_cast<unsigned char>(v->text[n - 1 - i]));
    o.putf("%s(%zu bytes)", kEllipsis, n);
  }
}

void put_float(Out& o, const Value* v) {
  std::string_view t = v->text;
  if (t == "inf") { o.put("Infinity"); return; }
  if (t == "-inf") { o.put("-Infinity"); return; }
  if (t == "nan") { o.put("NaN"); return; }
  if (t.empty()) {
    // YAML floats have no Marshal text; print the double.
    if (std::isnan(v->real)) { o.put("NaN"); return; }
    if (std::isinf(v->real)) { o.put(v->real < 0 ? "-Infinity" : "Infinity"); return; }
    // Shortest round-trip text, independent of the C locale.
    char buf[40];
    auto res = std::to_chars(buf, buf + sizeof buf, v->real);
    t = std::string_view(buf, res.ec == std::errc() ? res.ptr - buf : 0);
    o.put(t);
    if (t.find_first_of(".eEn") == std::string_view::npos) o.put(".0");
    return;
  }
  o.put(t.size() <= 64 ? t : t.substr(0, 64));
  if (t.find_first_of(".eE") == std::string_view::npos) o.put(".0");
}

void put_regexp(Out& o, const Value* v, size_t max) {
  o.put('/');
  // Regexp source is shown as written; only control bytes are escaped.
  put_escaped(o, v->text, v->encoding != Encoding::Binary ? Esc::Utf8Raw : Esc::Bytes, max);
  o.put('/');
  if (v->regexp_options & 4) o.put('m');
  if (v->regexp_options & 1) o.put('i');
  if (v->regexp_options & 2) o.put('x');
  if (v->regexp_options & 32) o.put('n');
}

// Civil date from days since 1970-01-01 (proleptic Gregorian).
void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

void put_time(Out& o, const TimeParts& t) {
  int64_t secs = t.seconds;
  bool local = !t.utc && t.has_offset;
  if (local) secs += t.utc_offset;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  o.putf("%04" PRId64 "-%02d-%02d %02d:%02d:%02d", y, m, d, static_cast<int>(rem / 3600),
         static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  if (t.usec) o.putf(".%06d", t.usec);
  if (local) {
    int32_t off = t.utc_offset;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    o.putf(" %c%02d%02d", sign, off / 3600, off / 60 % 60);
  } else {
    o.put(" UTC");
  }
}

class Renderer {
 public:
  Renderer(Out& o, const RenderLimits& lim) : o_(o), lim_(lim) {}

  void value(const Value* v, unsigned depth) {
    if (o_.full()) return;
    if (!v) {
      o_.put("?");
      return;
    }
    switch (v->kind) {
      case Kind::Nil: o_.put("nil"); break;
      case Kind::True: o_.put("true"); break;
      case Kind::False: o_.put("false"); break;
      case Kind::Fixnum: o_.putf("%" PRId64, v->integer); break;
      case Kind::Bignum: put_bignum(o_, v); break;
      case Kind::Float: put_float(o_, v); break;
      case Kind::String:
        o_.put('"');
        put_escaped(o_, v->text, esc_for(v), lim_.max_string);
        o_.put('"');
        break;
      case Kind::Symbol: put_symbol(o_, v, lim_.max_string); break;
      case Kind::Regexp: put_regexp(o_, v, lim_.max_string); break;
      case Kind::Array: array(v, depth); break;
      case Kind::Hash: hash(v, depth); break;
      case Kind::Object:
        o_.put("#<");
        o_.put(v->name);
        pairs(v, depth, "=", true);
        o_.put('>');
        break;
      case Kind::Struct:
        o_.put("#<struct");
        if (!v->name.empty()) {  // anonymous structs (YAML !ruby/struct) have none
          o_.put(' ');
          o_.put(v->name);
        }
        pairs(v, depth, "=", true);
        o_.put('>');
        break;
      case Kind::UserDump:
        if (v->time) {
          put_time(o_, *v->time);
        } else {
          o_.put("#<");
          o_.put(v->name);
          o_.put(" _dump=\"");
          put_escaped(o_, v->text, Esc::Bytes, lim_.max_string);
          o_.put("\">");
        }
        break;
      case Kind::UserMarshal: wrapper(v, depth, "#<", " marshal_dump="); break;
      case Kind::Data: wrapper(v, depth, "#<", " _dump_data="); break;
      case Kind::Extended: wrapper(v, depth, "#<extended ", " "); break;
      case Kind::UserClass: wrapper(v, depth, "#<", " "); break;
      case Kind::Class:
      case Kind::Module:
      case Kind::ClassOrModule:
        put_escaped(o_, v->text, Esc::Utf8Raw, lim_.max_string);
        break;
      case Kind::Link:
        if (!v->text.empty()) {
          o_.put('*');
          put_escaped(o_, v->text, Esc::Utf8Raw, 64);
        } else {
          o_.putf("@%d", v->slot);
        }
        break;
    }
  }

 private:
  void array(const Value* v, unsigned depth) {
    if (depth >= lim_.max_depth && v->count) {
      o_.put("[");
      o_.cut();
      o_.put("]");
      return;
    }
    o_.put('[');
    for (size_t i = 0; i < v->count && !o_.full(); ++i) {
      if (i) o_.put(", ");
      if (i >= lim_.max_items) {
        o_.cut();
        break;
      }
      value(v->items[i], depth + 1);
    }
    o_.put(']');
  }

  void hash(const Value* v, unsigned depth) {
    if (depth >= lim_.max_depth && v->count) {
      o_.put("{");
      o_.cut();
      o_.put("}");
    } else {
      o_.put('{');
      for (size_t i = 0; i < v->count && !o_.full(); ++i) {
        if (i) o_.put(", ");
        if (i >= lim_.max_items) {
          o_.cut();
          break;
        }
        value(v->pairs[i].key, depth + 1);
        o_.put(" => ");
        value(v->pairs[i].value, depth + 1);
      }
      o_.put('}');
    }
    if (v->has_default) {
      o_.put(" (default ");
      value(v->ref, depth + 1);
      o_.put(')');
    }
  }

  // " name=value, name=value" for Object ivars / Struct members.
  void pairs(const Value* v, unsigned depth, const char* sep, bool leading_space) {
    if (v->count == 0) return;
    if (depth >= lim_.max_depth) {
      o_.put(' ');
      o_.cut();
      return;
    }
    for (size_t i = 0; i < v->count && !o_.full(); ++i) {
      o_.put(i ? ", " : (leading_space ? " " : ""));
      if (i >= lim_.max_items) {
        o_.cut();
        break;
      }
      // Marshal ivar/member names are Symbols, YAML ones Strings: both bare.
      const Value* k = v->pairs[i].key;
      if (k && (k->kind == Kind::Symbol || k->kind == Kind::String))
        put_escaped(o_, k->text, Esc::Utf8Raw, 64);
      else
        value(k, depth + 1);
      o_.put(sep);
      value(v->pairs[i].value, depth + 1);
    }
  }

  void wrapper(const Value* v, unsigned depth, const char* open, const char* mid) {
    o_.put(open);
    o_.put(v->name);
    o_.put(mid);
    if (depth >= lim_.max_depth)
      o_.cut();
    else
      value(v->ref, depth + 1);
    o_.put('>');
  }

  Out& o_;
  const RenderLimits& lim_;
};

void put_summary(Out& o, const Value* v) {
  if (!v) {
    o.put("?");
    return;
  }
  auto plural = [&](size_t n, const char* one, const char* many) {
    o.putf(", %zu %s", n, n == 1 ? one : many);
  };
  switch (v->kind) {
    case Kind::Array:
      o.put("Array");
      plural(v->count, "item", "items");
      return;
    case Kind::Hash:
      o.put("Hash");
      plural(v->count, "pair", "pairs");
      if (v->has_default) o.put(" + default");
      return;
    case Kind::Object:
      o.put("Object ");
      o.put(v->name);
      plural(v->count, "ivar", "ivars");
      return;
    case Kind::Struct:
      o.put("Struct ");
      o.put(v->name);
      plural(v->count, "member", "members");
      return;
    case Kind::UserMarshal:
    case Kind::Data:
    case Kind::Extended:
    case Kind::UserClass:
      o.put(kind_name(v->kind));
      o.put(' ');
      o.put(v->name);
      return;
    case Kind::Link: {
      RenderLimits lim;
      Renderer(o, lim).value(v, 0);
      const Value* t = deref(v);
      if (t) {
        o.put(" \xE2\x86\x92 ");  // "→"
        put_summary(o, t);
      }
      return;
    }
    default: {
      // Scalars (and Time): their inspect text, kept short.
      RenderLimits lim;
      lim.max_depth = 0;
      lim.max_string = 120;
      Renderer(o, lim).value(v, 0);
      return;
    }
  }
}

}  // namespace

size_t render_ruby(const Value* v, char* out, size_t cap, const RenderLimits& lim) {
  if (!out || cap == 0) return 0;
  Out o(out, cap);
  Renderer(o, lim).value(v, 0);
  return o.finish();
}

size_t render_summary(const Value* v, char* out, size_t cap) {
  if (!out || cap == 0) return 0;
  Out o(out, cap);
  put_summary(o, v);
  return o.finish();
}

size_t render_pair_summary(const Pair& p, char* out, size_t cap) {
  if (!out || cap == 0) return 0;
  Out o(out, cap);
  RenderLimits lim;
  lim.max_depth = 0;
  lim.max_string = 64;
  const Value* k = p.key;
  // A key that is a container is summarised too, not printed in full.
  const Value* dk = deref(k);
  if (dk && (dk->kind == Kind::Array || dk->kind == Kind::Hash || dk->kind == Kind::Object ||
             dk->kind == Kind::Struct))
    put_summary(o, k);
  else
    Renderer(o, lim).value(k, 0);
  o.put(" => ");
  put_summary(o, p.value);
  return o.finish();
}

std::string_view render_to_arena(const Value* v, core::Arena& arena, size_t cap,
                                 const RenderLimits& lim) {
  if (cap == 0) return {};
  char* buf = static_cast<char*>(arena.alloc(cap));
  if (!buf) return {};
  size_t n = render_ruby(v, buf, cap, lim);
  return std::string_view(buf, n);
}

}  // namespace ruby
