// ruby_fuzz_regressions_test.cpp - every input the Ruby/MCollective fuzz
// targets (tests/fuzz/fuzz_marshal, fuzz_yaml, fuzz_mco_envelope) found
// crashing, replayed through the same calls, plus a focused test per bug.
// The inputs are in test-captures/mcollective-samples/fuzz-regressions/;
// run under -DSTOMP_SANITIZE=ON to see the original failures come back if a
// fix regresses.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "dissector/common/arena.h"
#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_psk.h"
#include "dissector/ruby/ruby_marshal.h"
#include "ruby/ruby_test_support.h"
#include "dissector/ruby/ruby_yaml.h"

using namespace ruby;

namespace {

// What the three fuzz targets do with one input.
void replay(const std::vector<uint8_t>& d) {
  char buf[2048];
  {
    core::Arena arena(16u << 20);
    DecodeResult r = decode_marshal(d.data(), d.size(), arena);
    render_ruby(r.root, buf, sizeof buf);
    render_summary(r.root, buf, sizeof buf);
  }
  {
    core::Arena arena(16u << 20);
    DecodeResult r = decode_yaml(d.data(), d.size(), arena);
    render_ruby(r.root, buf, sizeof buf);
    render_summary(r.root, buf, sizeof buf);
  }
  {
    core::Arena arena(16u << 20);
    mco::looks_like_mcollective(d.data(), d.size());
    const mco::Envelope* e = mco::decode_envelope(d.data(), d.size(), arena);
    ASSERT_NE(e, nullptr);
    mco::verify_psk(*e, "example-dev-psk");
    render_ruby(e->root, buf, sizeof buf);
    render_ruby(e->payload, buf, sizeof buf);
  }
}

}  // namespace

TEST(RubyFuzzRegressions, ReplayEverySavedInput) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(STOMP_SOURCE_DIR) / "test-captures/mcollective-samples/fuzz-regressions";
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::vector<uint8_t> d = rtest::sample("fuzz-regressions/" + entry.path().filename().string());
    SCOPED_TRACE(entry.path().filename().string());
    replay(d);
    ++n;
  }
  EXPECT_GE(n, 2u);
}

// fuzz_yaml, first minutes: `!ruby/struct` without a class name left an empty
// string_view with a null data() that the renderer passed to memcpy (UBSan:
// null pointer passed as argument 2).
TEST(RubyFuzzRegressions, AnonymousYamlStructRenders) {
  std::string doc = "--- !ruby/struct\na: 1\n";
  core::Arena arena;
  DecodeResult r = decode_yaml(reinterpret_cast<const uint8_t*>(doc.data()), doc.size(), arena);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.root->kind, Kind::Struct);
  EXPECT_TRUE(r.root->name.empty());
  EXPECT_EQ(rtest::render(r.root), "#<struct a=1>");
}

// fuzz_mco_envelope, first minutes: an envelope whose :body decoded to an
// empty view made the MD5 update memcpy from a null pointer.
TEST(RubyFuzzRegressions, Md5OfNothingFromANullPointer) {
  char hex[33];
  mco::psk_digest(std::string_view(), std::string_view(), hex);
  EXPECT_STREQ(hex, "d41d8cd98f00b204e9800998ecf8427e");  // MD5("")
  EXPECT_EQ(mco::verify_psk(std::string_view(), std::string_view(),
                            "d41d8cd98f00b204e9800998ecf8427e"),
            mco::HashStatus::NoKey);
  EXPECT_EQ(mco::verify_psk(std::string_view(), "k", "d41d8cd98f00b204e9800998ecf8427e"),
            mco::HashStatus::Invalid);
}
