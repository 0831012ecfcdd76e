// stomp_escape.h - STOMP header value/name escaping (1.1 and 1.2).
//
// 1.1 defines \n (LF), \c (':') and \\ ('\'); 1.2 adds \r (CR). Any other
// backslash sequence is undefined ("MUST be treated as a fatal protocol
// error"): we keep it verbatim and count it so the glue can raise expert info.
// CONNECT and CONNECTED frames are never escaped, nor are 1.0 frames.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dissector/stomp/stomp_command.h"

namespace stomp {

enum class Version : uint8_t { kUnknown = 0, k10, k11, k12 };

// "1.0", "1.1", "1.2" or "unknown".
const char* version_name(Version v);

// The highest version in an accept-version list ("1.0,1.1,1.2") or the
// version header of CONNECTED ("1.1"); kUnknown if none is recognised.
Version parse_version_list(const uint8_t* p, size_t n);

enum class EscapeMode : uint8_t { kNone, kV11, kV12 };

// Which escaping applies to a frame's headers in a session of version v.
// Unknown versions (capture started mid-session) use kV12 leniently: the
// values brokers escape are decoded, and invalid sequences are still flagged.
EscapeMode escape_mode_for(Version v, Command c);

struct UnescapeResult {
  size_t out_len = 0;
  uint32_t invalid = 0;             // undefined escape sequences kept verbatim
  size_t first_invalid = SIZE_MAX;  // input offset of the first one
  bool changed = false;             // at least one escape was decoded
};

// Decodes in[0, n) into out (capacity >= n; decoding never grows).
UnescapeResult unescape(const uint8_t* in, size_t n, uint8_t* out, EscapeMode mode);

// True when in[0, n) holds a backslash (a cheap "does it need decoding").
bool has_backslash(const uint8_t* in, size_t n);

}  // namespace stomp
