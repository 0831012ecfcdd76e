// fuzz_ruby_support.h - shared checks for the Ruby/MCollective fuzz targets:
// walk a decoded tree verifying its invariants (spans inside the input,
// counts consistent, links pointing at nodes) and render every node, all
// without following links. A broken invariant aborts, which libFuzzer
// reports as a crash.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "dissector/ruby/ruby_value.h"

namespace fuzzsupport {

inline void check(bool ok) {
  if (!ok) std::abort();
}

// `text_in_input`: Marshal trees point string payloads into the input.
inline void walk(const ruby::Value* v, const uint8_t* data, size_t size, bool text_in_input,
                 unsigned depth, size_t* budget) {
  if (!v || *budget == 0) return;
  --*budget;
  check(depth < 600);  // decoders cap depth well below this
  check(v->offset <= size && v->length <= size - v->offset);
  if (text_in_input && !v->text.empty() && v->kind != ruby::Kind::Link) {
    const auto* p = reinterpret_cast<const uint8_t*>(v->text.data());
    check(p >= data && p + v->text.size() <= data + size);
  }
  char buf[160];
  ruby::render_summary(v, buf, sizeof buf);
  if (v->kind == ruby::Kind::Link) {
    check(v->ref != nullptr);
    ruby::deref(v);
    return;  // never recurse through links: cycles are legal
  }
  check(v->count == 0 || v->items || v->pairs);
  for (size_t i = 0; v->items && i < v->count; ++i) {
    check(v->items[i] != nullptr);
    walk(v->items[i], data, size, text_in_input, depth + 1, budget);
  }
  for (size_t i = 0; v->pairs && i < v->count; ++i) {
    check(v->pairs[i].key && v->pairs[i].value);
    ruby::render_pair_summary(v->pairs[i], buf, sizeof buf);
    walk(v->pairs[i].key, data, size, text_in_input, depth + 1, budget);
    walk(v->pairs[i].value, data, size, text_in_input, depth + 1, budget);
  }
  for (size_t i = 0; i < v->ivar_count; ++i) {
    walk(v->ivars[i].key, data, size, text_in_input, depth + 1, budget);
    walk(v->ivars[i].value, data, size, text_in_input, depth + 1, budget);
  }
  walk(v->ref, data, size, text_in_input, depth + 1, budget);
}

inline void check_result(const ruby::DecodeResult& r, const uint8_t* data, size_t size,
                         bool text_in_input) {
  check(r.consumed <= size);
  check(r.ok() || r.error.offset <= size);
  check(r.error.message[sizeof r.error.message - 1] == '\0');
  size_t budget = 200000;
  walk(r.root, data, size, text_in_input, 0, &budget);
  char out[2048];
  size_t n = ruby::render_ruby(r.root, out, sizeof out);
  check(n < sizeof out && out[n] == '\0');
  ruby::RenderLimits tight;
  tight.max_depth = 2;
  tight.max_items = 3;
  tight.max_string = 8;
  char small[64];
  ruby::render_ruby(r.root, small, sizeof small, tight);
}

}  // namespace fuzzsupport
