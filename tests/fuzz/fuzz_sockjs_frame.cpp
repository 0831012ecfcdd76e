// fuzz_sockjs_frame.cpp - libFuzzer target for the SockJS frame parser and
// its JSON string decoder. Buffers are allocated at their exact size so ASan
// sees any overrun. Invariants (abort()): the frame taken stays inside the
// input, the spans stay inside the input and the output, the output never
// outgrows the input, and a frame of the decoded strings re-encoded as JSON
// parses back to the same strings. The input is also scanned as an item of
// a streaming HTTP response and as a session URL (sockjs_http.h).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dissector/sockjs/sockjs_frame.h"
#include "dissector/sockjs/sockjs_http.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void json_escape(const uint8_t* p, size_t n, std::string* out) {
  static const char hex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < n; i++) {
    const uint8_t c = p[i];
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(hex[c >> 4]);
      out->push_back(hex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sockjs::Limits lim;
  lim.max_strings = 64;
  lim.max_input = 1 << 16;
  const size_t cap = size < lim.max_input ? size : lim.max_input;
  std::vector<uint8_t> in(data, data + size);
  uint8_t* out = static_cast<uint8_t*>(std::malloc(cap ? cap : 1));
  std::vector<sockjs::StringSpan> spans(lim.max_strings);
  const sockjs::Frame f = sockjs::parse(in.data(), in.size(), out, cap, spans.data(), lim);
  check(f.strings <= lim.max_strings);
  check(f.out_length <= cap);
  check(f.length <= size);
  if (f.status == sockjs::Status::kOk) check(f.length > 0);
  for (size_t i = 0; i < f.strings; i++) {
    check(spans[i].src_offset + spans[i].src_length <= size);
    check(spans[i].out_offset + spans[i].out_length <= f.out_length);
    check(spans[i].out_length <= spans[i].src_length);
  }
  if (f.status == sockjs::Status::kOk &&
      (f.type == sockjs::FrameType::kArray || f.type == sockjs::FrameType::kClientArray)) {
    std::string again = f.type == sockjs::FrameType::kArray ? "a[" : "[";
    for (size_t i = 0; i < f.strings; i++) {
      if (i) again.push_back(',');
      json_escape(out + spans[i].out_offset, spans[i].out_length, &again);
    }
    again.push_back(']');
    std::vector<uint8_t> in2(again.begin(), again.end());
    std::vector<uint8_t> out2(in2.size());
    std::vector<sockjs::StringSpan> spans2(lim.max_strings);
    sockjs::Limits lim2 = lim;
    lim2.max_input = in2.size();
    const sockjs::Frame g =
        sockjs::parse(in2.data(), in2.size(), out2.data(), out2.size(), spans2.data(), lim2);
    check(g.status == sockjs::Status::kOk && g.strings == f.strings &&
          g.out_length == f.out_length && g.length == in2.size());
    check(std::memcmp(out2.data(), out, f.out_length) == 0);
  }
  std::free(out);

  // The same bytes as a streaming response's item and as a request URI.
  sockjs::StreamLimits sl;
  sl.max_headers = 4096;
  sl.max_chunk = 1 << 16;
  const sockjs::StreamItem it = sockjs::scan_stream_item(in.data(), in.size(), sl);
  if (it.kind != sockjs::ItemKind::kNeedMore && it.kind != sockjs::ItemKind::kBad) {
    check(it.length > 0 && it.length <= size);
    check(it.data_off + it.data_len <= it.length);
  }
  if (it.kind == sockjs::ItemKind::kNeedMore && it.need) check(it.need > size);
  const sockjs::SessionUrl u =
      sockjs::parse_session_url(reinterpret_cast<const char*>(in.data()), in.size());
  check(u.path_len <= size && u.session_off + u.session_len <= u.path_len);
  return 0;
}
