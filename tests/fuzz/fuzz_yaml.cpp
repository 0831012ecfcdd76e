// fuzz_yaml.cpp - libFuzzer target for the YAML decoder (libyaml events to
// the Ruby value tree): decode with a 16 MiB arena, check invariants, render.
#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "fuzz_ruby_support.h"
#include "dissector/ruby/ruby_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  core::Arena arena(16u << 20);
  ruby::DecodeResult r = ruby::decode_yaml(data, size, arena);
  fuzzsupport::check_result(r, data, size, false);
  fuzzsupport::check(arena.used() <= arena.budget());
  ruby::Limits lim;
  lim.max_depth = 6;
  lim.max_nodes = 100;
  lim.max_anchors = 4;
  core::Arena small(64u << 10);
  ruby::DecodeResult r2 = ruby::decode_yaml(data, size, small, lim);
  fuzzsupport::check_result(r2, data, size, false);
  return 0;
}
