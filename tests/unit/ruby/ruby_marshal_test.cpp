// ruby_marshal_test.cpp - Marshal 4.8 decoder: every type code, the packed
// long, object/symbol table slots, encodings, Time, and the sample payloads.
//
// Expected values come from Ruby 3.1.2 itself: each byte string below was
// produced by `Marshal.dump(<expression>)` (the expression is in the comment)
// and checked with `Marshal.load`, or from the annotated samples in
// mcollective-wire-format.md section 8 and marshal_walk.rb. Hostile-input
// tests are in ruby_marshal_hostile_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_marshal.h"
#include "ruby/ruby_test_support.h"

using namespace ruby;
using rtest::hex;
using rtest::item;

namespace {

struct Decoded {
  core::Arena arena;
  std::vector<uint8_t> bytes;
  DecodeResult r;
  explicit Decoded(std::vector<uint8_t> b, const Limits& lim = Limits()) : bytes(std::move(b)) {
    r = decode_marshal(bytes.data(), bytes.size(), arena, lim);
  }
  const Value* root() const { return r.root; }
};

// Decodes "04 08" + the given hex and expects success without warnings.
#define DECODE_OK(name, hexstr)              \
  Decoded name(hex(hexstr));                 \
  ASSERT_TRUE(name.r.ok()) << name.r.error.message; \
  ASSERT_NE(name.root(), nullptr)

}  // namespace

// ---- header -----------------------------------------------------------------

TEST(RubyMarshal, RejectsOtherVersions) {
  for (const char* h : {"05 08 30", "03 08 30", "04 09 30", "08 04 30"}) {
    Decoded d(hex(h));
    EXPECT_EQ(d.r.error.code, ErrorCode::BadVersion) << h;
    EXPECT_EQ(d.root(), nullptr);
  }
}

TEST(RubyMarshal, AcceptsOlderMinorWithWarning) {
  // Ruby reads 4.0 .. 4.7 (with a warning).
  Decoded d(hex("04 07 30"));
  ASSERT_TRUE(d.r.ok());
  EXPECT_EQ(d.root()->kind, Kind::Nil);
  EXPECT_EQ(d.r.warning_count, 1u);
}

TEST(RubyMarshal, EmptyAndHeaderOnlyAreTruncated) {
  EXPECT_EQ(Decoded(hex("")).r.error.code, ErrorCode::Truncated);
  EXPECT_EQ(Decoded(hex("04")).r.error.code, ErrorCode::Truncated);
  Decoded d(hex("04 08"));
  EXPECT_EQ(d.r.error.code, ErrorCode::Truncated);
  EXPECT_EQ(d.r.error.offset, 2u);
}

// ---- packed long (section 5.2) ---------------------------------------------

TEST(RubyMarshal, PackedLongBoundaries) {
  // Marshal.dump(v) for each v, from Ruby 3.1.
  struct Case {
    const char* bytes;
    int64_t value;
  } cases[] = {
      {"00", 0},          {"06", 1},           {"7f", 122},
      {"01 7b", 123},     {"01 ff", 255},      {"02 00 01", 256},
      {"fa", -1},         {"80", -123},        {"ff 84", -124},
      {"ff 00", -256},    {"fe ff fe", -257},  {"04 ff ff ff 3f", (1 << 30) - 1},
      {"fc 00 00 00 c0", -(1 << 30)},
  };
  for (const auto& c : cases) {
    Decoded d(hex(std::string("04 08 69 ") + c.bytes));
    ASSERT_TRUE(d.r.ok()) << c.bytes << ": " << d.r.error.message;
    EXPECT_EQ(d.root()->kind, Kind::Fixnum) << c.bytes;
    EXPECT_EQ(d.root()->integer, c.value) << c.bytes;
    EXPECT_FALSE(d.root()->non_canonical) << c.bytes;
    EXPECT_EQ(d.r.warning_count, 0u) << c.bytes;
  }
}

TEST(RubyMarshal, PackedLongNonCanonicalForms) {
  // Forms no writer emits but Ruby 3.1 reads (Marshal.load gave these
  // values): lead bytes 05..08 are the small values 0..3 (so a 5..8-byte
  // form cannot be written at all), fb is another zero, and multi-byte forms
  // may be longer than needed.
  struct Case {
    const char* bytes;
    int64_t value;
    bool noncanonical;
  } cases[] = {
      {"05", 0, true},           {"fb", 0, true},
      {"07", 2, false},          {"08", 3, false},
      {"01 05", 5, true},        {"02 7b 00", 123, true},
      {"ff ff", -1, true},       {"04 ff ff ff ff", 4294967295LL, false},
      {"fc 00 00 00 80", -2147483648LL, false},
      {"03 ff ff 00", 65535, true},
  };
  for (const auto& c : cases) {
    Decoded d(hex(std::string("04 08 69 ") + c.bytes));
    ASSERT_TRUE(d.r.ok()) << c.bytes;
    EXPECT_EQ(d.root()->integer, c.value) << c.bytes;
    EXPECT_EQ(d.root()->non_canonical, c.noncanonical) << c.bytes;
    EXPECT_EQ(d.r.warning_count, c.noncanonical ? 1u : 0u) << c.bytes;
  }
}

TEST(RubyMarshal, NegativeLengthsAndCountsAreErrors) {
  for (const char* h : {"04 08 22 fa", "04 08 5b fa", "04 08 7b ff 00", "04 08 3a fa",
                        "04 08 6c 2b fa", "04 08 66 fa", "04 08 2f fa 00", "04 08 63 fa"}) {
    Decoded d(hex(h));
    EXPECT_EQ(d.r.error.code, ErrorCode::BadLength) << h;
    // The offset of the length itself (after the Bignum sign byte).
    EXPECT_EQ(d.r.error.offset, std::string(h).substr(6, 2) == "6c" ? 4u : 3u) << h;
  }
}

TEST(RubyMarshal, TruncatedMultiByteLong) {
  Decoded d(hex("04 08 69 03 ff"));
  EXPECT_EQ(d.r.error.code, ErrorCode::Truncated);
}

// ---- simple values ------------------------------------------------------------

TEST(RubyMarshal, NilTrueFalse) {
  // Marshal.dump([nil, true, false])
  DECODE_OK(d, "04 08 5b 08 30 54 46");
  const Value* a = d.root();
  EXPECT_EQ(a->kind, Kind::Array);
  ASSERT_EQ(a->count, 3u);
  EXPECT_EQ(a->items[0]->kind, Kind::Nil);
  EXPECT_EQ(a->items[1]->kind, Kind::True);
  EXPECT_EQ(a->items[2]->kind, Kind::False);
  EXPECT_EQ(a->slot, 0);
  EXPECT_EQ(a->items[0]->slot, -1);  // immediates take no slot
  EXPECT_EQ(a->items[1]->offset, 5u);
  EXPECT_EQ(a->length, 5u);
  EXPECT_EQ(d.r.consumed, 7u);
}

TEST(RubyMarshal, Bignums) {
  struct Case {
    const char* bytes;  // Marshal.dump(value)
    bool negative;
    bool fits_int64;
    int64_t integer;
    bool fits_uint64;
    uint64_t magnitude;
  } cases[] = {
      // 2**62
      {"04 08 6c 2b 09 00 00 00 00 00 00 00 40", false, true, int64_t{1} << 62, true,
       uint64_t{1} << 62},
      // 2**63
      {"04 08 6c 2b 09 00 00 00 00 00 00 00 80", false, false, 0, true, uint64_t{1} << 63},
      // -(2**63)
      {"04 08 6c 2d 09 00 00 00 00 00 00 00 80", true, true, INT64_MIN, true, uint64_t{1} << 63},
      // 2**64
      {"04 08 6c 2b 0a 00 00 00 00 00 00 00 00 01 00", false, false, 0, false, 0},
      // 1700000000 (every :msgtime since 2004 is a Bignum)
      {"04 08 6c 2b 07 00 f1 53 65", false, true, 1700000000, true, 1700000000},
      // -1700000000
      {"04 08 6c 2d 07 00 f1 53 65", true, true, -1700000000, true, 1700000000},
      // 2**31
      {"04 08 6c 2b 07 00 00 00 80", false, true, int64_t{1} << 31, true, uint64_t{1} << 31},
  };
  for (const auto& c : cases) {
    DECODE_OK(d, c.bytes);
    const Value* v = d.root();
    EXPECT_EQ(v->kind, Kind::Bignum) << c.bytes;
    EXPECT_EQ(v->negative, c.negative) << c.bytes;
    EXPECT_EQ(v->fits_int64, c.fits_int64) << c.bytes;
    if (c.fits_int64) {
      EXPECT_EQ(v->integer, c.integer) << c.bytes;
    }
    EXPECT_EQ(v->fits_uint64, c.fits_uint64) << c.bytes;
    if (c.fits_uint64) {
      EXPECT_EQ(v->magnitude, c.magnitude) << c.bytes;
    }
    EXPECT_EQ(v->slot, 0);
    // The magnitude bytes point into the input.
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(v->text.data()), d.bytes.data() + 5);
  }
}

TEST(RubyMarshal, BignumRendering) {
  // 2**64 and -(2**70) render in decimal (Ruby: 18446744073709551616,
  // -1180591620717411303424).
  DECODE_OK(a, "04 08 6c 2b 0a 00 00 00 00 00 00 00 00 01 00");
  EXPECT_EQ(rtest::render(a.root()), "18446744073709551616");
  DECODE_OK(b, "04 08 6c 2d 0a 00 00 00 00 00 00 00 00 40 00");
  EXPECT_EQ(rtest::render(b.root()), "-1180591620717411303424");
  EXPECT_FALSE(b.root()->fits_uint64);
}

TEST(RubyMarshal, Floats) {
  struct Case {
    const char* bytes;  // Marshal.dump(value)
    const char* text;
    double value;
  } cases[] = {
      {"04 08 66 06 30", "0", 0.0},
      {"04 08 66 08 31 2e 35", "1.5", 1.5},
      {"04 08 66 08 30 2e 31", "0.1", 0.1},
      {"04 08 66 17 30 2e 33 33 33 33 33 33 33 33 33 33 33 33 33 33 33 33", "0.3333333333333333",
       1.0 / 3},
      {"04 08 66 08 31 65 32", "1e2", 100.0},
      {"04 08 66 0a 31 65 31 30 30", "1e100", 1e100},
      {"04 08 66 0e 2d 32 2e 35 65 2d 33 30 30", "-2.5e-300", -2.5e-300},
      {"04 08 66 08 69 6e 66", "inf", HUGE_VAL},
      {"04 08 66 09 2d 69 6e 66", "-inf", -HUGE_VAL},
  };
  for (const auto& c : cases) {
    DECODE_OK(d, c.bytes);
    EXPECT_EQ(d.root()->kind, Kind::Float);
    EXPECT_EQ(d.root()->text, c.text);
    EXPECT_EQ(d.root()->real, c.value) << c.bytes;
    EXPECT_EQ(d.root()->slot, 0);
  }
  // Marshal.dump(-0.0) and Marshal.dump(Float::NAN)
  DECODE_OK(z, "04 08 66 07 2d 30");
  EXPECT_EQ(z.root()->real, 0.0);
  EXPECT_TRUE(std::signbit(z.root()->real));
  EXPECT_EQ(rtest::render(z.root()), "-0.0");
  DECODE_OK(n, "04 08 66 08 6e 61 6e");
  EXPECT_TRUE(std::isnan(n.root()->real));
  EXPECT_EQ(rtest::render(n.root()), "NaN");
  DECODE_OK(i, "04 08 66 09 2d 69 6e 66");
  EXPECT_EQ(rtest::render(i.root()), "-Infinity");
}

TEST(RubyMarshal, FloatWithRuby18Mantissa) {
  // Ruby 1.8 wrote %.17g text, then NUL and binary mantissa bytes when the
  // text lost precision. The text alone decides the value here.
  DECODE_OK(d, "04 08 66 1a 31 2e 31 30 30 30 30 30 30 30 30 30 30 30 30 30 30 31 00 9a 99");
  EXPECT_EQ(d.root()->text, "1.1000000000000001");
  EXPECT_TRUE(d.root()->float_mantissa);
  EXPECT_EQ(d.root()->real, 1.1);
  EXPECT_EQ(d.root()->length, 23u);
}

TEST(RubyMarshal, RepeatedFloatIsALink) {
  // Marshal.dump([1.5, 1.5]): the second is @1 (floats take slots).
  DECODE_OK(d, "04 08 5b 07 66 08 31 2e 35 40 06");
  const Value* l = item(d.root(), 1);
  ASSERT_EQ(l->kind, Kind::Link);
  EXPECT_EQ(l->slot, 1);
  EXPECT_EQ(l->ref, item(d.root(), 0));
  EXPECT_EQ(deref(l)->real, 1.5);
}

// ---- strings, encodings, symbols ------------------------------------------------

TEST(RubyMarshal, StringEncodings) {
  // "a\x00\xff".b -- no I wrapper: binary
  DECODE_OK(b, "04 08 22 08 61 00 ff");
  EXPECT_EQ(b.root()->kind, Kind::String);
  EXPECT_EQ(b.root()->text, std::string_view("a\0\xff", 3));
  EXPECT_EQ(b.root()->encoding, Encoding::Binary);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(b.root()->text.data()), b.bytes.data() + 4);
  EXPECT_EQ(rtest::render(b.root()), "\"a\\x00\\xFF\"");

  // "h\u00e9" -- I, :E => true
  DECODE_OK(u, "04 08 49 22 08 68 c3 a9 06 3a 06 45 54");
  EXPECT_EQ(u.root()->encoding, Encoding::Utf8);
  EXPECT_EQ(u.root()->text, "h\xc3\xa9");
  EXPECT_TRUE(u.root()->ivar_wrapped);
  EXPECT_EQ(u.root()->offset, 2u);   // the I byte
  EXPECT_EQ(u.root()->length, 11u);  // through the ivars
  ASSERT_EQ(u.root()->ivar_count, 1u);
  EXPECT_EQ(u.root()->ivars[0].key->text, "E");
  EXPECT_EQ(u.root()->ivars[0].value->kind, Kind::True);
  EXPECT_EQ(rtest::render(u.root()), "\"h\xc3\xa9\"");

  // "id".encode("US-ASCII") -- :E => false
  DECODE_OK(a, "04 08 49 22 07 69 64 06 3a 06 45 46");
  EXPECT_EQ(a.root()->encoding, Encoding::UsAscii);
}

TEST(RubyMarshal, OtherEncodingNameReusedThroughLink) {
  // ["\xe9".force_encoding("ISO-8859-1"), "y".force_encoding("ISO-8859-1")]:
  // the second encoding name is @2, the first name String.
  DECODE_OK(d,
            "04 08 5b 07 49 22 06 e9 06 3a 0d 65 6e 63 6f 64 69 6e 67 22 0f 49 53 4f 2d 38 38 35 "
            "39 2d 31 49 22 06 79 06 3b 00 40 07");
  const Value* s0 = item(d.root(), 0);
  const Value* s1 = item(d.root(), 1);
  EXPECT_EQ(s0->encoding, Encoding::Other);
  EXPECT_EQ(s0->encoding_name, "ISO-8859-1");
  EXPECT_EQ(s0->slot, 1);
  EXPECT_EQ(s1->slot, 3);  // slot 2 is the name string
  EXPECT_EQ(s1->encoding, Encoding::Other);
  EXPECT_EQ(s1->encoding_name, "ISO-8859-1");
  ASSERT_EQ(s1->ivar_count, 1u);
  EXPECT_EQ(s1->ivars[0].key->text, "encoding");
  EXPECT_TRUE(s1->ivars[0].key->symlink);
  EXPECT_EQ(s1->ivars[0].value->kind, Kind::Link);
  EXPECT_EQ(s1->ivars[0].value->slot, 2);
  // Binary text in an other encoding is escaped, not passed through.
  EXPECT_EQ(rtest::render(s0), "\"\\xE9\"");
}

TEST(RubyMarshal, StringKeepsOtherIvars) {
  // s = "iv".dup; s.instance_variable_set(:@x, 1)
  DECODE_OK(d, "04 08 49 22 07 69 76 07 3a 06 45 54 3a 07 40 78 69 06");
  const Value* s = d.root();
  EXPECT_EQ(s->encoding, Encoding::Utf8);
  ASSERT_EQ(s->ivar_count, 2u);
  EXPECT_EQ(s->ivars[1].key->text, "@x");
  EXPECT_EQ(s->ivars[1].value->integer, 1);
}

TEST(RubyMarshal, SymbolsAndSymlinks) {
  // [:a, :b, :a, :"\u00e4", :"\u00e4"]
  DECODE_OK(d, "04 08 5b 0a 3a 06 61 3a 06 62 3b 00 49 3a 07 c3 a4 06 3a 06 45 54 3b 07");
  const Value* a = d.root();
  ASSERT_EQ(a->count, 5u);
  EXPECT_EQ(a->items[0]->text, "a");
  EXPECT_EQ(a->items[0]->slot, 0);  // symbol-table index
  EXPECT_EQ(a->items[1]->slot, 1);
  EXPECT_TRUE(a->items[2]->symlink);
  EXPECT_EQ(a->items[2]->text, "a");
  EXPECT_EQ(a->items[3]->text, "\xc3\xa4");
  EXPECT_EQ(a->items[3]->encoding, Encoding::Utf8);
  EXPECT_EQ(a->items[3]->slot, 2);  // :E (sym 3) comes after it
  EXPECT_TRUE(a->items[4]->symlink);
  EXPECT_EQ(a->items[4]->slot, 2);
  EXPECT_EQ(a->items[4]->text, "\xc3\xa4");
  EXPECT_EQ(a->items[4]->encoding, Encoding::Utf8);
  EXPECT_EQ(rtest::render(a), "[:a, :b, :a, :\xc3\xa4, :\xc3\xa4]");
}

TEST(RubyMarshal, Regexps) {
  // /ab/i: I-wrapped, US-ASCII, option 1
  DECODE_OK(r, "04 08 49 2f 07 61 62 01 06 3a 06 45 46");
  EXPECT_EQ(r.root()->kind, Kind::Regexp);
  EXPECT_EQ(r.root()->text, "ab");
  EXPECT_EQ(r.root()->regexp_options, 1);
  EXPECT_EQ(r.root()->encoding, Encoding::UsAscii);
  EXPECT_EQ(rtest::render(r.root()), "/ab/i");
  // Regexp.new("\xff".b, Regexp::NOENCODING): bare, options 0x30
  DECODE_OK(n, "04 08 2f 06 ff 30");
  EXPECT_EQ(n.root()->regexp_options, 0x30);
  EXPECT_EQ(n.root()->encoding, Encoding::Binary);
  EXPECT_EQ(rtest::render(n.root()), "/\\xFF/n");
  // /a b/mx
  DECODE_OK(m, "04 08 49 2f 08 61 20 62 06 06 3a 06 45 46");
  EXPECT_EQ(m.root()->regexp_options, 6);
  EXPECT_EQ(rtest::render(m.root()), "/a b/mx");
}

// ---- containers and objects -------------------------------------------------------

TEST(RubyMarshal, HashWithDefault) {
  // h = Hash.new(5); h[1] = 2
  DECODE_OK(d, "04 08 7d 06 69 06 69 07 69 0a");
  const Value* h = d.root();
  EXPECT_EQ(h->kind, Kind::Hash);
  EXPECT_TRUE(h->has_default);
  ASSERT_EQ(h->count, 1u);
  EXPECT_EQ(h->pairs[0].key->integer, 1);
  EXPECT_EQ(h->pairs[0].value->integer, 2);
  EXPECT_EQ(h->ref->integer, 5);
  EXPECT_EQ(rtest::render(h), "{1 => 2} (default 5)");
}

TEST(RubyMarshal, ObjectSlotsBeforeIvars) {
  // class P; def initialize; @s = "str"; @n = 7; end; end; p = P.new;
  // [p, p.s, p] -> the String is @2, the object @1.
  DECODE_OK(d,
            "04 08 5b 08 6f 3a 06 50 07 3a 07 40 73 49 22 08 73 74 72 06 3a 06 45 54 3a 07 40 6e "
            "69 0c 40 07 40 06");
  const Value* o = item(d.root(), 0);
  ASSERT_EQ(o->kind, Kind::Object);
  EXPECT_EQ(o->name, "P");
  EXPECT_EQ(o->slot, 1);
  ASSERT_EQ(o->count, 2u);
  EXPECT_EQ(o->pairs[0].key->text, "@s");
  EXPECT_EQ(o->pairs[0].value->slot, 2);
  EXPECT_EQ(o->pairs[1].value->integer, 7);
  EXPECT_EQ(item(d.root(), 1)->ref, o->pairs[0].value);
  EXPECT_EQ(item(d.root(), 2)->ref, o);
  EXPECT_EQ(rtest::render(d.root()), "[#<P @s=\"str\", @n=7>, @2, @1]");
}

TEST(RubyMarshal, StructSlots) {
  // S2 = Struct.new(:a, :b); s = S2.new("x", 1.5); [s, s.a, s]
  DECODE_OK(d,
            "04 08 5b 08 53 3a 07 53 32 07 3a 06 61 49 22 06 78 06 3a 06 45 54 3a 06 62 66 08 31 2e "
            "35 40 07 40 06");
  const Value* s = item(d.root(), 0);
  ASSERT_EQ(s->kind, Kind::Struct);
  EXPECT_EQ(s->name, "S2");
  EXPECT_EQ(s->slot, 1);
  ASSERT_EQ(s->count, 2u);
  EXPECT_EQ(s->pairs[0].key->text, "a");
  EXPECT_EQ(s->pairs[1].value->real, 1.5);
  EXPECT_EQ(item(d.root(), 1)->slot, 2);
  EXPECT_EQ(deref(item(d.root(), 1))->text, "x");
  EXPECT_EQ(item(d.root(), 2)->ref, s);
  EXPECT_EQ(rtest::render(s), "#<struct S2 a=\"x\", b=1.5>");
}

TEST(RubyMarshal, ProcessTmsStructWithFloatLink) {
  // Process::Tms.new(1.5, 0.25, 0.0, 0.0): cstime is @3 (the cutime Float)
  DECODE_OK(d,
            "04 08 53 3a 11 50 72 6f 63 65 73 73 3a 3a 54 6d 73 09 3a 0a 75 74 69 6d 65 66 08 31 2e "
            "35 3a 0a 73 74 69 6d 65 66 09 30 2e 32 35 3a 0b 63 75 74 69 6d 65 66 06 30 3a 0b 63 "
            "73 74 69 6d 65 40 08");
  const Value* s = d.root();
  EXPECT_EQ(s->name, "Process::Tms");
  ASSERT_EQ(s->count, 4u);
  EXPECT_EQ(s->pairs[3].key->text, "cstime");
  ASSERT_EQ(s->pairs[3].value->kind, Kind::Link);
  EXPECT_EQ(s->pairs[3].value->ref, s->pairs[2].value);
  EXPECT_EQ(s->pairs[2].value->slot, 3);
}

TEST(RubyMarshal, SetIsObjectWithDefaultHash) {
  // Set[1] (Ruby 3.1): o :Set, @hash => {1 => true} with default false
  DECODE_OK(d, "04 08 6f 3a 08 53 65 74 06 3a 0a 40 68 61 73 68 7d 06 69 06 54 46");
  const Value* o = d.root();
  EXPECT_EQ(o->name, "Set");
  const Value* h = o->pairs[0].value;
  EXPECT_TRUE(h->has_default);
  EXPECT_EQ(h->ref->kind, Kind::False);
  EXPECT_EQ(rtest::render(o), "#<Set @hash={1 => true} (default false)>");
}

TEST(RubyMarshal, TimeUserDumpUtc) {
  // Time.at(1700000000, 123456, :usec).utc
  DECODE_OK(d,
            "04 08 49 75 3a 09 54 69 6d 65 0d d6 e9 1e c0 40 e2 41 35 06 3a 09 7a 6f 6e 65 49 22 "
            "08 55 54 43 06 3a 06 45 46");
  const Value* t = d.root();
  ASSERT_EQ(t->kind, Kind::UserDump);
  EXPECT_EQ(t->name, "Time");
  EXPECT_EQ(t->text.size(), 8u);
  ASSERT_NE(t->time, nullptr);
  EXPECT_EQ(t->time->seconds, 1700000000);
  EXPECT_EQ(t->time->usec, 123456);
  EXPECT_TRUE(t->time->utc);
  EXPECT_EQ(t->time->year, 2023);
  EXPECT_EQ(t->time->month, 11);
  EXPECT_EQ(t->time->day, 14);
  // The zone string took slot 0; the Time itself comes after its ivars.
  EXPECT_EQ(t->ivars[0].value->slot, 0);
  EXPECT_EQ(t->slot, 1);
  EXPECT_EQ(rtest::render(t), "2023-11-14 22:13:20.123456 UTC");
}

TEST(RubyMarshal, TimeEpochFromDoc) {
  // Section 5.4 example: Time.at(0).utc
  DECODE_OK(d,
            "04 08 49 75 3a 09 54 69 6d 65 0d 20 80 11 c0 00 00 00 00 06 3a 09 7a 6f 6e 65 49 22 "
            "08 55 54 43 06 3a 06 45 46");
  ASSERT_NE(d.root()->time, nullptr);
  EXPECT_EQ(d.root()->time->seconds, 0);
  EXPECT_EQ(rtest::render(d.root()), "1970-01-01 00:00:00 UTC");
}

TEST(RubyMarshal, TimeSlotIsTakenAfterIvars) {
  // t = Time.at(0).utc; [t, t]: "UTC" is slot 1, the Time slot 2 -> @2.
  DECODE_OK(d,
            "04 08 5b 07 49 75 3a 09 54 69 6d 65 0d 20 80 11 c0 00 00 00 00 06 3a 09 7a 6f 6e 65 "
            "49 22 08 55 54 43 06 3a 06 45 46 40 07");
  const Value* t = item(d.root(), 0);
  const Value* l = item(d.root(), 1);
  EXPECT_EQ(t->slot, 2);
  ASSERT_EQ(l->kind, Kind::Link);
  EXPECT_EQ(l->ref, t);
}

TEST(RubyMarshal, TimeWithLocalOffset) {
  // Time.at(1700000000).localtime("+02:00"): ivars :zone => nil, :offset => 7200
  DECODE_OK(d,
            "04 08 49 75 3a 09 54 69 6d 65 0d d6 e9 1e 80 00 00 40 35 07 3a 09 7a 6f 6e 65 30 3a 0b "
            "6f 66 66 73 65 74 69 02 20 1c");
  const TimeParts* t = d.root()->time;
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->seconds, 1700000000);
  EXPECT_FALSE(t->utc);
  EXPECT_TRUE(t->has_offset);
  EXPECT_EQ(t->utc_offset, 7200);
  EXPECT_EQ(rtest::render(d.root()), "2023-11-15 00:13:20 +0200");
}

TEST(RubyMarshal, UserMarshalSlotBeforeValue) {
  // class UM; def marshal_dump = [@v]; end; u = UM.new("s"); [u, u] -> @1
  DECODE_OK(d, "04 08 5b 07 55 3a 07 55 4d 5b 06 49 22 06 73 06 3a 06 45 54 40 06");
  const Value* u = item(d.root(), 0);
  ASSERT_EQ(u->kind, Kind::UserMarshal);
  EXPECT_EQ(u->name, "UM");
  EXPECT_EQ(u->slot, 1);
  EXPECT_EQ(u->ref->kind, Kind::Array);
  EXPECT_EQ(u->ref->slot, 2);
  EXPECT_EQ(item(d.root(), 1)->ref, u);
  EXPECT_EQ(rtest::render(u), "#<UM marshal_dump=[\"s\"]>");
}

TEST(RubyMarshal, DataSlotBeforeValue) {
  // Hand-made (no core class dumps T_DATA): [d :Foo [], @1]; marshal_walk.rb
  // reports "Data obj#1 class=Foo", "Array obj#2", "Link -> obj#1".
  DECODE_OK(d, "04 08 5b 07 64 3a 08 46 6f 6f 5b 00 40 06");
  const Value* v = item(d.root(), 0);
  ASSERT_EQ(v->kind, Kind::Data);
  EXPECT_EQ(v->name, "Foo");
  EXPECT_EQ(v->slot, 1);
  EXPECT_EQ(v->ref->slot, 2);
  EXPECT_EQ(item(d.root(), 1)->ref, v);
}

TEST(RubyMarshal, UserClassWrappers) {
  // class MyStr < String; end; MyStr.new("ab"): the I ivars go to the String
  DECODE_OK(s, "04 08 49 43 3a 0a 4d 79 53 74 72 22 07 61 62 06 3a 06 45 54");
  ASSERT_EQ(s.root()->kind, Kind::UserClass);
  EXPECT_EQ(s.root()->name, "MyStr");
  EXPECT_EQ(s.root()->ref->text, "ab");
  EXPECT_EQ(s.root()->ref->encoding, Encoding::Utf8);
  EXPECT_EQ(s.root()->ref->slot, 0);
  EXPECT_EQ(rtest::render(s.root()), "#<MyStr \"ab\">");
  // class MyArr < Array; end; MyArr[1]
  DECODE_OK(a, "04 08 43 3a 0a 4d 79 41 72 72 5b 06 69 06");
  EXPECT_EQ(a.root()->ref->kind, Kind::Array);
  // class MyHash < Hash; end; h = MyHash.new; h[:k] = 1
  DECODE_OK(h, "04 08 43 3a 0b 4d 79 48 61 73 68 7b 06 3a 06 6b 69 06");
  EXPECT_EQ(h.root()->ref->kind, Kind::Hash);
  EXPECT_EQ(hash_get(h.root()->ref, "k")->integer, 1);
}

TEST(RubyMarshal, ExtendedValues) {
  // o = Object.new; o.extend(Ext)
  DECODE_OK(o, "04 08 65 3a 08 45 78 74 6f 3a 0b 4f 62 6a 65 63 74 00");
  ASSERT_EQ(o.root()->kind, Kind::Extended);
  EXPECT_EQ(o.root()->name, "Ext");
  EXPECT_EQ(o.root()->ref->kind, Kind::Object);
  EXPECT_EQ(o.root()->ref->name, "Object");
  EXPECT_EQ(o.root()->ref->slot, 0);
  // s = "e".dup; s.extend(Ext)
  DECODE_OK(s, "04 08 49 65 3a 08 45 78 74 22 06 65 06 3a 06 45 54");
  EXPECT_EQ(s.root()->ref->encoding, Encoding::Utf8);
  EXPECT_EQ(rtest::render(s.root()), "#<extended Ext \"e\">");
}

TEST(RubyMarshal, ClassesAndModules) {
  // [String, Kernel, Process::Tms]
  DECODE_OK(d,
            "04 08 5b 08 63 0b 53 74 72 69 6e 67 6d 0b 4b 65 72 6e 65 6c 63 11 50 72 6f 63 65 73 "
            "73 3a 3a 54 6d 73");
  EXPECT_EQ(item(d.root(), 0)->kind, Kind::Class);
  EXPECT_EQ(item(d.root(), 0)->text, "String");
  EXPECT_EQ(item(d.root(), 1)->kind, Kind::Module);
  EXPECT_EQ(item(d.root(), 2)->text, "Process::Tms");
  EXPECT_EQ(item(d.root(), 2)->slot, 3);
  // Legacy M (hand-made; Ruby loads [M String, @1] as [String, String]).
  DECODE_OK(m, "04 08 5b 07 4d 0b 53 74 72 69 6e 67 40 06");
  EXPECT_EQ(item(m.root(), 0)->kind, Kind::ClassOrModule);
  EXPECT_EQ(item(m.root(), 1)->ref, item(m.root(), 0));
}

TEST(RubyMarshal, SelfCycles) {
  // a = []; a << a
  DECODE_OK(a, "04 08 5b 06 40 00");
  ASSERT_EQ(a.root()->count, 1u);
  EXPECT_EQ(a.root()->items[0]->kind, Kind::Link);
  EXPECT_EQ(a.root()->items[0]->ref, a.root());
  EXPECT_EQ(rtest::render(a.root()), "[@0]");
  // h = {}; h[:self] = h
  DECODE_OK(h, "04 08 7b 06 3a 09 73 65 6c 66 40 00");
  EXPECT_EQ(hash_get(h.root(), "self"), h.root());
  EXPECT_EQ(rtest::render(h.root()), "{:self => @0}");
}

TEST(RubyMarshal, IvarOnImmediateIsFlaggedButParsed) {
  // Hand-made: I i 1 with :E => true -- Ruby rejects it, we warn and go on.
  Decoded d(hex("04 08 49 69 06 06 3a 06 45 54"));
  ASSERT_TRUE(d.r.ok());
  EXPECT_EQ(d.root()->integer, 1);
  EXPECT_EQ(d.r.warning_count, 1u);
  EXPECT_EQ(d.r.consumed, 10u);
}

TEST(RubyMarshal, TrailingBytesAreAWarning) {
  Decoded d(hex("04 08 30 41 42"));
  ASSERT_TRUE(d.r.ok());
  EXPECT_EQ(d.r.consumed, 3u);
  ASSERT_EQ(d.r.warning_count, 1u);
  EXPECT_EQ(d.r.warnings[0].offset, 3u);
}

// ---- the sample payloads ------------------------------------------------------------

TEST(RubyMarshalSamples, Sample01Fields) {
  Decoded d(rtest::sample("01_ping_request.psk.marshal"));
  ASSERT_TRUE(d.r.ok()) << d.r.error.message;
  EXPECT_EQ(d.r.consumed, 345u);
  EXPECT_EQ(d.r.warning_count, 0u);
  const Value* h = d.root();
  ASSERT_EQ(h->kind, Kind::Hash);
  EXPECT_EQ(h->count, 10u);
  // Section 8.1 annotations.
  const Value* body = hash_get(h, "body");
  EXPECT_EQ(body->offset, 0x0au);
  EXPECT_EQ(body->slot, 1);
  EXPECT_EQ(body->text.size(), 14u);
  EXPECT_EQ(body->encoding, Encoding::Binary);
  EXPECT_EQ(hash_get(h, "senderid")->offset, 0x24u);
  EXPECT_EQ(hash_get(h, "senderid")->encoding, Encoding::Utf8);
  EXPECT_EQ(hash_get(h, "requestid")->encoding, Encoding::UsAscii);
  EXPECT_EQ(rtest::text(hash_get(h, "requestid")), "af3f8717e97a51848b8f9d1ecbae9e7c");
  EXPECT_EQ(hash_get(h, "filter")->slot, 4);
  EXPECT_EQ(hash_get(h, "ttl")->integer, 60);
  const Value* mt = hash_get(h, "msgtime");
  EXPECT_EQ(mt->kind, Kind::Bignum);
  EXPECT_EQ(mt->integer, 1700000000);
  EXPECT_EQ(mt->offset, 0x125u);  // after ":msgtime" at 0x11c
  EXPECT_EQ(rtest::text(hash_get(h, "hash")), "32ccb872945c01b143f6630f24f34608");
}

TEST(RubyMarshalSamples, Sample03CollectiveLinksIntoFilter) {
  // 0x0153: :collective @\x1b -> obj#22, the "mcollective" inside the filter.
  Decoded d(rtest::sample("03_discovery_request_rpcutil.psk.marshal"));
  ASSERT_TRUE(d.r.ok());
  const Pair* p = hash_find(d.root(), "collective");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->value->kind, Kind::Link);
  EXPECT_EQ(p->value->offset, 0x153u);
  EXPECT_EQ(p->value->slot, 22);
  const Value* target = p->value->ref;
  EXPECT_EQ(target->slot, 22);
  EXPECT_EQ(target->text, "mcollective");
  EXPECT_EQ(target, hash_get(hash_get(d.root(), "filter"), "collective"));
}

TEST(RubyMarshalSamples, Sample04AgentLinksIntoFilter) {
  // 0x019e: :agent @\x14 -> obj#15, filter["agent"][0].
  Decoded d(rtest::sample("04_rpcutil_inventory_request.psk.marshal"));
  ASSERT_TRUE(d.r.ok());
  const Pair* p = hash_find(d.root(), "agent");
  ASSERT_EQ(p->value->kind, Kind::Link);
  EXPECT_EQ(p->value->offset, 0x19eu);
  EXPECT_EQ(p->value->slot, 15);
  const Value* agents = hash_get(hash_get(d.root(), "filter"), "agent");
  EXPECT_EQ(p->value->ref, item(agents, 0));
  EXPECT_EQ(rtest::text(p->value), "rpcutil");
}

TEST(RubyMarshalSamples, Sample05InnerBody) {
  Decoded d(rtest::sample("05_rpcutil_inventory_reply.psk.marshal"));
  ASSERT_TRUE(d.r.ok());
  const Value* body = hash_get(d.root(), "body");
  // Length prefix 02 3d 01 = 317 at 0x8b.
  EXPECT_EQ(body->text.size(), 317u);
  EXPECT_EQ(body->offset, 0x8au);
  core::Arena arena;
  DecodeResult in = decode_marshal(reinterpret_cast<const uint8_t*>(body->text.data()),
                                   body->text.size(), arena);
  ASSERT_TRUE(in.ok()) << in.error.message;
  EXPECT_EQ(in.consumed, 317u);
  const Value* data = hash_get(in.root, "data");
  const Value* cols = hash_get(data, "collectives");
  const Value* l = item(cols, 0);
  ASSERT_EQ(l->kind, Kind::Link);
  EXPECT_EQ(l->slot, 14);
  EXPECT_EQ(l->ref, hash_get(data, "main_collective"));
  EXPECT_EQ(rtest::int_of(hash_get(hash_get(data, "facts"), "processorcount")), 4);
  // Ruby's p of this body, with " => " and links left as links.
  EXPECT_EQ(rtest::render(in.root),
            "{:statuscode => 0, :statusmsg => \"OK\", :data => {:agents => [\"discovery\", "
            "\"rpcutil\"], :facts => {\"fqdn\" => \"node1.example.net\", \"osfamily\" => "
            "\"RedHat\", \"processorcount\" => 4}, :classes => [], :version => \"2.12.5\", "
            ":main_collective => \"mcollective\", :collectives => [@14], :data_plugins => "
            "[\"agent_data\", \"fstat_data\"]}}");
}

TEST(RubyMarshalSamples, Sample02RendersLikeRubyInspect) {
  Decoded d(rtest::sample("02_ping_reply.psk.marshal"));
  ASSERT_TRUE(d.r.ok());
  // `p Marshal.load(...)` in Ruby 3.1 with "=>" spaced out.
  EXPECT_EQ(rtest::render(d.root()),
            "{:senderid => \"node1.example.net\", :requestid => "
            "\"af3f8717e97a51848b8f9d1ecbae9e7c\", :senderagent => \"discovery\", :msgtime => "
            "1700000001, :body => \"\\x04\\bI\\\"\\tpong\\x06:\\x06ET\", :hash => "
            "\"b91eb1967e9015db5ed391c135d51611\"}");
}

TEST(RubyMarshalSamples, Sample11LegacyHasNoEncodings) {
  Decoded d(rtest::sample("11_legacy_1x_ping_request.psk.marshal"));
  ASSERT_TRUE(d.r.ok());
  EXPECT_EQ(hash_get(d.root(), "senderid")->encoding, Encoding::Binary);
  EXPECT_FALSE(hash_get(d.root(), "senderid")->ivar_wrapped);
  EXPECT_EQ(rtest::text(hash_get(d.root(), "msgtarget")), "/topic/mcollective.discovery.command");
  EXPECT_EQ(hash_get(d.root(), "msgtime")->integer, 1303600000);
}

// ---- cross-check against marshal_walk.rb ----------------------------------------------
//
// test-captures/mcollective-samples/walk/<name>.walk.txt is the output of
// `ruby marshal_walk.rb <file> --inner` (the independent walker shipped with
// the research note). For every object slot, link and symbol it reports, the
// decoder must agree on offset and index -- and report nothing it does not.

namespace {

using Facts = std::set<std::string>;

// "obj@0024=2", "link@0153=22", "sym@0004=0", "symlink@0070=2"
std::string fact(const char* what, size_t off, long idx) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s@%04zx=%ld", what, off, idx);
  return buf;
}

std::vector<Facts> walk_facts(const std::string& path) {
  std::vector<Facts> sections(1);
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("----", 0) == 0) {
      sections.emplace_back();
      continue;
    }
    if (line.size() < 5) continue;
    size_t off = std::stoul(line.substr(0, 4), nullptr, 16);
    size_t p;
    if ((p = line.find("Link -> obj#")) != std::string::npos)
      sections.back().insert(fact("link", off, std::stol(line.substr(p + 12))));
    else if ((p = line.find(" obj#")) != std::string::npos)
      sections.back().insert(fact("obj", off, std::stol(line.substr(p + 5))));
    if ((p = line.find("(sym#")) != std::string::npos)
      sections.back().insert(fact("sym", off, std::stol(line.substr(p + 5))));
    else if ((p = line.find("(symlink->#")) != std::string::npos)
      sections.back().insert(fact("symlink", off, std::stol(line.substr(p + 11))));
  }
  return sections;
}

void tree_facts(const Value* v, Facts& out) {
  if (!v) return;
  // marshal_walk reports the wrapped value's own type byte, after the I.
  size_t off = v->offset + (v->ivar_wrapped ? 1 : 0);
  switch (v->kind) {
    case Kind::Link: out.insert(fact("link", off, v->slot)); return;  // never follow
    case Kind::Symbol: out.insert(fact(v->symlink ? "symlink" : "sym", off, v->slot)); break;
    default:
      if (v->slot >= 0) out.insert(fact("obj", off, v->slot));
      break;
  }
  for (size_t i = 0; v->items && i < v->count; ++i) tree_facts(v->items[i], out);
  for (size_t i = 0; v->pairs && i < v->count; ++i) {
    tree_facts(v->pairs[i].key, out);
    tree_facts(v->pairs[i].value, out);
  }
  for (size_t i = 0; i < v->ivar_count; ++i) {
    tree_facts(v->ivars[i].key, out);
    tree_facts(v->ivars[i].value, out);
  }
  tree_facts(v->ref, out);
}

}  // namespace

TEST(RubyMarshalSamples, AgreesWithMarshalWalkOnEverySlotAndSymbol) {
  const char* names[] = {
      "01_ping_request.psk",
      "02_ping_reply.psk",
      "03_discovery_request_rpcutil.psk",
      "04_rpcutil_inventory_request.psk",
      "05_rpcutil_inventory_reply.psk",
      "06_registration_agentlist.psk",
      "09_rpcutil_ping_request.aes",
      "10_rpcutil_ping_reply.aes",
      "11_legacy_1x_ping_request.psk",
      "real/psk_ping_request",
      "real/psk_ping_reply_db01",
      "real/psk_ping_reply_web01",
      "real/psk_ping_reply_app01",
      "real/psk_ping_request_europe",
      "real/psk_get_fact_request_db01",
      "real/psk_get_fact_reply_db01",
      "real/psk_agent_inventory_request",
      "real/psk_agent_inventory_reply_db01",
  };
  size_t checked = 0;
  for (std::string name : names) {
    std::vector<uint8_t> data = rtest::sample(name + ".marshal");
    ASSERT_FALSE(data.empty()) << name;
    std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    std::vector<Facts> want = walk_facts(std::string(STOMP_SOURCE_DIR) +
                                         "/test-captures/mcollective-samples/walk/" + base +
                                         ".walk.txt");
    ASSERT_FALSE(want[0].empty()) << name;
    core::Arena arena;
    DecodeResult r = decode_marshal(data.data(), data.size(), arena);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error.message;
    Facts got;
    tree_facts(r.root, got);
    EXPECT_EQ(got, want[0]) << name;
    checked += got.size();
    if (want.size() > 1) {
      // The nested :body stream (fresh tables, offsets from its own start).
      const Value* body = hash_get(r.root, "body");
      ASSERT_NE(body, nullptr) << name;
      DecodeResult in = decode_marshal(reinterpret_cast<const uint8_t*>(body->text.data()),
                                       body->text.size(), arena);
      ASSERT_TRUE(in.ok()) << name;
      Facts got_in;
      tree_facts(in.root, got_in);
      EXPECT_EQ(got_in, want[1]) << name << " (inner)";
      checked += got_in.size();
    }
  }
  EXPECT_GT(checked, 700u);
}
