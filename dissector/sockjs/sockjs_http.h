// sockjs_http.h - SockJS over HTTP, no epan: what a request URL says about
// the session and transport, and the items of a streaming response.
//
// Every SockJS transport URL is /<prefix>/<server>/<session>/<transport>
// (sockjs-protocol 0.3.3; the prefix may be empty or have several
// segments, a query string may follow). The HTTP transports:
//   xhr_streaming  POST, the response stays open: chunked, a 2048-'h'
//                  prelude, then one SockJS frame ("o\n", "a[...]\n", ...)
//                  per chunk, until the client closes the connection;
//   xhr            POST, polling: each response is one frame, "a[...]\n";
//   xhr_send       POST, the client's messages: a body ["...","..."],
//                  answered 204.
// A streaming response never completes as an HTTP message, so its items are
// scanned one by one (scan_stream_item): the status line and headers, each
// chunk, or (an identity body, HTTP/1.0) the complete lines so far.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sockjs {

enum class Transport : uint8_t {
  kNone = 0,      // not a SockJS session URL
  kWebsocket,     // .../websocket
  kXhr,           // .../xhr (polling)
  kXhrSend,       // .../xhr_send
  kXhrStreaming,  // .../xhr_streaming
  kEventsource,   // .../eventsource (not decoded)
  kHtmlfile,      // .../htmlfile (not decoded)
  kJsonp,         // .../jsonp (not decoded)
  kJsonpSend,     // .../jsonp_send (not decoded)
};

// "websocket", "xhr", "xhr_send", ... or "none".
const char* transport_name(Transport t);

struct SessionUrl {
  Transport transport = Transport::kNone;
  size_t path_len = 0;     // the URI without its query string
  size_t session_off = 0;  // "<server>/<session>": where it starts ...
  size_t session_len = 0;  // ... and how long it is
};

// Parses a request URI (path, optional query). Returns the transport, kNone
// unless the last three path segments are non-empty and the last one names
// a SockJS transport.
SessionUrl parse_session_url(const char* uri, size_t n);

// One item of a streaming response body, as bytes from the start of `in`.
enum class ItemKind : uint8_t {
  kNeedMore = 0,  // not complete in the input: `need` says how much
  kHeaders,       // "HTTP/1.x NNN ..." up to and including the blank line
  kChunk,         // "<hex>[;ext]\r\n" data "\r\n": data_off/data_len
  kLastChunk,     // "0\r\n" (trailers) "\r\n"
  kLines,         // identity body: complete "\n"-ended lines (data_off 0)
  kBad,           // none of these (a chunk size line that is not hex, ...)
};

struct StreamItem {
  ItemKind kind = ItemKind::kBad;
  size_t length = 0;      // bytes of the input taken
  size_t data_off = 0;    // kChunk, kLines: where the SockJS bytes are ...
  size_t data_len = 0;    // ... and how many
  size_t need = 0;        // kNeedMore: total bytes needed, 0 if unknown
  unsigned status = 0;    // kHeaders: the status code (0 if unreadable)
  bool chunked = false;   // kHeaders: Transfer-Encoding: chunked
};

struct StreamLimits {
  size_t max_headers = 64u << 10;    // bytes of a status line + headers
  size_t max_chunk = 64u << 20;      // bytes of one chunk's data
};

// Classifies the bytes at the start of a streaming response item: a
// header block if they begin "HTTP/1.", a chunk if they begin with a hex
// size line, else complete lines of an identity body. Stateless, so any
// pass can classify any item again. Bounded by `limits`.
StreamItem scan_stream_item(const uint8_t* in, size_t n, const StreamLimits& limits);

}  // namespace sockjs
