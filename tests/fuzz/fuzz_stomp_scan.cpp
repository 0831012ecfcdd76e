// fuzz_stomp_scan.cpp - libFuzzer target for the STOMP frame scanner, the
// heuristic, the mid-stream resume point and the header cursor. Invariants
// are checked with abort(): every item makes progress and stays inside the
// buffer, feeding the same bytes in two chunks never yields an item that
// overruns its chunk, and a scan resumed chunk by chunk (as the dissector
// collects a frame across segments) decides exactly as a fresh scan would.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>

#include "dissector/stomp/stomp_frame.h"

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

// The item at the start of data arriving in growing chunks (sizes picked by
// the input), scanned with ScanResume as the dissector's collector does:
// whenever the resumed scan decides, a fresh scan of the same bytes must
// decide the same.
void resumed(const uint8_t* data, size_t size, const stomp::ScanLimits& lim) {
  stomp::ScanResume r;
  size_t n = 0;
  size_t step = 1;
  while (n < size) {
    n = std::min(size, n + step);
    step = 1 + (data[n - 1] % 97);
    const stomp::Scan a = stomp::scan(data, n, false, lim, &r);
    if (a.status == stomp::ScanStatus::kNeedMore) continue;
    check(stomp::same_scan(a, stomp::scan(data, n, false, lim)));
    return;
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
  const size_t k = stomp::find_stream_resume(data, size);
  check(k == SIZE_MAX || (k >= 1 && k < size));
  resumed(data, size, stomp::ScanLimits());
  resumed(data, size, small);
  // a second segmentation: the first byte picks the split
  if (size > 1) {
    size_t cut = 1 + data[0] % (size - 1);
    walk(data, cut, false, small);
    walk(data + cut, size - cut, false, small);
  }
  return 0;
}
