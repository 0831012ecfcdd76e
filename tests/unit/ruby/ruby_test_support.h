// ruby_test_support.h - small helpers for the Ruby/MCollective decoder tests:
// hex literals, loading test data files, and tree navigation shortcuts.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "dissector/ruby/ruby_value.h"

namespace rtest {

// "04 08 5b 00" -> bytes (blanks ignored).
inline std::vector<uint8_t> hex(std::string_view s) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline std::vector<uint8_t> bytes_of(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A file under test-captures/ (empty if missing).
inline std::vector<uint8_t> capture_file(const std::string& rel) {
  std::string path = std::string(STOMP_SOURCE_DIR) + "/test-captures/" + rel;
  std::vector<uint8_t> data;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    uint8_t buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
    std::fclose(f);
  }
  return data;
}

// A file under test-captures/mcollective-samples/ (empty if missing).
inline std::vector<uint8_t> sample(const std::string& name) {
  return capture_file("mcollective-samples/" + name);
}

inline std::string text(const ruby::Value* v) { return std::string(ruby::as_text(v)); }

inline std::string render(const ruby::Value* v, size_t cap = 4096,
                          const ruby::RenderLimits& lim = ruby::RenderLimits()) {
  std::vector<char> buf(cap);
  size_t n = ruby::render_ruby(v, buf.data(), cap, lim);
  return std::string(buf.data(), n);
}

inline const ruby::Value* item(const ruby::Value* v, size_t i) {
  v = ruby::deref(v);
  return v && v->kind == ruby::Kind::Array && i < v->count ? v->items[i] : nullptr;
}

inline int64_t int_of(const ruby::Value* v) {
  int64_t x = -999999;
  ruby::as_int64(v, &x);
  return x;
}

}  // namespace rtest
