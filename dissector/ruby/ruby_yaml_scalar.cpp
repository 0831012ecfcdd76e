// ruby_yaml_scalar.cpp - Psych-compatible typing of YAML scalars (see
// ruby_yaml_scalar.h). The rules mirror Psych 4.0 (Ruby 3.1)
// ScalarScanner#tokenize and ToRuby#deserialize, re-expressed as small
// hand-written matchers instead of regular expressions; every rule is
// checked against Ruby's own answers in tests/unit/ruby/ruby_yaml_test.cpp.
#include "dissector/ruby/ruby_yaml_scalar.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_base64.h"

namespace ruby {

namespace {

constexpr size_t kMaxIntegerDigits = 4096;  // beyond: kept as a String

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Ruby's \s.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool ieq(std::string_view a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// [[:alpha:]_\s!@#$%^&*(){}<>|/\\~;=] (non-ASCII bytes count as letters).
bool in_word_class(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80) return true;
  if (is_space(c)) return true;
  return c != '\0' && std::strchr("_!@#$%^&*(){}<>|/\\~;=", c) != nullptr;
}

// %r{^[^\d.:-]?[[:alpha:]_\s!@#$%\^&*(){}<>|/\\~;=]+} as a prefix match.
bool looks_like_word(std::string_view s) {
  if (s.size() >= 2 && !is_digit(s[0]) && s[0] != '.' && s[0] != ':' && s[0] != '-' &&
      in_word_class(s[1]))
    return true;
  return !s.empty() && in_word_class(s[0]);
}

// Counts digits at s[i..], at most `max`.
size_t digits(std::string_view s, size_t i, size_t max) {
  size_t n = 0;
  while (i + n < s.size() && n < max && is_digit(s[i + n])) ++n;
  return n;
}

// Time zone tail of TIME: (?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$
bool time_zone_tail(std::string_view s, size_t i) {
  if (i == s.size()) return true;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i == s.size()) return false;  // \s* alone cannot end the group
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] != '-' && s[i] != '+') return false;
  ++i;
  size_t h = digits(s, i, 2);
  for (size_t take = h; take >= 1; --take) {  // backtrack \d{1,2}
    size_t j = i + take;
    if (j == s.size()) return true;
    if (s[j] == ':') ++j;
    if (j == s.size()) return true;
    if (j + 2 == s.size() && is_digit(s[j]) && is_digit(s[j + 1])) return true;
  }
  return false;
}

// TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(tz)?$/
bool looks_like_time(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (digits(s, i, 4) != 4) return false;
  i += 4;
  for (int part = 0; part < 2; ++part) {
    if (i >= s.size() || s[i] != '-') return false;
    size_t n = digits(s, ++i, 2);
    if (!n) return false;
    i += n;
  }
  if (i < s.size() && (s[i] == 'T' || s[i] == 't')) {
    ++i;
  } else {
    size_t sp = i;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == sp) return false;
  }
  size_t n = digits(s, i, 2);
  if (!n) return false;
  i += n;
  for (int part = 0; part < 2; ++part) {
    if (i >= s.size() || s[i] != ':' || digits(s, i + 1, 2) != 2) return false;
    i += 3;
  }
  if (i < s.size() && s[i] == '.') i += 1 + digits(s, i + 1, s.size());
  return time_zone_tail(s, i);
}

// /^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/
bool looks_like_date(std::string_view s) {
  if (digits(s, 0, 4) != 4 || s.size() < 8 || s[4] != '-') return false;
  size_t i = 5;
  auto two_ok_month = [](char a, char b) { return (a == '1' && b >= '0' && b <= '2') || a == '0'; };
  auto two_ok_day = [](char a, char b) {
    return a == '1' || a == '2' || (a == '3' && (b == '0' || b == '1')) || a == '0';
  };
  size_t m = digits(s, i, 2);
  if (m == 2 && two_ok_month(s[i], s[i + 1]) && i + 2 < s.size() && s[i + 2] == '-') {
    i += 2;
  } else if (m >= 1 && i + 1 < s.size() && s[i + 1] == '-') {
    i += 1;
  } else {
    return false;
  }
  ++i;  // '-'
  size_t rest = s.size() - i;
  if (rest == 2) return is_digit(s[i]) && is_digit(s[i + 1]) && two_ok_day(s[i], s[i + 1]);
  return rest == 1 && is_digit(s[i]);
}

// Base 60 (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$/, and with a \.[0-9_]*
// fraction on the last part). Returns the number of ':' parts matched, 0 if
// no match; *frac tells whether the float form matched.
int sexagesimal(std::string_view s, bool* frac) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size() || !is_digit(s[i])) return 0;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    // [0-5]?[0-9]: two digits need a 0-5 first (a lone digit would leave
    // the second one unmatched).
    size_t n = digits(s, i + 1, 2);
    if (n == 0 || (n == 2 && s[i + 1] > '5')) return 0;
    i += 1 + n;
    if (++groups > 2) return 0;
  }
  if (groups == 0) return 0;
  *frac = false;
  if (i == s.size()) return groups;
  if (s[i] != '.') return 0;
  for (size_t j = i + 1; j < s.size(); ++j)
    if (!is_digit(s[j]) && s[j] != '_') return 0;
  *frac = true;
  return groups;
}

// FLOAT = /^[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?$/
bool looks_like_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && is_digit(s[i]))
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_' || s[i] == ',')) ++i;
  if (i >= s.size() || s[i] != '.') return false;
  ++i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == s.size()) return true;
  if (s[i] != 'e' && s[i] != 'E') return false;
  if (++i >= s.size() || (s[i] != '-' && s[i] != '+')) return false;
  size_t n = digits(s, ++i, s.size());
  return n > 0 && i + n == s.size();
}

// Text to double, locale-free; ".5", "-.5", "+1.5", "1e+3" all accepted.
double to_double(std::string_view t) {
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  double d = 0;
  auto res = std::from_chars(b, e, d);
  if (res.ec == std::errc::result_out_of_range) {
    bool neg = b != e && *b == '-';
    size_t ep = t.find_first_of("eE");
    bool tiny = ep != std::string_view::npos && ep + 1 < t.size() && t[ep + 1] == '-';
    d = tiny ? (neg ? -0.0 : 0.0) : (neg ? -HUGE_VAL : HUGE_VAL);
  }
  return d;
}

void set_string(Value* v, std::string_view s) {
  v->kind = Kind::String;
  v->encoding = Encoding::Utf8;
  v->text = s;
}

void set_float(Value* v, double d) {
  v->kind = Kind::Float;
  v->real = d;
}

// Psych's Float(string.gsub(/[,_]|\.([Ee]|$)/, '\1')).
double psych_float(std::string_view s) {
  std::string buf;
  buf.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ',' || c == '_') continue;
    if (c == '.' && (i + 1 == s.size() || s[i + 1] == 'e' || s[i + 1] == 'E')) continue;
    buf.push_back(c);
  }
  return to_double(buf);
}

// String#to_i / #to_f of one base-60 part (underscores between digits are
// ignored, as Ruby does for well-formed numbers).
bool part_int(std::string_view p, int64_t* out) {
  bool neg = false;
  size_t i = 0;
  if (i < p.size() && (p[i] == '-' || p[i] == '+')) neg = p[i++] == '-';
  int64_t x = 0;
  for (; i < p.size(); ++i) {
    if (p[i] == '_') continue;
    if (!is_digit(p[i])) break;
    if (x > (INT64_MAX - 9) / 10) return false;
    x = x * 10 + (p[i] - '0');
  }
  *out = neg ? -x : x;
  return true;
}

double part_float(std::string_view p) {
  std::string buf;
  for (char c : p)
    if (c != '_') buf.push_back(c);
  return to_double(buf);
}

bool base60(std::string_view s, bool frac, Value* v) {
  // Psych: sum of part * 60 ** (index - 2).abs -- so "1:30" is 1*3600 + 30*60
  // (its own quirk, reproduced on purpose).
  int64_t total = 0;
  double ftotal = 0;
  size_t start = 0;
  int e = 0;
  while (start <= s.size()) {
    size_t colon = s.find(':', start);
    std::string_view part = s.substr(start, colon == std::string_view::npos ? s.npos : colon - start);
    int pw = e - 2 < 0 ? 2 - e : e - 2;
    int64_t mul = pw == 0 ? 1 : pw == 1 ? 60 : 3600;
    if (frac) {
      ftotal += part_float(part) * static_cast<double>(mul);
    } else {
      int64_t x;
      if (!part_int(part, &x)) return false;
      if (__builtin_mul_overflow(x, mul, &x) || __builtin_add_overflow(total, x, &total))
        return false;
    }
    if (colon == std::string_view::npos) break;
    start = colon + 1;
    ++e;
  }
  if (frac) {
    set_float(v, ftotal);
  } else {
    v->kind = Kind::Fixnum;
    v->integer = total;
  }
  return true;
}

// Symbol text per /^:(["'])(.*)\1/ => $2.sub(/^:/, ''), else string.sub(/^:/, '').
std::string_view symbol_name(std::string_view s) {
  if (s.size() >= 3 && (s[1] == '"' || s[1] == '\'')) {
    size_t j = s.rfind(s[1]);
    if (j >= 2) {
      std::string_view name = s.substr(2, j - 2);
      if (!name.empty() && name[0] == ':') name.remove_prefix(1);
      return name;
    }
  }
  return s.substr(1);
}

bool big_from_digits(std::string_view digs, unsigned base, bool neg, Value* v, core::Arena& a,
                     bool* arena_failed) {
  // Little-endian magnitude; each digit multiplies in: O(digits * bytes),
  // bounded by kMaxIntegerDigits.
  size_t cap = digs.size() / 2 + 9;
  auto* mag = static_cast<uint8_t*>(a.alloc(cap));
  if (!mag) {
    *arena_failed = true;
    return false;
  }
  size_t n = 0;
  for (char c : digs) {
    unsigned d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    unsigned carry = d;
    for (size_t i = 0; i < n; ++i) {
      unsigned cur = mag[i] * base + carry;
      mag[i] = static_cast<uint8_t>(cur);
      carry = cur >> 8;
    }
    while (carry && n < cap) {
      mag[n++] = static_cast<uint8_t>(carry);
      carry >>= 8;
    }
  }
  v->kind = Kind::Bignum;
  v->negative = neg;
  v->text = std::string_view(reinterpret_cast<const char*>(mag), n);
  size_t sig = n;
  while (sig > 0 && mag[sig - 1] == 0) --sig;
  if (sig <= 8) {
    uint64_t m = 0;
    for (size_t i = sig; i-- > 0;) m = (m << 8) | mag[i];
    v->fits_uint64 = true;
    v->magnitude = m;
    if (!neg && m <= static_cast<uint64_t>(INT64_MAX)) {
      v->kind = Kind::Fixnum;
      v->integer = static_cast<int64_t>(m);
    } else if (neg && m <= uint64_t{1} << 63) {
      v->kind = Kind::Fixnum;
      v->integer = m == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(m);
    }
  }
  return true;
}

}  // namespace

bool parse_yaml_integer(std::string_view s, Value* v, core::Arena& arena, bool* arena_failed) {
  *arena_failed = false;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  std::string_view r = s.substr(i);
  unsigned base;
  std::string_view body;
  auto all_of = [](std::string_view t, const char* set) {
    for (char c : t)
      if (!std::strchr(set, c) || c == '\0') return false;
    return true;
  };
  if (r.size() >= 3 && r[0] == '0' && r[1] == 'b') {
    base = 2;
    body = r.substr(2);
    if (!all_of(body, "01_,")) return false;
  } else if (r.size() >= 2 && r[0] == '0' && all_of(r.substr(1), "01234567_,")) {
    base = 8;
    body = r.substr(1);
  } else if (r == "0") {
    base = 10;
    body = r;
  } else if (!r.empty() && r[0] >= '1' && r[0] <= '9') {
    // [1-9](?:[0-9]|,[0-9]|_[0-9])*
    for (size_t k = 1; k < r.size(); ++k) {
      if (is_digit(r[k])) continue;
      if ((r[k] == ',' || r[k] == '_') && k + 1 < r.size() && is_digit(r[k + 1])) continue;
      return false;
    }
    base = 10;
    body = r;
  } else if (r.size() >= 3 && r[0] == '0' && r[1] == 'x') {
    base = 16;
    body = r.substr(2);
    if (!all_of(body, "0123456789abcdefABCDEF_,")) return false;
  } else {
    return false;
  }
  // Integer(string.gsub(/[,_]/, '')): the separators go; "0b" or "0x" with no
  // digit left is not a number for Ruby.
  char small[kMaxIntegerDigits];
  size_t nd = 0;
  for (char c : body) {
    if (c == ',' || c == '_') continue;
    if (nd == sizeof small) return false;  // too long to bother: a String
    small[nd++] = c;
  }
  if (nd == 0) {
    if (base == 2 || base == 16) return false;
    small[nd++] = '0';  // "0_" is octal zero
  }
  // Fast path in 64 bits.
  uint64_t x = 0;
  bool overflow = false;
  for (size_t k = 0; k < nd && !overflow; ++k) {
    unsigned d = is_digit(small[k]) ? small[k] - '0' : (small[k] | 0x20) - 'a' + 10;
    overflow = __builtin_mul_overflow(x, base, &x) || __builtin_add_overflow(x, d, &x);
  }
  if (!overflow && (neg ? x <= uint64_t{1} << 63 : x <= static_cast<uint64_t>(INT64_MAX))) {
    v->kind = Kind::Fixnum;
    v->integer = neg ? (x == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(x))
                     : static_cast<int64_t>(x);
    return true;
  }
  return big_from_digits(std::string_view(small, nd), base, neg, v, arena, arena_failed);
}

bool resolve_plain_scalar(std::string_view s, Value* v, core::Arena& arena) {
  if (s.empty()) {
    v->kind = Kind::Nil;
    return true;
  }
  if (looks_like_word(s) || s.find('\n') != std::string_view::npos) {
    char c = s[0] | 0x20;
    if (s.size() > 5 || !(c == 'y' || c == 't' || c == 'o' || c == 'n' || c == 'f' || s[0] == '~')) {
      set_string(v, s);
    } else if (s == "~" || ieq(s, "null")) {
      v->kind = Kind::Nil;
    } else if (ieq(s, "yes") || ieq(s, "true") || ieq(s, "on")) {
      v->kind = Kind::True;
    } else if (ieq(s, "no") || ieq(s, "false") || ieq(s, "off")) {
      v->kind = Kind::False;
    } else {
      set_string(v, s);
    }
    return true;
  }
  if (looks_like_time(s)) {
    set_string(v, s);
    v->tag = "tag:yaml.org,2002:timestamp";
    return true;
  }
  if (looks_like_date(s)) {
    set_string(v, s);
    v->tag = "tag:yaml.org,2002:date";
    return true;
  }
  if (ieq(s, ".inf") || ieq(s, "+.inf")) {
    set_float(v, HUGE_VAL);
    return true;
  }
  if (ieq(s, "-.inf")) {
    set_float(v, -HUGE_VAL);
    return true;
  }
  if (ieq(s, ".nan")) {
    set_float(v, std::nan(""));
    return true;
  }
  if (s.size() >= 2 && s[0] == ':') {
    v->kind = Kind::Symbol;
    v->encoding = Encoding::Utf8;
    v->text = symbol_name(s);
    return true;
  }
  bool frac = false;
  if (sexagesimal(s, &frac)) {
    if (!base60(s, frac, v)) set_string(v, s);
    return true;
  }
  if (looks_like_float(s)) {
    bool only_dot = s == "." || s == "-." || s == "+.";
    if (only_dot)
      set_string(v, s);
    else
      set_float(v, psych_float(s));
    return true;
  }
  bool arena_failed = false;
  if (parse_yaml_integer(s, v, arena, &arena_failed)) return true;
  if (arena_failed) return false;
  set_string(v, s);
  return true;
}

bool resolve_tagged_scalar(std::string_view tag, std::string_view s, Value* v,
                           core::Arena& arena) {
  if (tag == "!binary" || tag == "tag:yaml.org,2002:binary") {
    size_t n = 0;
    const uint8_t* bytes =
        base64_decode_arena(reinterpret_cast<const uint8_t*>(s.data()), s.size(), arena, &n);
    if (!bytes) return false;
    v->kind = Kind::String;
    v->encoding = Encoding::Binary;
    v->text = std::string_view(reinterpret_cast<const char*>(bytes), n);
    return true;
  }
  if (tag == "tag:yaml.org,2002:str" || tag == "!str" || tag == "!ruby/string" ||
      tag.substr(0, 5) == "!str:" || tag.substr(0, 13) == "!ruby/string:") {
    set_string(v, s);
    size_t colon = tag.find(':');
    if (tag[0] == '!' && colon != std::string_view::npos) v->name = tag.substr(colon + 1);
    return true;
  }
  if (tag == "!ruby/regexp") {
    // /^\/(.*)\/([mixn]*)$/m: the last '/' after which only option letters
    // follow.
    if (s.size() >= 2 && s[0] == '/') {
      for (size_t j = s.size(); j-- > 1;) {
        if (s[j] != '/') continue;
        std::string_view opts = s.substr(j + 1);
        if (opts.find_first_not_of("mixn") != std::string_view::npos) continue;
        v->kind = Kind::Regexp;
        v->encoding = Encoding::Utf8;
        v->text = s.substr(1, j - 1);
        for (char c : opts)
          v->regexp_options |= c == 'i' ? 1 : c == 'x' ? 2 : c == 'm' ? 4 : 32;
        return true;
      }
    }
    set_string(v, s);
    return true;
  }
  if (tag == "!ruby/sym" || tag == "!ruby/symbol" || tag.substr(0, 10) == "!ruby/sym:" ||
      tag.substr(0, 13) == "!ruby/symbol:") {
    v->kind = Kind::Symbol;
    v->encoding = Encoding::Utf8;
    v->text = s;
    return true;
  }
  if (tag == "!ruby/class" || tag == "!ruby/module") {
    v->kind = tag == "!ruby/class" ? Kind::Class : Kind::Module;
    v->text = s;
    return true;
  }
  if (tag == "tag:yaml.org,2002:float" || tag == "!float") {
    // Float(tokenize(value)): numbers become Floats; anything else stays text.
    if (!resolve_plain_scalar(s, v, arena)) return false;
    if (v->kind == Kind::Fixnum) {
      set_float(v, static_cast<double>(v->integer));
    } else if (v->kind != Kind::Float) {
      set_string(v, s);
    }
    return true;
  }
  if (tag.substr(0, 18) == "tag:yaml.org,2002:") {
    // Psych tokenizes the other core tags (int, bool, null, ...) like plain.
    return resolve_plain_scalar(s, v, arena);
  }
  // !ruby/object:BigDecimal, !ruby/range, custom tags, ...: the text, with the
  // tag noted by the caller.
  set_string(v, s);
  return true;
}

}  // namespace ruby
