// stomp_escape_test.cpp - header escaping per STOMP 1.1/1.2 ("Value
// Encoding" in the 1.2 specification), version lists, and display helpers.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dissector/stomp/stomp_escape.h"
#include "dissector/stomp/stomp_format.h"

using stomp::EscapeMode;

namespace {
struct Out {
  std::string text;
  stomp::UnescapeResult r;
};
Out unescape(const std::string& in, EscapeMode m) {
  std::string buf(in.size(), '\0');
  Out o;
  o.r = stomp::unescape(reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                        reinterpret_cast<uint8_t*>(&buf[0]), m);
  o.text = buf.substr(0, o.r.out_len);
  return o;
}
stomp::Version versions(const char* s) {
  return stomp::parse_version_list(reinterpret_cast<const uint8_t*>(s), strlen(s));
}
}  // namespace

TEST(StompEscape, DecodesTheFourSequencesIn12) {
  Out o = unescape("a\\cb\\nc\\rd\\\\e", EscapeMode::kV12);
  EXPECT_EQ(o.text, "a:b\nc\rd\\e");
  EXPECT_EQ(o.r.invalid, 0u);
  EXPECT_TRUE(o.r.changed);
}

TEST(StompEscape, CarriageReturnEscapeIsUndefinedIn11) {
  Out o = unescape("x\\ry", EscapeMode::kV11);
  EXPECT_EQ(o.text, "x\\ry");
  EXPECT_EQ(o.r.invalid, 1u);
  EXPECT_EQ(o.r.first_invalid, 1u);
}

TEST(StompEscape, UndefinedSequencesAreKeptAndCounted) {
  Out o = unescape("\\t and \\x and trailing \\", EscapeMode::kV12);
  EXPECT_EQ(o.text, "\\t and \\x and trailing \\");
  EXPECT_EQ(o.r.invalid, 3u);
}

TEST(StompEscape, NoneModeCopiesVerbatim) {
  Out o = unescape("ID\\cbroker", EscapeMode::kNone);
  EXPECT_EQ(o.text, "ID\\cbroker");
  EXPECT_FALSE(o.r.changed);
}

TEST(StompEscape, ActiveMqMessageIdIn11) {
  // ActiveMQ writes ':' in message ids as \c in 1.1/1.2 sessions
  Out o = unescape("ID\\cmyhost-45871-1700000000000-3\\c1\\c1\\c1\\c1", EscapeMode::kV11);
  EXPECT_EQ(o.text, "ID:myhost-45871-1700000000000-3:1:1:1:1");
}

TEST(StompEscape, ModeDependsOnVersionAndCommand) {
  using stomp::Command;
  using stomp::Version;
  EXPECT_EQ(stomp::escape_mode_for(Version::k10, Command::kSend), EscapeMode::kNone);
  EXPECT_EQ(stomp::escape_mode_for(Version::k11, Command::kSend), EscapeMode::kV11);
  EXPECT_EQ(stomp::escape_mode_for(Version::k12, Command::kMessage), EscapeMode::kV12);
  EXPECT_EQ(stomp::escape_mode_for(Version::k12, Command::kConnect), EscapeMode::kNone);
  EXPECT_EQ(stomp::escape_mode_for(Version::k12, Command::kConnected), EscapeMode::kNone);
}

TEST(StompVersion, HighestOfAList) {
  EXPECT_EQ(versions("1.0,1.1,1.2"), stomp::Version::k12);
  EXPECT_EQ(versions("1.1, 1.0"), stomp::Version::k11);
  EXPECT_EQ(versions("1.0"), stomp::Version::k10);
  EXPECT_EQ(versions("2.0"), stomp::Version::kUnknown);
  EXPECT_EQ(versions(""), stomp::Version::kUnknown);
}

TEST(StompFormat, SizesReadLikeWireshark) {
  char b[32];
  auto f = [&](uint64_t n) {
    stomp::format_size(n, b, sizeof b);
    return std::string(b);
  };
  EXPECT_EQ(f(0), "0 bytes");
  EXPECT_EQ(f(1), "1 byte");
  EXPECT_EQ(f(999), "999 bytes");
  EXPECT_EQ(f(1200), "1.2 kB");
  EXPECT_EQ(f(204800), "204.8 kB");
  EXPECT_EQ(f(999999), "1.0 MB");
  EXPECT_EQ(f(2097152), "2.1 MB");
}

// The digits are written by hand (no printf per frame): they must be the
// ones printf("%.1f") gives for the same value, ties (1.25 kB) included.
TEST(StompFormat, SizesMatchPrintf) {
  std::vector<uint64_t> ns = {1000, 1049, 1050, 1149, 1150, 1250, 1350, 1750, 2250, 9950,
                              99950, 999949, 999950, 999951, 1000000, 1250000, 12345678,
                              999950000, 1ull << 40, ~0ull};
  for (uint64_t n = 1000; n < 200000; n += 7) ns.push_back(n);
  for (uint64_t n : ns) {
    char got[32];
    stomp::format_size(n, got, sizeof got);
    static const char* const units[] = {"kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n) / 1000.0;
    int u = 0;
    while (v >= 999.95 && u < 3) {
      v /= 1000.0;
      u++;
    }
    char want[64];
    std::snprintf(want, sizeof want, "%.1f %s", v, units[u]);
    EXPECT_STREQ(got, want) << n;
  }
  char small[4];
  stomp::format_size(123456, small, sizeof small);  // cut, still terminated
  EXPECT_STREQ(small, "123");
}

TEST(StompFormat, Utf8LongAsciiRuns) {
  std::string s(37, 'a');
  auto valid = [](const std::string& x) {
    return stomp::is_valid_utf8(reinterpret_cast<const uint8_t*>(x.data()), x.size());
  };
  EXPECT_TRUE(valid(s));
  for (size_t at : {0u, 7u, 8u, 15u, 36u}) {
    std::string bad = s;
    bad[at] = '\xff';
    EXPECT_FALSE(valid(bad)) << at;
    std::string ok = s;
    ok.replace(at, 1, "\xc3\xa4");
    EXPECT_TRUE(valid(ok)) << at;
  }
}

TEST(StompFormat, Utf8) {
  auto printable = [](const std::string& s) {
    return stomp::is_printable_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  auto valid = [](const std::string& s) {
    return stomp::is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_TRUE(printable("Gr\xc3\xbc\xc3\x9f" "e \xe2\x98\x83\n"));
  EXPECT_FALSE(printable(std::string("a\0b", 3)));
  EXPECT_TRUE(valid(std::string("a\0b", 3)));
  EXPECT_FALSE(valid("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(valid("\xe2\x98"));          // truncated
  // control bytes are valid UTF-8 but not printable text (a Marshal header)
  EXPECT_TRUE(valid("\x04\x08{"));
  EXPECT_FALSE(printable("\x04\x08{"));
}

// byte_classes reads 8 bytes a step; every byte value, at every offset of a
// run long enough for the wide loop and its tail, must be classed as one
// byte alone would be.
TEST(StompFormat, ByteClassesMatchOneByteAtATime) {
  auto one = [](uint8_t b) {
    unsigned r = 0;
    if (b >= 0x80) r |= stomp::kHasHigh;
    if (b == 0) r |= stomp::kHasNul;
    if (b == '\\') r |= stomp::kHasBackslash;
    return r;
  };
  std::vector<uint8_t> buf(37, 'a');
  buf[5] = '\n';
  buf[20] = '\r';
  EXPECT_EQ(stomp::byte_classes(buf.data(), buf.size()), 0u);
  for (int v = 0; v < 256; v++) {
    for (size_t at = 0; at < buf.size(); at++) {
      std::vector<uint8_t> b = buf;
      b[at] = static_cast<uint8_t>(v);
      const unsigned want = one(static_cast<uint8_t>(v));
      ASSERT_EQ(stomp::byte_classes(b.data(), b.size()), want) << "byte " << v << " at " << at;
    }
  }
  // classes from different 8-byte steps and from the tail add up
  std::vector<uint8_t> mixed(40, 'x');
  mixed[3] = 0xc3;
  mixed[30] = '\\';
  mixed[38] = 0;
  EXPECT_EQ(stomp::byte_classes(mixed.data(), mixed.size()),
            unsigned{stomp::kHasHigh | stomp::kHasBackslash | stomp::kHasNul});
}
