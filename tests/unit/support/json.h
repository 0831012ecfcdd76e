// json.h - test support: a small JSON reader for MANIFEST.json and similar
// test data. Objects keep their key order. Not for untrusted input.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace testsupport {

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;

  const Json* get(const std::string& key) const;  // nullptr if absent
  const Json& operator[](const std::string& key) const;  // null Json if absent
  bool is_null() const { return kind == kNull; }
  int64_t as_int() const { return static_cast<int64_t>(num); }
};

// Parses text; on error returns a null Json and sets *error.
Json parse_json(const std::string& text, std::string* error);
Json load_json_file(const std::string& path, std::string* error);

}  // namespace testsupport
