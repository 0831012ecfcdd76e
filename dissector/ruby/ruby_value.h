// ruby_value.h - the decoded-Ruby-data value tree shared by the Marshal and
// YAML decoders, plus the small helpers the MCollective mapper and the epan
// glue need (link following, hash lookup, integer/text access, kind names).
//
// Nodes are plain structs allocated from a core::Arena: trivially
// destructible, no std containers, so the glue may hold them across calls
// that longjmp. Every node records where it came from in the decoded buffer
// (offset/length) so the glue can highlight bytes.
//
// Marshal trees point into the input buffer for string-ish payloads (the
// caller keeps the input alive as long as the tree); YAML trees hold arena
// copies (scalars are unescaped, so they are not byte ranges of the input).
//
// Links (Marshal `@n`, YAML aliases) are nodes of kind Link that point at
// their target; the target is never copied. Cycles are therefore possible
// (`[@0]` is an Array containing itself): anything walking a tree must not
// recurse through Link nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace core {
class Arena;
}

namespace ruby {

// One kind per Marshal 4.8 type code (the wrappers `I` and `;` do not produce
// nodes of their own: `I` becomes the ivars/encoding of the wrapped node, `;`
// a Symbol node flagged `symlink`).
enum class Kind : uint8_t {
  Nil,            // 0
  True,           // T
  False,          // F
  Fixnum,         // i   (YAML: any integer that fits int64)
  Bignum,         // l   (YAML: integers beyond int64)
  Float,          // f
  String,         // "
  Symbol,         // : and ;
  Regexp,         // /
  Array,          // [
  Hash,           // { and } (has_default)
  Object,         // o   class name + ivars (pairs)
  Struct,         // S   class name + members (pairs)
  UserDump,       // u   class name + raw _dump bytes (Time decoded)
  UserMarshal,    // U   class name + marshal_dump value (ref)
  Data,           // d   class name + _dump_data value (ref)
  Extended,       // e   module name + extended value (ref)
  UserClass,      // C   class name + wrapped String/Regexp/Array/Hash (ref)
  Class,          // c   class path in text
  Module,         // m   module path in text
  ClassOrModule,  // M   legacy class-or-module path in text
  Link,           // @n / YAML alias: ref = target node
};

// String/Symbol/Regexp encoding as far as the stream says (a display hint).
enum class Encoding : uint8_t {
  Binary,   // no encoding ivar (ASCII-8BIT; Ruby 1.8 strings; nested bodies)
  Utf8,     // ivar :E => true, or YAML text
  UsAscii,  // ivar :E => false
  Other,    // ivar :encoding => "name" (see Value::encoding_name)
};

struct Value;

// A key/value pair: Hash entries, Object ivars, Struct members, `I` ivars.
// For ivars and members the key is a Symbol node.
struct Pair {
  const Value* key = nullptr;
  const Value* value = nullptr;
};

// A decoded Time `_dump` payload (class "Time", 8 bytes).
struct TimeParts {
  int64_t seconds = 0;      // Unix time (the dump is always UTC-based)
  int32_t usec = 0;
  int32_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool utc = false;         // the dump's "is UTC" flag
  bool has_offset = false;  // an :offset ivar was present
  int32_t utc_offset = 0;   // seconds east of UTC (from :offset)
};

struct Value {
  Kind kind = Kind::Nil;
  Encoding encoding = Encoding::Binary;

  // Flags (meaning depends on kind; all false by default).
  bool negative = false;         // Bignum sign
  bool fits_int64 = false;       // Bignum: `integer` holds the value
  bool fits_uint64 = false;      // Bignum: `magnitude` holds |value|
  bool has_default = false;      // Hash `}`: ref is the default value
  bool symlink = false;          // Symbol came from a `;` back-reference
  bool non_canonical = false;    // some packed long in it used 5-8 bytes
  bool incomplete = false;       // decoding stopped inside this node
  bool ivar_wrapped = false;     // came inside an `I` wrapper
  bool float_mantissa = false;   // Float text had Ruby-1.8 NUL+mantissa bytes
  bool quoted = false;           // YAML: scalar was quoted/block (not plain)
  uint8_t regexp_options = 0;    // Regexp option byte (1 i, 2 x, 4 m, 16, 32)

  // Marshal: object-table slot of this node (-1 if it takes none);
  //   Symbol: symbol-table index; Link: the target's slot.
  // YAML: running node number (Link: the target's number).
  int32_t slot = -1;

  // Source span in the decoded buffer: for a wrapped node this covers the
  // whole `I ... ivars` construct.
  size_t offset = 0;
  size_t length = 0;

  int64_t integer = 0;     // Fixnum value; Bignum value when fits_int64
  uint64_t magnitude = 0;  // Bignum |value| when fits_uint64
  double real = 0;         // Float value

  // Primary payload bytes:
  //   String bytes, Symbol name, Regexp source, Float text (up to any NUL),
  //   Bignum magnitude (little-endian bytes), Class/Module path,
  //   UserDump raw _dump bytes, Link: YAML anchor name (empty for Marshal).
  std::string_view text;
  // Class or module name for Object, Struct, UserDump, UserMarshal, Data,
  // Extended (the module), UserClass.
  std::string_view name;
  // Encoding::Other: the encoding name ("ISO-8859-1").
  std::string_view encoding_name;
  // YAML: the tag when it was kept rather than resolved ("!foo"), or noted.
  std::string_view tag;

  // Link target; payload of Extended/UserClass/UserMarshal/Data; Hash default.
  const Value* ref = nullptr;

  // Array elements (items) or Hash/Object/Struct pairs; `count` is the number
  // of either.
  const Value* const* items = nullptr;
  const Pair* pairs = nullptr;
  size_t count = 0;

  // Instance variables from an `I` wrapper (the encoding ivar included).
  const Pair* ivars = nullptr;
  size_t ivar_count = 0;

  const TimeParts* time = nullptr;  // UserDump of class Time, decoded
};

// ---- Limits and results shared by both decoders --------------------------

struct Limits {
  unsigned max_depth = 64;          // nesting levels (Marshal values, YAML nodes)
  size_t max_nodes = 1000000;       // tree nodes in total
  size_t max_objects = 1u << 18;    // Marshal object-table entries
  size_t max_symbols = 1u << 16;    // Marshal symbol-table entries
  size_t max_anchors = 1u << 16;    // YAML anchors
};

enum class ErrorCode : uint8_t {
  None,
  Truncated,        // input ended inside a value
  BadVersion,       // Marshal header not 4.0 .. 4.8
  BadType,          // unknown Marshal type byte
  BadLength,        // negative or impossible length/count
  BadSymbol,        // a symbol was required here
  BadLink,          // `@n` to no object
  BadSymlink,       // `;n` to no symbol
  SymlinkInIvar,    // `;` inside `I` (Marshal 5.7.5)
  DepthLimit,
  NodeLimit,
  TableLimit,
  ArenaExhausted,
  YamlSyntax,       // libyaml reported a problem
  YamlAlias,        // alias to an unknown anchor
  Empty,            // no value at all (empty YAML stream)
};

struct Error {
  ErrorCode code = ErrorCode::None;
  size_t offset = 0;     // byte offset in the decoded buffer
  char message[128] = {};
};

struct Warning {
  size_t offset = 0;
  char message[96] = {};
};

struct DecodeResult {
  static constexpr size_t kMaxWarnings = 8;

  const Value* root = nullptr;  // may be non-null (partial) even on error
  Error error;
  Warning warnings[kMaxWarnings];
  size_t warning_count = 0;     // total seen; at most kMaxWarnings stored
  size_t consumed = 0;          // bytes taken by the (first) top-level value
  size_t node_count = 0;

  bool ok() const { return error.code == ErrorCode::None; }
  size_t stored_warnings() const {
    return warning_count < kMaxWarnings ? warning_count : kMaxWarnings;
  }
};

// Shared bookkeeping for filling a DecodeResult (printf-style messages).
void set_error(DecodeResult& r, ErrorCode code, size_t offset, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void add_warning(DecodeResult& r, size_t offset, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

// ---- Helpers ---------------------------------------------------------------

// Follows Link nodes (bounded, so a malformed self-link cannot hang). Returns
// nullptr for nullptr or a link chain that does not end.
const Value* deref(const Value* v);

// Looks a key up in a Hash (after deref) by name: matches a Symbol key or a
// String key with exactly these bytes. Keys and values are dereferenced; the
// last matching pair wins, as in Ruby. nullptr when absent or not a Hash.
const Value* hash_get(const Value* hash, std::string_view key);
// The same, but returns the pair itself (un-dereferenced), for highlighting;
// with symbols_only, String keys do not match.
const Pair* hash_find(const Value* hash, std::string_view key, bool symbols_only = false);

// Fixnum, or Bignum that fits int64 (after deref).
bool as_int64(const Value* v, int64_t* out);
// String or Symbol bytes (after deref); empty view otherwise.
std::string_view as_text(const Value* v);
bool is_text(const Value* v);  // String or Symbol (after deref)
bool is_kind(const Value* v, Kind k);  // after deref

const char* kind_name(Kind k);          // "Hash", "String", ...
const char* encoding_label(const Value* v);  // "UTF-8", "US-ASCII", name, "ASCII-8BIT"

// ---- Rendering ---------------------------------------------------------------

struct RenderLimits {
  unsigned max_depth = 6;       // deeper containers print as [...] / {...}
  size_t max_items = 32;        // per container; the rest become ", ..."
  size_t max_string = 256;      // bytes of one string shown
};

// Ruby-inspect-like text into out[0..cap) (always NUL-terminated when cap>0),
// e.g. {:senderid => "node1", :ttl => 60, :filter => {"fact" => []}}.
// Non-printable bytes are escaped ("\x00"); links print as @15 (YAML: *anchor)
// and are never followed. Output that does not fit ends with "…". Returns the
// length written (excluding the NUL).
size_t render_ruby(const Value* v, char* out, size_t cap,
                   const RenderLimits& lim = RenderLimits());

// One line for a tree item: scalars as render_ruby, containers as a short
// description ("Hash, 5 pairs", "Array, 2 items", "Object Set, 1 ivar").
size_t render_summary(const Value* v, char* out, size_t cap);
// "key => summary" for a Hash pair / ivar / member line.
size_t render_pair_summary(const Pair& p, char* out, size_t cap);

// render_ruby into an arena-owned NUL-terminated string (empty on exhaustion).
std::string_view render_to_arena(const Value* v, core::Arena& arena, size_t cap,
                                 const RenderLimits& lim = RenderLimits());

}  // namespace ruby
