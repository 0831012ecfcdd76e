// fuzz_marshal.cpp - libFuzzer target for the Ruby Marshal decoder: decode
// with a 16 MiB arena, check the tree's invariants, render it.
#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "fuzz_ruby_support.h"
#include "dissector/ruby/ruby_marshal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  core::Arena arena(16u << 20);
  ruby::DecodeResult r = ruby::decode_marshal(data, size, arena);
  fuzzsupport::check_result(r, data, size, true);
  fuzzsupport::check(arena.used() <= arena.budget());
  // A tighter configuration exercises the limit paths.
  ruby::Limits lim;
  lim.max_depth = 8;
  lim.max_nodes = 200;
  lim.max_objects = 50;
  lim.max_symbols = 20;
  core::Arena small(64u << 10);
  ruby::DecodeResult r2 = ruby::decode_marshal(data, size, small, lim);
  fuzzsupport::check_result(r2, data, size, true);
  return 0;
}
