// ruby_marshal_hostile_test.cpp - the Marshal decoder against hostile and
// broken input (wire-format section 5.7): impossible counts, deep nesting,
// dangling links, table and node limits, the arena budget, truncation at
// every offset of every sample, byte flips and random bytes. Run these under
// the sanitizer build (-DSTOMP_SANITIZE=ON) as well.
#include <gtest/gtest.h>

#include <ctime>
#include <random>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_marshal.h"
#include "ruby/ruby_test_support.h"

using namespace ruby;
using rtest::hex;

namespace {

// Trees point into their input, so the input must outlive the result: no
// temporaries (the deleted overload makes the compiler check).
DecodeResult decode(const std::vector<uint8_t>& b, core::Arena& a, const Limits& lim = Limits()) {
  return decode_marshal(b.data(), b.size(), a, lim);
}
DecodeResult decode(std::vector<uint8_t>&& b, core::Arena& a, const Limits& lim = Limits()) = delete;

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<uint8_t> repeat(std::vector<uint8_t> unit, size_t n) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < n; ++i) out.insert(out.end(), unit.begin(), unit.end());
  return out;
}

// Renders whatever came back (partial trees included) to exercise the
// renderer on broken trees too.
void render_all(const DecodeResult& r) {
  char buf[512];
  render_ruby(r.root, buf, sizeof buf);
  render_summary(r.root, buf, sizeof buf);
}

const char* const kMarshalFiles[] = {
    "01_ping_request.psk.marshal",
    "02_ping_reply.psk.marshal",
    "03_discovery_request_rpcutil.psk.marshal",
    "04_rpcutil_inventory_request.psk.marshal",
    "05_rpcutil_inventory_reply.psk.marshal",
    "06_registration_agentlist.psk.marshal",
    "09_rpcutil_ping_request.aes.marshal",
    "10_rpcutil_ping_reply.aes.marshal",
    "11_legacy_1x_ping_request.psk.marshal",
    "real/psk_ping_request.marshal",
    "real/psk_ping_reply_db01.marshal",
    "real/psk_get_fact_request_db01.marshal",
    "real/psk_get_fact_reply_db01.marshal",
    "real/psk_agent_inventory_reply_db01.marshal",
};

}  // namespace

TEST(RubyMarshalHostile, HugeArrayCountIsAnErrorNotAnAllocation) {
  // Array count 2^30 with 3 bytes left.
  core::Arena arena;
  std::vector<uint8_t> r_in = hex("04 08 5b 04 00 00 00 40 30 30 30");
  DecodeResult r = decode(r_in, arena);
  EXPECT_EQ(r.error.code, ErrorCode::BadLength);
  EXPECT_EQ(r.error.offset, 3u);
  EXPECT_EQ(r.root, nullptr);
  EXPECT_LT(arena.used(), 256u);
}

TEST(RubyMarshalHostile, HugeLengthsAndCounts) {
  const char* cases[] = {
      "04 08 22 04 00 00 00 80 41 41",          // String claiming 2^31 bytes
      "04 08 7b 04 ff ff ff 7f 30",             // Hash count 2^31-1
      "04 08 7b 07 30 30 30",                   // 2 pairs need 4 bytes, 3 left
      "04 08 6c 2b 04 ff ff ff 3f 00",          // Bignum of 2^30 words
      "04 08 49 22 00 04 ff ff ff 3f",          // ivar count 2^30
      "04 08 6f 3a 06 50 04 ff ff ff 3f",       // object ivar count
      "04 08 53 3a 06 50 04 ff ff ff 3f",       // struct member count
      "04 08 75 3a 06 50 04 ff ff ff 3f",       // _dump length
      "04 08 3a 04 ff ff ff 3f",                // symbol length
      "04 08 66 03 ff ff 3f",                   // float length
  };
  for (const char* c : cases) {
    core::Arena arena;
    std::vector<uint8_t> r_in = hex(c);
    DecodeResult r = decode(r_in, arena);
    EXPECT_EQ(r.error.code, ErrorCode::BadLength) << c;
    EXPECT_LT(arena.used(), 1024u) << c;
  }
}

TEST(RubyMarshalHostile, TenThousandNestedArraysStopAtTheDepthLimit) {
  std::vector<uint8_t> b = concat({hex("04 08"), repeat(hex("5b 06"), 10000), hex("30")});
  core::Arena arena;
  DecodeResult r = decode(b, arena);
  EXPECT_EQ(r.error.code, ErrorCode::DepthLimit);
  // 64 arrays are fine; the 65th value (at 2 + 64*2) is one too deep.
  EXPECT_EQ(r.error.offset, 130u);
  ASSERT_NE(r.root, nullptr);  // the partial tree
  EXPECT_TRUE(r.root->incomplete);
  render_all(r);

  Limits small;
  small.max_depth = 5;
  core::Arena a2;
  EXPECT_EQ(decode(b, a2, small).error.offset, 12u);
}

TEST(RubyMarshalHostile, ConfiguredDepthIsCappedForStackSafety) {
  std::vector<uint8_t> b = concat({hex("04 08"), repeat(hex("5b 06"), 10000), hex("30")});
  Limits lim;
  lim.max_depth = 1000000;
  core::Arena arena;
  DecodeResult r = decode(b, arena, lim);
  EXPECT_EQ(r.error.code, ErrorCode::DepthLimit);
  EXPECT_EQ(r.error.offset, 2u + 512 * 2);
}

TEST(RubyMarshalHostile, DeepWrappersAndHashesHitTheLimitToo) {
  struct Case {
    std::vector<uint8_t> bytes;
  } cases[] = {
      {concat({hex("04 08"), repeat(hex("49"), 10000), hex("30")})},
      {concat({hex("04 08"), repeat(hex("7b 06 69 00"), 10000), hex("30")})},
      {concat({hex("04 08 65 3a 06 4d"), repeat(hex("65 3b 00"), 10000), hex("30")})},
      {concat({hex("04 08 43 3a 06 4d"), repeat(hex("43 3b 00"), 10000), hex("30")})},
      {concat({hex("04 08 55 3a 06 4d"), repeat(hex("55 3b 00"), 10000), hex("30")})},
      {concat({hex("04 08 6f 3a 06 61 06 3b 00"), repeat(hex("6f 3b 00 06 3b 00"), 10000), hex("30")})},
  };
  for (auto& c : cases) {
    core::Arena arena;
    DecodeResult r = decode(c.bytes, arena);
    EXPECT_EQ(r.error.code, ErrorCode::DepthLimit);
    render_all(r);
  }
}

TEST(RubyMarshalHostile, RepeatedIInSymbolPositionIsNotRecursion) {
  // Ruby's r_symbol loops over repeated I bytes; so do we (no depth used).
  std::vector<uint8_t> b =
      concat({hex("04 08 6f"), repeat(hex("49"), 10000), hex("3a 06 50 00 00")});
  core::Arena arena;
  DecodeResult r = decode(b, arena);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.root->kind, Kind::Object);
  EXPECT_EQ(r.root->name, "P");
}

TEST(RubyMarshalHostile, DanglingLinksAndSymlinks) {
  struct Case {
    const char* bytes;
    ErrorCode code;
    size_t offset;
  } cases[] = {
      {"04 08 40 00", ErrorCode::BadLink, 2},
      {"04 08 5b 06 40 06", ErrorCode::BadLink, 4},
      {"04 08 5b 06 40 fa", ErrorCode::BadLink, 4},
      {"04 08 3b 00", ErrorCode::BadSymlink, 2},
      {"04 08 5b 07 3a 06 61 3b 06", ErrorCode::BadSymlink, 7},
      {"04 08 6f 3b 00 00", ErrorCode::BadSymlink, 3},
  };
  for (const auto& c : cases) {
    core::Arena arena;
    std::vector<uint8_t> r_in = hex(c.bytes);
    DecodeResult r = decode(r_in, arena);
    EXPECT_EQ(r.error.code, c.code) << c.bytes;
    EXPECT_EQ(r.error.offset, c.offset) << c.bytes;
    render_all(r);
  }
}

TEST(RubyMarshalHostile, SymlinkInsideIvarWrapper) {
  // Value position: [:a, I ;0 ...] (Ruby: FrozenError / bad symbol)
  core::Arena a1;
  std::vector<uint8_t> r1_in = hex("04 08 5b 07 3a 06 61 49 3b 00 06 3b 00 54");
  DecodeResult r1 = decode(r1_in, a1);
  EXPECT_EQ(r1.error.code, ErrorCode::SymlinkInIvar);
  EXPECT_EQ(r1.error.offset, 8u);
  // Symbol position: [:P, o I ;0 ...]
  core::Arena a2;
  std::vector<uint8_t> r2_in = hex("04 08 5b 07 3a 06 50 6f 49 3b 00 00");
  DecodeResult r2 = decode(r2_in, a2);
  EXPECT_EQ(r2.error.code, ErrorCode::SymlinkInIvar);
  EXPECT_EQ(r2.error.offset, 9u);
}

TEST(RubyMarshalHostile, BadTypeBytes) {
  core::Arena arena;
  std::vector<uint8_t> r_in = hex("04 08 5b 07 30 78");
  DecodeResult r = decode(r_in, arena);
  EXPECT_EQ(r.error.code, ErrorCode::BadType);
  EXPECT_EQ(r.error.offset, 5u);
  ASSERT_NE(r.root, nullptr);
  EXPECT_EQ(r.root->count, 1u);  // the nil before the bad byte is kept
  EXPECT_TRUE(r.root->incomplete);
  core::Arena a2;
  std::vector<uint8_t> bad_symbol = hex("04 08 6f 22 00");
  EXPECT_EQ(decode(bad_symbol, a2).error.code, ErrorCode::BadSymbol);
}

TEST(RubyMarshalHostile, NodeObjectAndSymbolLimits) {
  {
    Limits lim;
    lim.max_nodes = 50;
    core::Arena arena;
    std::vector<uint8_t> r_in = concat({hex("04 08 5b 01 64"), repeat(hex("30"), 100)});
    DecodeResult r = decode(r_in, arena, lim);
    EXPECT_EQ(r.error.code, ErrorCode::NodeLimit);
    ASSERT_NE(r.root, nullptr);
    EXPECT_EQ(r.root->count, 49u);
    EXPECT_TRUE(r.root->incomplete);
  }
  {
    Limits lim;
    lim.max_objects = 5;
    core::Arena arena;
    std::vector<uint8_t> r_in = concat({hex("04 08 5b 0f"), repeat(hex("22 00"), 10)});
    DecodeResult r = decode(r_in, arena, lim);
    EXPECT_EQ(r.error.code, ErrorCode::TableLimit);
  }
  {
    Limits lim;
    lim.max_symbols = 5;
    std::vector<uint8_t> b = hex("04 08 5b 0f");
    for (int i = 0; i < 10; ++i) {
      b.push_back(0x3a);
      b.push_back(0x06);
      b.push_back(static_cast<uint8_t>('a' + i));
    }
    core::Arena arena;
    EXPECT_EQ(decode(b, arena, lim).error.code, ErrorCode::TableLimit);
  }
}

TEST(RubyMarshalHostile, ArenaBudgetIsRespected) {
  // 60000 nils with a 64 KiB arena: runs out, says so, stays in budget.
  core::Arena arena(64 * 1024);
  std::vector<uint8_t> r_in = concat({hex("04 08 5b 02 60 ea"), repeat(hex("30"), 60000)});
  DecodeResult r = decode(r_in, arena);
  EXPECT_EQ(r.error.code, ErrorCode::ArenaExhausted);
  EXPECT_TRUE(arena.exhausted());
  EXPECT_LE(arena.used(), arena.budget());
  render_all(r);
}

TEST(RubyMarshalHostile, ManyLinksDecodeInLinearTime) {
  // An Array of 200000 links to itself: decode and render stay fast and the
  // rendering stays within its buffer.
  std::vector<uint8_t> b = concat({hex("04 08 5b 03 40 0d 03"), repeat(hex("40 00"), 200000)});
  core::Arena arena;
  // CPU time of this process, not wall time: a loaded machine does not
  // stretch it (the quadratic walk this guards against took minutes)
  const std::clock_t t0 = std::clock();
  DecodeResult r = decode(b, arena);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.root->count, 200000u);
  char buf[4096];
  size_t n = render_ruby(r.root, buf, sizeof buf);
  EXPECT_LT(n, sizeof buf);
  const double ms = 1000.0 * static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  EXPECT_LT(ms, 2000.0);
}

TEST(RubyMarshalHostile, PartialTreeAfterTruncation) {
  std::vector<uint8_t> s = rtest::sample("01_ping_request.psk.marshal");
  s.resize(0x100);  // cut inside the :callerid symbol (0xfc..0x106)
  core::Arena arena;
  DecodeResult r = decode(s, arena);
  EXPECT_EQ(r.error.code, ErrorCode::BadLength);  // its length exceeds what is left
  EXPECT_EQ(r.error.offset, 0xfdu);
  ASSERT_NE(r.root, nullptr);
  EXPECT_TRUE(r.root->incomplete);
  EXPECT_EQ(rtest::text(hash_get(r.root, "senderid")), "admin.example.net");
  EXPECT_EQ(rtest::text(hash_get(r.root, "agent")), "discovery");
  EXPECT_EQ(hash_get(r.root, "callerid"), nullptr);
}

TEST(RubyMarshalHostile, TruncationAtEveryOffsetOfEverySample) {
  size_t runs = 0;
  for (const char* name : kMarshalFiles) {
    std::vector<uint8_t> full = rtest::sample(name);
    ASSERT_FALSE(full.empty()) << name;
    for (size_t n = 0; n < full.size(); ++n) {
      // A fresh exact-size copy so ASan sees any read past the end.
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      core::Arena arena;
      DecodeResult r = decode_marshal(cut.empty() ? nullptr : cut.data(), n, arena);
      ASSERT_FALSE(r.ok()) << name << " cut at " << n;
      EXPECT_TRUE(r.error.code == ErrorCode::Truncated || r.error.code == ErrorCode::BadLength)
          << name << " cut at " << n << ": " << r.error.message;
      EXPECT_LE(r.error.offset, n);
      render_all(r);
      ++runs;
    }
  }
  EXPECT_GT(runs, 5000u);
}

TEST(RubyMarshalHostile, ByteFlipsInEverySample) {
  const uint8_t kValues[] = {0x00, 0x01, 0x04, 0x05, 0x40, 0x49, 0x5b, 0x7b, 0x80, 0xfa, 0xff};
  for (const char* name : kMarshalFiles) {
    std::vector<uint8_t> full = rtest::sample(name);
    for (size_t i = 2; i < full.size(); ++i) {
      for (uint8_t v : kValues) {
        std::vector<uint8_t> m = full;
        m[i] = v;
        core::Arena arena(1 << 20);
        DecodeResult r = decode(m, arena);
        render_all(r);
      }
    }
  }
}

TEST(RubyMarshalHostile, RandomBytes) {
  // Bytes drawn mostly from the type codes and small longs, so the decoder
  // gets deep into structures rather than failing at once.
  const uint8_t kAlphabet[] = {'0', 'T', 'F', 'i', 'l', 'f', '"', '/', '[', '{', '}', ':', ';',
                               '@', 'I', 'e', 'C', 'o', 'S', 'u', 'U', 'd', 'c', 'm', 'M', 0x00,
                               0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0xfa, 0xfc, 0xff, '+',
                               '-', 'E'};
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 30000; ++iter) {
    size_t len = 2 + rng() % 64;
    std::vector<uint8_t> b(len);
    b[0] = 4;
    b[1] = 8;
    for (size_t i = 2; i < len; ++i)
      b[i] = (rng() % 4) ? kAlphabet[rng() % sizeof kAlphabet] : static_cast<uint8_t>(rng());
    core::Arena arena(1 << 20);
    DecodeResult r = decode(b, arena);
    EXPECT_LE(r.consumed, len);
    render_all(r);
  }
}
