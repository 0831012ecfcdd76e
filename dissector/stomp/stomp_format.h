// stomp_format.h - small text helpers for columns and tree labels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stomp {

// Human size the way Wireshark prints it: "0 bytes", "1 byte", "999 bytes",
// "1.2 kB", "2.0 MB", "1.5 GB" (SI units). Returns the length written
// (always NUL-terminated, truncated to cap-1).
size_t format_size(uint64_t n, char* out, size_t cap);

// True when p[0, n) is valid UTF-8 without control characters other than
// TAB, CR and LF: such a body is shown as text too.
bool is_printable_utf8(const uint8_t* p, size_t n);

// True when p[0, n) is well-formed UTF-8 (no overlongs or surrogates).
bool is_valid_utf8(const uint8_t* p, size_t n);

// What a run of bytes holds, read 8 bytes a step: a frame whose header block
// is plain ASCII without NUL or backslash skips the per-header UTF-8, NUL and
// escape checks (their answers are known).
enum ByteClass : unsigned { kHasHigh = 1, kHasNul = 2, kHasBackslash = 4 };
unsigned byte_classes(const uint8_t* p, size_t n);

}  // namespace stomp
