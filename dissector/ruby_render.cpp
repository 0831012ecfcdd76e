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

#include "arena.h"
#include "ruby_value.h"

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

// Escaped body of a quoted string (without the quotes), at most max bytes of
// the input.
void put_escaped(Out& o, std::string_view s, bool utf8, size_t max) {
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
    if (c >= 0x80 && utf8) {
      size_t l = utf8_len(p + i, s.size() - i);
      if (l > 1 && i + l <= n) {
        o.put(std::string_view(s.data() + i, l));
        i += l;
        continue;
      }
    }
    o.putf("\\x%02X", c);
    ++i;
  }
  if (s.size() > n) o.cut();
}

bool is_ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c >= 0x80;
}

// True when Ruby would print :name without quotes (identifiers, ivar/global
// names, ? ! = suffixes). Non-ASCII bytes count as identifier characters only
// when they form valid UTF-8.
bool plain_symbol(std::string_view s) {
  if (s.empty()) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  if (p[0] == '$') i = 1;
  else if (p[0] == '@') i = (n > 1 && p[1] == '@') ? 2 : 1;
  if (i >= n || (p[i] >= '0' && p[i] <= '9')) return false;
  for (; i < n;) {
    if (p[i] >= 0x80) {
      size_t l = utf8_len(p + i, n - i);
      if (l < 2) return false;
      i += l;
      continue;
    }
    if (!is_ident_char(p[i])) {
      bool last = i + 1 == n;
      return last && (p[i] == '?' || p[i] == '!' || p[i] == '=') && p[0] != '@' && p[0] != '$';
    }
    ++i;
  }
  return true;
}

void put_symbol(Out& o, std::string_view name, size_t max) {
  o.put(':');
  if (plain_symbol(name) && name.size() <= max) {
    o.put(name);
  } else {
    o.put('"');
    put_escaped(o, name, true, max);
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
  put_escaped(o, v->text, v->encoding != Encoding::Binary, max);
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
        put_escaped(o_, v->text, v->encoding == Encoding::Utf8, lim_.max_string);
        o_.put('"');
        break;
      case Kind::Symbol: put_symbol(o_, v->text, lim_.max_string); break;
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
          put_escaped(o_, v->text, false, lim_.max_string);
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
        put_escaped(o_, v->text, true, lim_.max_string);
        break;
      case Kind::Link:
        if (!v->text.empty()) {
          o_.put('*');
          put_escaped(o_, v->text, true, 64);
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
        put_escaped(o_, k->text, true, 64);
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
