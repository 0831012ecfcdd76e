// ruby_value.cpp - helpers over the Ruby value tree: result bookkeeping,
// link following, hash lookup and kind names. The inspect-style renderer is
// in ruby_render.cpp.
#include "dissector/ruby/ruby_value.h"

#include <cstdarg>
#include <cstdio>

namespace ruby {

void set_error(DecodeResult& r, ErrorCode code, size_t offset, const char* fmt, ...) {
  // The first error wins: later ones are consequences of it.
  if (r.error.code != ErrorCode::None) return;
  r.error.code = code;
  r.error.offset = offset;
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(r.error.message, sizeof r.error.message, fmt, ap);
  va_end(ap);
}

void add_warning(DecodeResult& r, size_t offset, const char* fmt, ...) {
  if (r.warning_count < DecodeResult::kMaxWarnings) {
    Warning& w = r.warnings[r.warning_count];
    w.offset = offset;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(w.message, sizeof w.message, fmt, ap);
    va_end(ap);
  }
  ++r.warning_count;
}

const Value* deref(const Value* v) {
  // Marshal links never point at links (links take no table slot) and YAML
  // anchors cannot sit on aliases, so one hop is normal; the bound only
  // protects against hand-built or corrupted trees.
  for (int hops = 0; v && v->kind == Kind::Link; ++hops) {
    if (hops >= 8) return nullptr;
    v = v->ref;
  }
  return v;
}

bool is_kind(const Value* v, Kind k) {
  v = deref(v);
  return v && v->kind == k;
}

bool is_text(const Value* v) {
  v = deref(v);
  return v && (v->kind == Kind::String || v->kind == Kind::Symbol);
}

std::string_view as_text(const Value* v) {
  v = deref(v);
  if (v && (v->kind == Kind::String || v->kind == Kind::Symbol)) return v->text;
  return {};
}

bool as_int64(const Value* v, int64_t* out) {
  v = deref(v);
  if (!v) return false;
  if (v->kind == Kind::Fixnum || (v->kind == Kind::Bignum && v->fits_int64)) {
    if (out) *out = v->integer;
    return true;
  }
  return false;
}

const Pair* hash_find(const Value* hash, std::string_view key, bool symbols_only) {
  hash = deref(hash);
  if (!hash || hash->kind != Kind::Hash) return nullptr;
  const Pair* found = nullptr;
  for (size_t i = 0; i < hash->count; ++i) {
    const Value* k = deref(hash->pairs[i].key);
    if (k && (k->kind == Kind::Symbol || (!symbols_only && k->kind == Kind::String)) &&
        k->text == key)
      found = &hash->pairs[i];  // keep going: the later duplicate wins
  }
  return found;
}

const Value* hash_get(const Value* hash, std::string_view key) {
  const Pair* p = hash_find(hash, key);
  return p ? deref(p->value) : nullptr;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Nil: return "nil";
    case Kind::True: return "true";
    case Kind::False: return "false";
    case Kind::Fixnum: return "Fixnum";
    case Kind::Bignum: return "Bignum";
    case Kind::Float: return "Float";
    case Kind::String: return "String";
    case Kind::Symbol: return "Symbol";
    case Kind::Regexp: return "Regexp";
    case Kind::Array: return "Array";
    case Kind::Hash: return "Hash";
    case Kind::Object: return "Object";
    case Kind::Struct: return "Struct";
    case Kind::UserDump: return "UserDump";
    case Kind::UserMarshal: return "UserMarshal";
    case Kind::Data: return "Data";
    case Kind::Extended: return "Extended";
    case Kind::UserClass: return "UserClass";
    case Kind::Class: return "Class";
    case Kind::Module: return "Module";
    case Kind::ClassOrModule: return "ClassOrModule";
    case Kind::Link: return "Link";
  }
  return "?";
}

const char* encoding_label(const Value* v) {
  if (!v) return "";
  switch (v->encoding) {
    case Encoding::Binary: return "ASCII-8BIT";
    case Encoding::Utf8: return "UTF-8";
    case Encoding::UsAscii: return "US-ASCII";
    case Encoding::Other:
      // encoding_name comes from arena/input bytes and is not NUL-terminated
      // in the Marshal case; callers that need the name use encoding_name.
      return "other";
  }
  return "";
}

}  // namespace ruby
