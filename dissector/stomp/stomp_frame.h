// stomp_frame.h - the incremental STOMP frame scanner.
//
// Given the bytes buffered so far on one direction of a stream, scan() says
// what comes first: a heart-beat (EOLs between frames), a complete frame (and
// its length), junk to skip up to the next plausible command line, or "need
// more bytes" (with the exact total when content-length tells it). It never
// copies or allocates; results are offsets into the caller's buffer, so the
// same code serves the Wireshark glue, the unit tests and the fuzzer.
//
// Framing rules (STOMP 1.0/1.1/1.2):
//   command EOL (header EOL)* EOL body NUL EOL*
// where EOL is LF or CRLF. The body is exactly content-length bytes when that
// header is present and valid (it may hold NULs), else it runs to the first
// NUL. The first content-length header wins; later repeats are ignored.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dissector/stomp/stomp_command.h"

namespace stomp {

struct ScanLimits {
  // Command line + header lines + blank line. Past this the header section is
  // declared junk, so a hostile endless header line cannot grow the buffer.
  size_t max_header_bytes = size_t{4} << 20;
  // A content-length above this is not trusted (the frame falls back to NUL
  // delimiting), and a body without NUL is cut here.
  uint64_t max_body_bytes = uint64_t{256} << 20;
};

enum class ScanStatus : uint8_t {
  kFrame,      // a frame of `length` bytes (maybe flagged malformed)
  kHeartbeat,  // `length` bytes of EOLs (eol_count of them)
  kNeedMore,   // incomplete: `need` total bytes (0 = unknown) are required
  kJunk,       // `length` bytes that are not STOMP; resume scanning after them
};

// Frame flags: what was wrong or notable. Several may be set.
enum FrameFlag : uint32_t {
  kFlagUnknownCommand = 1u << 0,      // command token is not a STOMP command
  kFlagHeaderNoColon = 1u << 1,       // a header line without ':'
  kFlagContentLengthInvalid = 1u << 2,  // not a plain decimal number
  kFlagContentLengthTooLarge = 1u << 3,  // above ScanLimits::max_body_bytes
  kFlagContentLengthMismatch = 1u << 4,  // no NUL after content-length bytes
  kFlagMissingNul = 1u << 5,          // next frame began before any NUL
  kFlagCrlf = 1u << 6,                // CRLF line endings seen
  kFlagNulInHeader = 1u << 7,         // NUL byte inside a header line
  kFlagTruncated = 1u << 8,           // data ended inside the frame (at_end)
  kFlagBodyTooLarge = 1u << 9,        // no NUL within max_body_bytes
  // content-length promised more bytes than ever came, and a NUL followed by
  // the next frame came first (at_end only): the body ends at that NUL
  kFlagContentLengthOverrun = 1u << 10,
};

// Why bytes were declared junk.
enum class JunkReason : uint8_t {
  kNone,
  kNotACommand,          // the line where a frame should start is not one
  kHeaderSectionTooLarge,  // no blank line within max_header_bytes
  kBadEol,               // a CR not followed by LF where an EOL was due
};

struct Scan {
  ScanStatus status = ScanStatus::kNeedMore;
  size_t length = 0;  // bytes covered (kFrame, kHeartbeat, kJunk)
  size_t need = 0;    // kNeedMore: total buffer length needed, 0 = unknown
  JunkReason junk_reason = JunkReason::kNone;

  // kHeartbeat
  uint32_t eol_count = 0;

  // kFrame
  Command command = Command::kUnknown;
  size_t command_len = 0;   // token only, at offset 0
  size_t headers_off = 0;   // first byte after the command line's EOL
  size_t headers_end = 0;   // first byte of the blank line
  size_t body_off = 0;
  size_t body_len = 0;
  bool has_nul = false;     // the NUL sits at body_off + body_len
  size_t trailer_len = 0;   // EOLs after the NUL
  uint32_t header_count = 0;
  int64_t content_length = -1;  // first valid content-length, -1 if none
  uint32_t flags = 0;
};

// Where a scan of an incomplete frame stopped, so that the next scan of the
// same frame with more bytes appended resumes there instead of starting over:
// that keeps a frame whose length is not known up front (a huge header
// section, a body without content-length) linear in its size when it arrives
// one TCP segment at a time. Plain data; the caller keeps it between calls
// and must pass it only with a buffer that starts with the same bytes.
struct ScanResume {
  enum class Stage : uint8_t { kNone, kHeaders, kBody };
  Stage stage = Stage::kNone;
  size_t scanned = 0;  // bytes of the buffer examined so far
  // kHeaders: header lines before `line` are complete and accounted for;
  // kBody: `line` is where the blank line starts (blank_len bytes)
  size_t line = 0;
  size_t blank_len = 0;
  uint32_t header_count = 0;
  uint32_t flags = 0;
  bool have_cl = false;
  int64_t content_length = -1;
  // kBody (no usable content-length): no NUL before nul_from; every LF before
  // lf_from was checked for a following frame, except the last two (lfs)
  size_t nul_from = 0;
  size_t lf_from = 0;
  size_t lfs[2] = {SIZE_MAX, SIZE_MAX};
  // kBody with content-length, still short of it: no NUL followed by a frame
  // start (a content-length too large) before overrun_from
  size_t overrun_from = 0;
};

// Scans buf[0, len). at_end: no more bytes will ever follow (end of a
// WebSocket message, or no desegmentation possible); an incomplete frame is
// then returned as a kFrame flagged kFlagTruncated instead of kNeedMore.
// resume (optional): in, where an earlier scan of the same frame stopped;
// out, where this one stopped (Stage::kNone unless it returns kNeedMore).
Scan scan(const uint8_t* buf, size_t len, bool at_end,
          const ScanLimits& limits = ScanLimits(), ScanResume* resume = nullptr);

// Whether two scan results say the same (every field that describes the
// item; used to check that a resumed scan decides as a fresh one).
bool same_scan(const Scan& a, const Scan& b);

// One header line of a scanned frame, as offsets into the same buffer.
struct HeaderLine {
  size_t line_off = 0, line_len = 0;    // without the EOL
  size_t name_off = 0, name_len = 0;
  size_t value_off = 0, value_len = 0;  // raw: escapes not decoded
  bool has_colon = false;
  bool crlf = false;
};

// Walks the header lines of a kFrame scan. Plain data: safe to keep across
// calls that longjmp.
class HeaderCursor {
 public:
  HeaderCursor(const uint8_t* buf, const Scan& frame)
      : buf_(buf), pos_(frame.headers_off), end_(frame.headers_end) {}
  bool next(HeaderLine* out);

 private:
  const uint8_t* buf_;
  size_t pos_;
  size_t end_;
};

// The TCP heuristic's question: does this payload start (after optional
// heart-beat EOLs) with a known command line followed by a header line or
// the blank line?
enum class Verdict : uint8_t { kNo, kYes, kMaybe /* consistent so far, too short */ };
Verdict looks_like_stream_start(const uint8_t* buf, size_t len);

// Where the first frame of a stream starts when the capture began in the
// middle of an earlier frame: right after a NUL (the end of that frame) and
// the EOLs that follow it, where looks_like_stream_start says yes (or maybe,
// at the end of the buffer). SIZE_MAX when there is none. Bounded: at most 64 NULs are
// looked at, so binary data full of NULs costs little.
size_t find_stream_resume(const uint8_t* buf, size_t len);

// Parses a plain decimal number, surrounding blanks allowed (STOMP 1.0
// writers put a space after the colon). False on anything else or overflow.
bool parse_decimal(const uint8_t* p, size_t n, uint64_t* out);

}  // namespace stomp
