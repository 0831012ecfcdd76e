// ruby_marshal.cpp - Ruby Marshal 4.8 decoder (see ruby_marshal.h).
//
// Slot order follows Ruby's own reader (marshal.c r_object), which is what
// writers rely on when they emit `@n`:
//   String, Float, Bignum, Class/Module, Regexp: after their bytes (Regexp
//     before the ivars of an enclosing `I`);
//   Array, Hash: after the count, before the elements;
//   Object, Struct, U, d: after the class symbol, before the contents;
//   u: after its bytes and, inside `I`, after the ivars;
//   nil/true/false/Fixnum/Symbol/links and the I/e/C wrappers: no slot.
// A symbol's own ivars (its encoding) are read after it enters the symbol
// table, as in Ruby.
#include "dissector/ruby/ruby_marshal.h"

#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

namespace ruby {

namespace {

// Recursion is bounded by Limits::max_depth; this hard cap keeps a careless
// configuration from turning hostile nesting into a stack overflow.
constexpr unsigned kHardMaxDepth = 512;

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                  // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
  return era * 146097 + doe - 719468;
}

uint32_t le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

class Decoder {
 public:
  Decoder(const uint8_t* d, size_t n, core::Arena& a, const Limits& lim, DecodeResult& r)
      : d_(d), n_(n), arena_(a), lim_(lim), r_(r) {
    max_depth_ = lim.max_depth < kHardMaxDepth ? lim.max_depth : kHardMaxDepth;
  }

  void run() {
    if (n_ < 2) {
      fail(ErrorCode::Truncated, 0, "no Marshal header (%zu bytes)", n_);
      return;
    }
    uint8_t major = d_[0], minor = d_[1];
    if (major != 4 || minor > 8) {
      fail(ErrorCode::BadVersion, 0, "Marshal version %u.%u, expected 4.8", major, minor);
      return;
    }
    if (minor < 8) add_warning(r_, 1, "old Marshal minor version 4.%u", minor);
    pos_ = 2;
    r_.root = value(1, false);
    r_.consumed = pos_;
    r_.node_count = nodes_;
    if (!failed_ && pos_ < n_)
      add_warning(r_, pos_, "%zu trailing bytes after the Marshal value", n_ - pos_);
  }

 private:
  size_t left() const { return n_ - pos_; }

  bool fail(ErrorCode code, size_t off, const char* fmt, ...)
      __attribute__((format(printf, 4, 5))) {
    if (!failed_) {
      char msg[sizeof r_.error.message];
      va_list ap;
      va_start(ap, fmt);
      std::vsnprintf(msg, sizeof msg, fmt, ap);
      va_end(ap);
      set_error(r_, code, off, "%s", msg);
      failed_ = true;
    }
    return false;
  }

  bool truncated(size_t need) {
    return fail(ErrorCode::Truncated, pos_, "truncated: %zu bytes needed at offset %zu, %zu left",
                need, pos_, left());
  }

  bool byte(uint8_t* b) {
    if (pos_ >= n_) return truncated(1);
    *b = d_[pos_++];
    return true;
  }

  // The packed integer of section 5.2. Lead bytes 1..4 / -1..-4 announce that
  // many little-endian bytes; anything else is a small value. (Lead bytes 5..8
  // are small values too, so no 5..8-byte form can exist.) Forms longer than
  // needed are legal but never written; they are flagged as non-canonical.
  bool long_(int64_t* out) {
    size_t start = pos_;
    uint8_t b = 0;
    if (!byte(&b)) return false;
    int c = static_cast<int8_t>(b);
    if (c == 0) {
      *out = 0;
      return true;
    }
    if (c > 4 || c < -4) {
      *out = c > 0 ? c - 5 : c + 5;
      if (*out == 0) noncanonical(start);  // 05 / fb: a long-winded zero
      return true;
    }
    int nbytes = c > 0 ? c : -c;
    if (left() < static_cast<size_t>(nbytes)) return truncated(nbytes);
    uint64_t x = c > 0 ? 0 : ~uint64_t{0};
    for (int i = 0; i < nbytes; ++i) {
      x &= ~(uint64_t{0xff} << (8 * i));
      x |= uint64_t{d_[pos_++]} << (8 * i);
    }
    *out = static_cast<int64_t>(x);
    // Canonical writers use the fewest bytes and the 1-byte form for
    // -123..122.
    bool shorter = false;
    if (*out >= -123 && *out <= 122) {
      shorter = true;
    } else if (nbytes > 1) {
      int64_t lim = int64_t{1} << (8 * (nbytes - 1));
      shorter = c > 0 ? static_cast<uint64_t>(*out) < static_cast<uint64_t>(lim) : *out >= -lim;
    }
    if (shorter) noncanonical(start);
    return true;
  }

  void noncanonical(size_t off) {
    last_noncanonical_ = true;
    if (!warned_noncanonical_) {
      warned_noncanonical_ = true;
      add_warning(r_, off, "non-canonical packed integer at offset %zu", off);
    }
  }

  // A length or count: never negative and never more items than bytes left
  // (each item needs at least `per_item` bytes), so nothing is allocated from
  // an impossible count.
  bool count(size_t per_item, const char* what, size_t* out) {
    size_t start = pos_;
    int64_t v = 0;
    if (!long_(&v)) return false;
    if (v < 0)
      return fail(ErrorCode::BadLength, start, "negative %s %lld", what,
                  static_cast<long long>(v));
    if (static_cast<uint64_t>(v) > left() / per_item)
      return fail(ErrorCode::BadLength, start, "%s %lld impossible with %zu bytes left", what,
                  static_cast<long long>(v), left());
    *out = static_cast<size_t>(v);
    return true;
  }

  bool bytes(size_t n, std::string_view* out) {
    if (left() < n) return truncated(n);
    *out = std::string_view(reinterpret_cast<const char*>(d_ + pos_), n);
    pos_ += n;
    return true;
  }

  Value* node(Kind k, size_t off) {
    if (nodes_ >= lim_.max_nodes) {
      fail(ErrorCode::NodeLimit, off, "more than %zu nodes", lim_.max_nodes);
      return nullptr;
    }
    Value* v = arena_.make<Value>();
    if (!v) {
      fail(ErrorCode::ArenaExhausted, off, "arena budget exhausted");
      return nullptr;
    }
    ++nodes_;
    v->kind = k;
    v->offset = off;
    // The packed integers read since the last node (this node's own count,
    // length or value) are attributed to it.
    v->non_canonical = last_noncanonical_;
    last_noncanonical_ = false;
    return v;
  }

  bool enter_table(Value* v) {
    if (objects_.size() >= lim_.max_objects)
      return fail(ErrorCode::TableLimit, v->offset, "more than %zu objects", lim_.max_objects);
    v->slot = static_cast<int32_t>(objects_.size());
    objects_.push_back(v);
    return true;
  }

  void done(Value* v) {
    v->length = pos_ - v->offset;
    if (failed_) v->incomplete = true;
  }

  const Value* const* commit_items(size_t mark, size_t* n) {
    *n = scratch_.size() - mark;
    const Value** out = nullptr;
    if (*n) {
      out = arena_.make_array<const Value*>(*n);
      if (!out) {
        fail(ErrorCode::ArenaExhausted, pos_, "arena budget exhausted");
        *n = 0;
      } else {
        std::memcpy(out, scratch_.data() + mark, *n * sizeof(const Value*));
      }
    }
    scratch_.resize(mark);
    return out;
  }

  const Pair* commit_pairs(size_t mark, size_t* n) {
    *n = (scratch_.size() - mark) / 2;
    Pair* out = nullptr;
    if (*n) {
      out = arena_.make_array<Pair>(*n);
      if (!out) {
        fail(ErrorCode::ArenaExhausted, pos_, "arena budget exhausted");
        *n = 0;
      } else {
        for (size_t i = 0; i < *n; ++i) {
          out[i].key = scratch_[mark + 2 * i];
          out[i].value = scratch_[mark + 2 * i + 1];
        }
      }
    }
    scratch_.resize(mark);
    return out;
  }

  // key, value pairs into scratch_; a pair whose value failed is dropped.
  void read_pairs(size_t n, unsigned depth, bool symbol_keys) {
    for (size_t i = 0; i < n && !failed_; ++i) {
      Value* k = symbol_keys ? symbol(depth) : value(depth, false);
      if (!k || failed_) break;
      Value* v = value(depth, false);
      if (!v) break;
      scratch_.push_back(k);
      scratch_.push_back(v);
    }
  }

  bool check_depth(unsigned depth) {
    if (depth > max_depth_)
      return fail(ErrorCode::DepthLimit, pos_, "nesting deeper than %u levels", max_depth_);
    return true;
  }

  // ---- symbols --------------------------------------------------------------

  Value* symbol_real(size_t off) {
    size_t n = 0;
    std::string_view name;
    if (!count(1, "symbol length", &n) || !bytes(n, &name)) return nullptr;
    if (symbols_.size() >= lim_.max_symbols) {
      fail(ErrorCode::TableLimit, off, "more than %zu symbols", lim_.max_symbols);
      return nullptr;
    }
    Value* s = node(Kind::Symbol, off);
    if (!s) return nullptr;
    s->text = name;
    s->slot = static_cast<int32_t>(symbols_.size());
    symbols_.push_back(s);
    done(s);
    return s;
  }

  Value* symlink(size_t off) {
    int64_t idx = 0;
    if (!long_(&idx)) return nullptr;
    if (idx < 0 || static_cast<uint64_t>(idx) >= symbols_.size()) {
      fail(ErrorCode::BadSymlink, off, "symbol link %lld, table has %zu", static_cast<long long>(idx),
           symbols_.size());
      return nullptr;
    }
    const Value* target = symbols_[static_cast<size_t>(idx)];
    Value* s = node(Kind::Symbol, off);
    if (!s) return nullptr;
    s->text = target->text;
    s->encoding = target->encoding;
    s->encoding_name = target->encoding_name;
    s->symlink = true;
    s->slot = static_cast<int32_t>(idx);
    done(s);
    return s;
  }

  // A symbol where Ruby's r_symbol reads one: class and module names, ivar and
  // struct member names. `:`, `;`, or `I` + `:` + ivars.
  Value* symbol(unsigned depth) {
    if (!check_depth(depth)) return nullptr;
    size_t off = pos_;
    bool ivar = false;
    uint8_t t = 0;
    for (;;) {
      if (!byte(&t)) return nullptr;
      if (t != 'I') break;
      ivar = true;  // Ruby accepts repeated I here too
    }
    if (t == ':') {
      Value* s = symbol_real(off);
      if (s && ivar && !failed_) {
        s->ivar_wrapped = true;
        ivars(s, depth);
        done(s);
      }
      return s;
    }
    if (t == ';') {
      if (ivar) {
        fail(ErrorCode::SymlinkInIvar, pos_ - 1, "symbol link inside I at offset %zu", pos_ - 1);
        return nullptr;
      }
      return symlink(off);
    }
    fail(ErrorCode::BadSymbol, pos_ - 1, "expected a symbol, got byte 0x%02x at offset %zu", t,
         pos_ - 1);
    return nullptr;
  }

  // ---- ivars and encodings ----------------------------------------------------

  static void apply_encoding(Value* target, const Value* name, const Value* val) {
    if (name->text == "E") {
      if (val->kind == Kind::True) target->encoding = Encoding::Utf8;
      else if (val->kind == Kind::False) target->encoding = Encoding::UsAscii;
    } else if (name->text == "encoding") {
      const Value* s = deref(val);
      if (s && s->kind == Kind::String) {
        target->encoding = Encoding::Other;
        target->encoding_name = s->text;
      }
    }
  }

  // The ivar list of an `I` wrapper: count, then (symbol, value) pairs.
  void ivars(Value* target, unsigned depth) {
    size_t n = 0;
    if (!count(2, "ivar count", &n)) return;
    size_t mark = scratch_.size();
    read_pairs(n, depth + 1, true);
    for (size_t i = mark; i + 1 < scratch_.size(); i += 2)
      apply_encoding(target, scratch_[i], scratch_[i + 1]);
    size_t got;
    const Pair* p = commit_pairs(mark, &got);
    target->ivars = p;
    target->ivar_count = got;
  }

  // ---- Time ------------------------------------------------------------------

  // Time#_dump: two little-endian words (section 5.4). Ivars (:offset) refine
  // the display only.
  void decode_time(Value* v) {
    if (v->name != "Time" || v->text.size() != 8) return;
    uint32_t p = le32(v->text.data()), s = le32(v->text.data() + 4);
    TimeParts t;
    if (!(p & 0x80000000u)) {
      // Pre-1.9 layout: seconds and microseconds.
      t.seconds = p;
      t.usec = static_cast<int32_t>(s);
    } else {
      t.utc = (p >> 30) & 1;
      t.year = static_cast<int32_t>((p >> 14) & 0xffff) + 1900;
      t.month = static_cast<int32_t>((p >> 10) & 0xf) + 1;
      t.day = static_cast<int32_t>((p >> 5) & 0x1f);
      t.hour = static_cast<int32_t>(p & 0x1f);
      t.minute = static_cast<int32_t>((s >> 26) & 0x3f);
      t.second = static_cast<int32_t>((s >> 20) & 0x3f);
      t.usec = static_cast<int32_t>(s & 0xfffff);
      if (t.month > 12 || t.day < 1 || t.hour > 23 || t.minute > 59 || t.second > 60 ||
          t.usec > 999999) {
        add_warning(r_, v->offset, "Time dump with impossible fields");
        return;
      }
      t.seconds = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
                  t.minute * 60 + t.second;
    }
    for (size_t i = 0; i < v->ivar_count; ++i) {
      int64_t off;
      if (v->ivars[i].key->text == "offset" && as_int64(v->ivars[i].value, &off) &&
          off > -86400 && off < 86400) {
        t.has_offset = true;
        t.utc_offset = static_cast<int32_t>(off);
      }
    }
    TimeParts* tp = arena_.make<TimeParts>();
    if (!tp) {
      fail(ErrorCode::ArenaExhausted, v->offset, "arena budget exhausted");
      return;
    }
    *tp = t;
    v->time = tp;
  }

  // ---- scalars -----------------------------------------------------------------

  void parse_float(Value* v, std::string_view raw) {
    // Ruby 1.8 appended NUL + binary mantissa bytes after the text; the text
    // alone is within an ulp or so, which is plenty for display.
    size_t nul = raw.find('\0');
    std::string_view t = raw.substr(0, nul);
    if (nul != std::string_view::npos && nul + 1 < raw.size()) v->float_mantissa = true;
    v->text = t;
    if (t == "nan") {
      v->real = __builtin_nan("");
      return;
    }
    if (t == "inf" || t == "-inf") {
      v->real = t[0] == '-' ? -__builtin_inf() : __builtin_inf();
      return;
    }
    const char* b = t.data();
    const char* e = b + t.size();
    if (b != e && *b == '+') ++b;  // strtod takes it, from_chars does not
    double d = 0;
    auto res = std::from_chars(b, e, d);
    if (res.ec == std::errc::result_out_of_range) {
      // from_chars leaves d alone on overflow/underflow; follow strtod.
      bool neg = b != e && *b == '-';
      size_t epos = t.find_first_of("eE");
      bool tiny = epos != std::string_view::npos && epos + 1 < t.size() && t[epos + 1] == '-';
      d = tiny ? (neg ? -0.0 : 0.0) : (neg ? -__builtin_inf() : __builtin_inf());
    } else if (res.ec != std::errc() || res.ptr != e) {
      add_warning(r_, v->offset, "Float text \"%.*s\" is not a number",
                  static_cast<int>(t.size() < 32 ? t.size() : 32), t.data());
    }
    v->real = d;
  }

  void bignum_value(Value* v) {
    std::string_view m = v->text;
    size_t n = m.size();
    while (n > 0 && m[n - 1] == 0) --n;
    if (n > 8) return;
    uint64_t mag = 0;
    for (size_t i = n; i-- > 0;) mag = (mag << 8) | static_cast<unsigned char>(m[i]);
    v->fits_uint64 = true;
    v->magnitude = mag;
    if (!v->negative && mag <= static_cast<uint64_t>(INT64_MAX)) {
      v->fits_int64 = true;
      v->integer = static_cast<int64_t>(mag);
    } else if (v->negative && mag <= uint64_t{1} << 63) {
      v->fits_int64 = true;
      v->integer = mag == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(mag);
    }
  }

  // ---- values ----------------------------------------------------------------

  Value* value(unsigned depth, bool in_ivar) {
    if (!check_depth(depth)) return nullptr;
    size_t off = pos_;
    uint8_t t = 0;
    if (!byte(&t)) return nullptr;
    last_noncanonical_ = false;
    switch (t) {
      case '0': return leaf(Kind::Nil, off);
      case 'T': return leaf(Kind::True, off);
      case 'F': return leaf(Kind::False, off);
      case 'i': {
        int64_t x = 0;
        if (!long_(&x)) return nullptr;
        Value* v = node(Kind::Fixnum, off);
        if (!v) return nullptr;
        v->integer = x;
        done(v);
        return v;
      }
      case ':': return symbol_real(off);
      case ';':
        if (in_ivar) {
          fail(ErrorCode::SymlinkInIvar, off, "symbol link inside I at offset %zu", off);
          return nullptr;
        }
        return symlink(off);
      case '"': {
        size_t n = 0;
        std::string_view s;
        if (!count(1, "string length", &n) || !bytes(n, &s)) return nullptr;
        Value* v = node(Kind::String, off);
        if (!v) return nullptr;
        v->text = s;
        enter_table(v);
        done(v);
        return v;
      }
      case 'f': {
        size_t n = 0;
        std::string_view s;
        if (!count(1, "float length", &n) || !bytes(n, &s)) return nullptr;
        Value* v = node(Kind::Float, off);
        if (!v) return nullptr;
        parse_float(v, s);
        enter_table(v);
        done(v);
        return v;
      }
      case 'l': {
        uint8_t sign = 0;
        size_t words = 0;
        std::string_view mag;
        if (!byte(&sign) || !count(2, "bignum length", &words) || !bytes(2 * words, &mag))
          return nullptr;
        if (sign != '+' && sign != '-')
          add_warning(r_, off + 1, "bignum sign byte 0x%02x (read as +)", sign);
        Value* v = node(Kind::Bignum, off);
        if (!v) return nullptr;
        v->negative = sign == '-';
        v->text = mag;
        bignum_value(v);
        enter_table(v);
        done(v);
        return v;
      }
      case '/': {
        size_t n = 0;
        std::string_view src;
        uint8_t opts = 0;
        if (!count(1, "regexp length", &n) || !bytes(n, &src) || !byte(&opts)) return nullptr;
        Value* v = node(Kind::Regexp, off);
        if (!v) return nullptr;
        v->text = src;
        v->regexp_options = opts;
        enter_table(v);
        done(v);
        return v;
      }
      case 'c':
      case 'm':
      case 'M': {
        size_t n = 0;
        std::string_view path;
        if (!count(1, "class path length", &n) || !bytes(n, &path)) return nullptr;
        Value* v = node(t == 'c' ? Kind::Class : t == 'm' ? Kind::Module : Kind::ClassOrModule, off);
        if (!v) return nullptr;
        v->text = path;
        enter_table(v);
        done(v);
        return v;
      }
      case '[': {
        size_t n = 0;
        if (!count(1, "array count", &n)) return nullptr;
        Value* v = node(Kind::Array, off);
        if (!v || !enter_table(v)) return v;
        size_t mark = scratch_.size();
        for (size_t i = 0; i < n && !failed_; ++i) {
          Value* e = value(depth + 1, false);
          if (e) scratch_.push_back(e);
        }
        v->items = commit_items(mark, &v->count);
        done(v);
        return v;
      }
      case '{':
      case '}': {
        size_t n = 0;
        if (!count(2, "hash count", &n)) return nullptr;
        Value* v = node(Kind::Hash, off);
        if (!v || !enter_table(v)) return v;
        size_t mark = scratch_.size();
        read_pairs(n, depth + 1, false);
        v->pairs = commit_pairs(mark, &v->count);
        if (t == '}' && !failed_) {
          v->has_default = true;
          v->ref = value(depth + 1, false);
        }
        done(v);
        return v;
      }
      case 'o':
      case 'S': {
        Value* cls = symbol(depth + 1);
        if (!cls) return nullptr;
        size_t n = 0;
        // Struct: Ruby reads the member count before taking the slot; Object:
        // the slot comes first, then the ivar count. Neither count can take a
        // slot, so the order only matters for error offsets.
        if (t == 'S' && !count(2, "struct member count", &n)) return nullptr;
        Value* v = node(t == 'o' ? Kind::Object : Kind::Struct, off);
        if (!v || !enter_table(v)) return v;
        v->name = cls->text;
        if (t == 'o' && !count(2, "object ivar count", &n)) {
          done(v);
          return v;
        }
        size_t mark = scratch_.size();
        read_pairs(n, depth + 1, true);
        v->pairs = commit_pairs(mark, &v->count);
        done(v);
        return v;
      }
      case 'u': {
        Value* cls = symbol(depth + 1);
        if (!cls) return nullptr;
        size_t n = 0;
        std::string_view data;
        if (!count(1, "_dump length", &n) || !bytes(n, &data)) return nullptr;
        Value* v = node(Kind::UserDump, off);
        if (!v) return nullptr;
        v->name = cls->text;
        v->text = data;
        // Inside `I` the slot is taken after the ivars (by the I case).
        if (!in_ivar) {
          enter_table(v);
          decode_time(v);
        }
        done(v);
        return v;
      }
      case 'U':
      case 'd': {
        Value* cls = symbol(depth + 1);
        if (!cls) return nullptr;
        Value* v = node(t == 'U' ? Kind::UserMarshal : Kind::Data, off);
        if (!v || !enter_table(v)) return v;
        v->name = cls->text;
        v->ref = value(depth + 1, false);
        done(v);
        return v;
      }
      case 'e':
      case 'C': {
        Value* cls = symbol(depth + 1);
        if (!cls) return nullptr;
        Value* v = node(t == 'e' ? Kind::Extended : Kind::UserClass, off);
        if (!v) return nullptr;
        v->name = cls->text;
        v->ref = value(depth + 1, false);
        done(v);
        return v;
      }
      case '@': {
        int64_t idx = 0;
        if (!long_(&idx)) return nullptr;
        if (idx < 0 || static_cast<uint64_t>(idx) >= objects_.size()) {
          fail(ErrorCode::BadLink, off, "object link %lld, table has %zu",
               static_cast<long long>(idx), objects_.size());
          return nullptr;
        }
        Value* v = node(Kind::Link, off);
        if (!v) return nullptr;
        v->slot = static_cast<int32_t>(idx);
        v->ref = objects_[static_cast<size_t>(idx)];
        done(v);
        return v;
      }
      case 'I': return wrapped(off, depth);
      default:
        fail(ErrorCode::BadType, off, "unknown type byte 0x%02x at offset %zu", t, off);
        return nullptr;
    }
  }

  Value* leaf(Kind k, size_t off) {
    Value* v = node(k, off);
    if (v) done(v);
    return v;
  }

  // `I` + value + ivars. The ivars belong to the object itself, which for the
  // e/C wrappers is the innermost wrapped value.
  Value* wrapped(size_t off, unsigned depth) {
    Value* inner = value(depth + 1, true);
    if (!inner) return nullptr;
    if (failed_) {
      inner->ivar_wrapped = true;
      return inner;
    }
    Value* target = inner;
    while ((target->kind == Kind::Extended || target->kind == Kind::UserClass) && target->ref)
      target = const_cast<Value*>(target->ref);  // our own node, built above
    switch (target->kind) {
      case Kind::Nil:
      case Kind::True:
      case Kind::False:
      case Kind::Fixnum:
        add_warning(r_, off, "I wrapper around %s (cannot carry ivars)", kind_name(target->kind));
        break;
      default:
        break;
    }
    ivars(target, depth);
    if (target->kind == Kind::UserDump && target->slot < 0 && !failed_) {
      enter_table(target);
      decode_time(target);
    }
    inner->ivar_wrapped = true;
    inner->offset = off;
    done(inner);
    return inner;
  }

  const uint8_t* d_;
  size_t n_;
  size_t pos_ = 0;
  core::Arena& arena_;
  const Limits& lim_;
  DecodeResult& r_;
  unsigned max_depth_;
  bool failed_ = false;
  bool last_noncanonical_ = false;
  bool warned_noncanonical_ = false;
  size_t nodes_ = 0;
  std::vector<Value*> objects_;
  std::vector<const Value*> symbols_;
  std::vector<const Value*> scratch_;
};

}  // namespace

bool has_marshal_header(const uint8_t* data, size_t len) {
  return data && len >= 2 && data[0] == 4 && data[1] <= 8;
}

DecodeResult decode_marshal(const uint8_t* data, size_t len, core::Arena& arena,
                            const Limits& lim) {
  DecodeResult r;
  if (!data) len = 0;
  try {
    Decoder(data, len, arena, lim, r).run();
  } catch (const std::bad_alloc&) {
    // Only the bookkeeping vectors allocate outside the arena.
    set_error(r, ErrorCode::ArenaExhausted, 0, "out of memory");
    r.root = nullptr;
  }
  return r;
}

}  // namespace ruby
