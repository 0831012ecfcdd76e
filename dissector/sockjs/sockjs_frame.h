// sockjs_frame.h - SockJS framing (the "SockJS protocol" of sockjs-protocol
// 0.3.3), no epan.
//
// Server -> client, one frame per WebSocket message (websocket transport) or
// per line (xhr_streaming, xhr_polling: each frame ends with "\n"):
//   o                      open
//   h                      heartbeat
//   a["msg1","msg2",...]   messages: a JSON array of JSON strings
//   c[3000,"Go away!"]     close: a code and a reason
// xhr_streaming starts its response with a prelude of 2048 'h' and "\n".
// Client -> server: a bare JSON array of strings, ["msg1","msg2"] (the
// websocket transport also accepts a lone JSON string, "msg").
//
// The messages are JSON strings: every escape of RFC 8259 is decoded,
// \uXXXX to UTF-8 and surrogate pairs to one 4-byte sequence (a lone
// surrogate becomes U+FFFD and is counted). A decoded string is never
// longer than its JSON form, so an output buffer as long as the input is
// always enough. Bounded: a loop over the input, no recursion; at most
// Limits::max_strings strings and max_input bytes are looked at.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sockjs {

enum class FrameType : uint8_t {
  kInvalid = 0,  // not a SockJS frame
  kOpen,         // o
  kHeartbeat,    // h
  kPrelude,      // hhh...h (xhr_streaming's 2048-byte prelude)
  kArray,        // a[...]  server -> client messages
  kClose,        // c[code,"reason"]
  kClientArray,  // [...]   client -> server messages
  kClientString, // "..."   client -> server, one message (websocket transport)
};

// Whether a frame can begin with this byte: o, h, a, c (server), [ or "
// (client). Heuristics look at it before parsing.
inline bool can_start_frame(uint8_t c) {
  return c == 'o' || c == 'h' || c == 'a' || c == 'c' || c == '[' || c == '"';
}

// "open", "heartbeat", "prelude", "array", "close", "client array",
// "client string" or "invalid".
const char* frame_type_name(FrameType t);

enum class Status : uint8_t {
  kOk = 0,
  kTruncated,  // the input ended inside the frame
  kBad,        // not valid SockJS/JSON at error_offset
  kLimit,      // more strings or bytes than Limits allow
};

struct Limits {
  size_t max_strings = 4096;
  size_t max_input = 64u << 20;  // bytes of one frame
};

// One decoded string: where its JSON form is in the input (quotes
// included) and where its bytes are in the output buffer.
struct StringSpan {
  size_t src_offset = 0;
  size_t src_length = 0;
  size_t out_offset = 0;
  size_t out_length = 0;
};

struct Frame {
  FrameType type = FrameType::kInvalid;
  Status status = Status::kBad;
  size_t length = 0;        // bytes of the input taken, a trailing "\n" included
  bool newline = false;     // the frame ended with "\n" (HTTP transports)
  size_t strings = 0;       // decoded strings written to spans[0, strings)
  size_t out_length = 0;    // bytes written to out
  uint32_t close_code = 0;  // kClose: the code; the reason is spans[0]
  uint32_t lone_surrogates = 0;  // \uD800-\uDFFF without its pair (U+FFFD)
  uint32_t raw_controls = 0;     // unescaped bytes < 0x20 inside a string (kept)
  size_t error_offset = 0;       // kBad: where the input went wrong
};

// Parses the frame at in[0, n). out must hold min(n, limits.max_input)
// bytes; spans must hold limits.max_strings entries. The strings are
// written to out one after another; spans says where each one is.
Frame parse(const uint8_t* in, size_t n, uint8_t* out, size_t out_cap, StringSpan* spans,
            const Limits& limits);

// Decodes one JSON string whose opening quote is in[0]. Returns the bytes
// of the input taken (closing quote included), 0 if the string is not
// complete in in[0, n) (*truncated set) or is bad (*bad_at set to the
// input offset). Writes at most n bytes to out; *out_len gets their count.
size_t decode_string(const uint8_t* in, size_t n, uint8_t* out, size_t* out_len,
                     bool* truncated, size_t* bad_at, uint32_t* lone_surrogates,
                     uint32_t* raw_controls);

// Whether a request path (a query string after '?' is ignored) is the
// SockJS websocket transport's: /<prefix>/<server>/<session>/websocket, the
// server and session segments non-empty (the prefix may be empty or have
// several segments). *path_len gets the length of the path without the query.
bool is_websocket_url(const char* uri, size_t n, size_t* path_len);

}  // namespace sockjs
