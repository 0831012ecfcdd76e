// fuzz_stomp_scan.cpp - libFuzzer target for the STOMP frame scanner, the
// heuristic and the header cursor. Invariants are checked with abort():
// every item makes progress and stays inside the buffer, and feeding the
// same bytes in two chunks never yields an item that overruns its chunk.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "stomp_frame.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void walk(const uint8_t* data, size_t size, bool at_end, const stomp::ScanLimits& lim) {
  size_t off = 0;
  while (off < size) {
    stomp::Scan s = stomp::scan(data + off, size - off, at_end, lim);
    if (s.status == stomp::ScanStatus::kNeedMore) {
      check(!at_end || s.length == 0);
      check(s.need == 0 || s.need > size - off);
      break;
    }
    check(s.length > 0 && s.length <= size - off);
    if (s.status == stomp::ScanStatus::kFrame) {
      check(s.command_len <= s.headers_off && s.headers_off <= s.headers_end);
      check(s.headers_end <= s.length);
      check(s.body_off + s.body_len <= s.length || (s.flags & stomp::kFlagTruncated));
      stomp::HeaderCursor c(data + off, s);
      stomp::HeaderLine h;
      uint32_t n = 0;
      while (c.next(&h)) {
        check(h.line_off + h.line_len <= s.headers_end);
        check(h.name_off + h.name_len <= h.line_off + h.line_len);
        check(h.value_off + h.value_len <= h.line_off + h.line_len);
        n++;
      }
      check(n == s.header_count || (s.flags & stomp::kFlagTruncated));
    }
    off += s.length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stomp::ScanLimits small;
  small.max_header_bytes = 4096;
  small.max_body_bytes = 8192;
  walk(data, size, false, stomp::ScanLimits());
  walk(data, size, true, stomp::ScanLimits());
  walk(data, size, false, small);
  (void)stomp::looks_like_stream_start(data, size);
  // a second segmentation: the first byte picks the split
  if (size > 1) {
    size_t cut = 1 + data[0] % (size - 1);
    walk(data, cut, false, small);
    walk(data + cut, size - cut, false, small);
  }
  return 0;
}
