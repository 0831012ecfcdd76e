// sockjs_http.cpp - see sockjs_http.h.
#include "dissector/sockjs/sockjs_http.h"

#include <cstring>

namespace sockjs {

namespace {

struct Named {
  const char* name;
  Transport t;
};
constexpr Named kTransports[] = {
    {"websocket", Transport::kWebsocket},     {"xhr", Transport::kXhr},
    {"xhr_send", Transport::kXhrSend},        {"xhr_streaming", Transport::kXhrStreaming},
    {"eventsource", Transport::kEventsource}, {"htmlfile", Transport::kHtmlfile},
    {"jsonp", Transport::kJsonp},             {"jsonp_send", Transport::kJsonpSend},
};

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ieq(const uint8_t* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
    if (c != static_cast<uint8_t>(b[i])) return false;
  }
  return true;
}

// Whether the header block [0, n) (CRLF-ended lines) has
// "Transfer-Encoding: ...chunked".
bool says_chunked(const uint8_t* in, size_t n) {
  static const char kName[] = "transfer-encoding:";
  const size_t nl = sizeof kName - 1;
  size_t i = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && in[e] != '\n') e++;
    if (e - i > nl && ieq(in + i, kName, nl)) {
      for (size_t k = i + nl; k + 7 <= e; k++)
        if (ieq(in + k, "chunked", 7)) return true;
    }
    i = e + 1;
  }
  return false;
}

StreamItem headers_item(const uint8_t* in, size_t n, const StreamLimits& limits) {
  StreamItem it;
  const size_t look = n < limits.max_headers ? n : limits.max_headers;
  size_t end = 0;
  for (size_t i = 0; i + 1 < look; i++) {
    // a blank line: "\r\n\r\n" (or a bare "\n\n")
    if (in[i] == '\n' && (in[i + 1] == '\n' ||
                          (in[i + 1] == '\r' && i + 2 < look && in[i + 2] == '\n'))) {
      end = i + (in[i + 1] == '\n' ? 2 : 3);
      break;
    }
  }
  if (end == 0) {
    if (n >= limits.max_headers) return it;  // kBad: too long
    it.kind = ItemKind::kNeedMore;
    return it;
  }
  it.kind = ItemKind::kHeaders;
  it.length = end;
  // "HTTP/1.x NNN"
  if (end > 12 && in[8] == ' ') {
    unsigned code = 0;
    bool ok = true;
    for (size_t k = 9; k < 12; k++) {
      if (in[k] < '0' || in[k] > '9') ok = false;
      code = code * 10 + static_cast<unsigned>(in[k] - '0');
    }
    if (ok) it.status = code;
  }
  it.chunked = says_chunked(in, end);
  return it;
}

StreamItem chunk_item(const uint8_t* in, size_t n, const StreamLimits& limits) {
  StreamItem it;
  size_t i = 0;
  size_t size = 0;
  while (i < n && hex_value(in[i]) >= 0) {
    if (i >= 16) return it;  // kBad: no chunk is that large
    size = size * 16 + static_cast<size_t>(hex_value(in[i]));
    i++;
  }
  // extensions or spaces up to the line's end
  size_t line_end = i;
  while (line_end < n && in[line_end] != '\n') {
    if (line_end - i > 1024) return it;
    line_end++;
  }
  if (line_end >= n) {
    it.kind = ItemKind::kNeedMore;
    return it;
  }
  if (size > limits.max_chunk) return it;
  const size_t data_off = line_end + 1;
  if (size == 0) {
    // the last chunk: trailers, then a blank line
    size_t k = data_off;
    for (;;) {
      size_t e = k;
      while (e < n && in[e] != '\n') e++;
      if (e >= n) {
        it.kind = ItemKind::kNeedMore;
        return it;
      }
      const bool blank = e == k || (e == k + 1 && in[k] == '\r');
      k = e + 1;
      if (blank) break;
      if (k > limits.max_headers) return it;
    }
    it.kind = ItemKind::kLastChunk;
    it.length = k;
    it.data_off = data_off;
    return it;
  }
  const size_t total = data_off + size + 2;  // data, then CRLF
  if (n < total) {
    // a bare LF after the data would be one byte less: ask for the CRLF
    it.kind = ItemKind::kNeedMore;
    it.need = total;
    return it;
  }
  it.kind = ItemKind::kChunk;
  it.data_off = data_off;
  it.data_len = size;
  it.length = total;
  if (in[data_off + size] == '\n') it.length = total - 1;  // LF alone
  return it;
}

}  // namespace

const char* transport_name(Transport t) {
  for (const Named& n : kTransports)
    if (n.t == t) return n.name;
  return "none";
}

SessionUrl parse_session_url(const char* uri, size_t n) {
  SessionUrl u;
  size_t len = 0;
  while (len < n && uri[len] != '?') len++;
  u.path_len = len;
  // the last segment names the transport
  size_t start = len;
  while (start > 0 && uri[start - 1] != '/') start--;
  if (start == 0 || start == len) return u;
  Transport t = Transport::kNone;
  for (const Named& nm : kTransports) {
    const size_t l = std::strlen(nm.name);
    if (l == len - start && std::memcmp(uri + start, nm.name, l) == 0) t = nm.t;
  }
  if (t == Transport::kNone) return u;
  // two non-empty segments before it: <server>/<session>
  const size_t sess_end = start - 1;  // the '/' before the transport
  size_t sess_start = sess_end;
  while (sess_start > 0 && uri[sess_start - 1] != '/') sess_start--;
  if (sess_start == 0 || sess_start == sess_end) return u;
  const size_t srv_end = sess_start - 1;
  size_t srv_start = srv_end;
  while (srv_start > 0 && uri[srv_start - 1] != '/') srv_start--;
  if (srv_start == 0 || srv_start == srv_end) return u;
  u.session_off = srv_start;
  u.session_len = sess_end - srv_start;
  u.transport = t;
  return u;
}

StreamItem scan_stream_item(const uint8_t* in, size_t n, const StreamLimits& limits) {
  StreamItem it;
  if (n == 0) {
    it.kind = ItemKind::kNeedMore;
    return it;
  }
  static const char kHttp[] = "HTTP/1.";
  const size_t hl = sizeof kHttp - 1;
  if (std::memcmp(in, kHttp, n < hl ? n : hl) == 0) {
    if (n < hl) {
      it.kind = ItemKind::kNeedMore;
      return it;
    }
    return headers_item(in, n, limits);
  }
  if (hex_value(in[0]) >= 0) {
    // a chunk size line, if the hex run ends in ';', ' ', '\t' or EOL
    size_t i = 0;
    while (i < n && i < 17 && hex_value(in[i]) >= 0) i++;
    if (i == n) {
      it.kind = ItemKind::kNeedMore;
      return it;
    }
    const uint8_t c = in[i];
    if (c == '\r' || c == '\n' || c == ';' || c == ' ' || c == '\t')
      return chunk_item(in, n, limits);
  }
  // an identity body: the complete lines so far
  size_t last = n;
  while (last > 0 && in[last - 1] != '\n') last--;
  if (last == 0) {
    it.kind = n > limits.max_chunk ? ItemKind::kBad : ItemKind::kNeedMore;
    return it;
  }
  it.kind = ItemKind::kLines;
  it.length = last;
  it.data_off = 0;
  it.data_len = last;
  return it;
}

}  // namespace sockjs
