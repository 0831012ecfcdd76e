// json.cpp - see json.h.
#include "support/json.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace testsupport {

namespace {

struct Parser {
  const std::string& s;
  size_t i = 0;
  std::string err;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++;
  }
  bool fail(const char* m) {
    if (err.empty()) err = std::string(m) + " at offset " + std::to_string(i);
    return false;
  }
  static void put_utf8(std::string& o, uint32_t cp) {
    if (cp < 0x80) {
      o += char(cp);
    } else if (cp < 0x800) {
      o += char(0xc0 | (cp >> 6));
      o += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      o += char(0xe0 | (cp >> 12));
      o += char(0x80 | ((cp >> 6) & 0x3f));
      o += char(0x80 | (cp & 0x3f));
    } else {
      o += char(0xf0 | (cp >> 18));
      o += char(0x80 | ((cp >> 12) & 0x3f));
      o += char(0x80 | ((cp >> 6) & 0x3f));
      o += char(0x80 | (cp & 0x3f));
    }
  }
  bool hex4(uint32_t* v) {
    if (i + 4 > s.size()) return fail("short \\u escape");
    *v = static_cast<uint32_t>(std::strtoul(s.substr(i, 4).c_str(), nullptr, 16));
    i += 4;
    return true;
  }
  bool string(std::string* out) {
    if (s[i] != '"') return fail("expected string");
    i++;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (i >= s.size()) return fail("bad escape");
      char e = s[i++];
      switch (e) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case '/': *out += '/'; break;
        case '\\': *out += '\\'; break;
        case '"': *out += '"'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
            i += 2;
            uint32_t lo = 0;
            if (!hex4(&lo)) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          put_utf8(*out, cp);
          break;
        }
        default: return fail("bad escape");
      }
    }
    if (i >= s.size()) return fail("unterminated string");
    i++;
    return true;
  }
  bool value(Json* v, int depth) {
    if (depth > 200) return fail("too deep");
    ws();
    if (i >= s.size()) return fail("unexpected end");
    char c = s[i];
    if (c == '{') {
      v->kind = Json::kObject;
      i++;
      ws();
      if (i < s.size() && s[i] == '}') return i++, true;
      for (;;) {
        ws();
        std::string k;
        if (!string(&k)) return false;
        ws();
        if (i >= s.size() || s[i] != ':') return fail("expected ':'");
        i++;
        Json child;
        if (!value(&child, depth + 1)) return false;
        v->obj.emplace_back(std::move(k), std::move(child));
        ws();
        if (i < s.size() && s[i] == ',') { i++; continue; }
        if (i < s.size() && s[i] == '}') return i++, true;
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v->kind = Json::kArray;
      i++;
      ws();
      if (i < s.size() && s[i] == ']') return i++, true;
      for (;;) {
        Json child;
        if (!value(&child, depth + 1)) return false;
        v->arr.push_back(std::move(child));
        ws();
        if (i < s.size() && s[i] == ',') { i++; continue; }
        if (i < s.size() && s[i] == ']') return i++, true;
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v->kind = Json::kString;
      return string(&v->str);
    }
    if (s.compare(i, 4, "true") == 0) { v->kind = Json::kBool; v->b = true; i += 4; return true; }
    if (s.compare(i, 5, "false") == 0) { v->kind = Json::kBool; i += 5; return true; }
    if (s.compare(i, 4, "null") == 0) { i += 4; return true; }
    char* end = nullptr;
    v->num = std::strtod(s.c_str() + i, &end);
    if (end == s.c_str() + i) return fail("bad value");
    v->kind = Json::kNumber;
    i = static_cast<size_t>(end - s.c_str());
    return true;
  }
};

const Json& null_json() {
  static const Json n;
  return n;
}

}  // namespace

const Json* Json::get(const std::string& key) const {
  for (const auto& kv : obj)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

const Json& Json::operator[](const std::string& key) const {
  const Json* j = get(key);
  return j ? *j : null_json();
}

Json parse_json(const std::string& text, std::string* error) {
  Parser p{text, 0, std::string()};
  Json v;
  if (!p.value(&v, 0)) {
    *error = p.err;
    return Json();
  }
  return v;
}

Json load_json_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return Json();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json(ss.str(), error);
}

}  // namespace testsupport
