// stomp_frame.cpp - see stomp_frame.h.
#include "dissector/stomp/stomp_frame.h"

#include <algorithm>
#include <cstring>

namespace stomp {

namespace {

// Command tokens we treat as frame starts: known commands always; unknown
// tokens only if the header lines that follow are well formed. A token longer
// than this is not a command.
constexpr size_t kMaxToken = 32;

inline bool is_token_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Header-name bytes the heuristic accepts: visible ASCII but ':' and any
// non-ASCII (UTF-8) byte.
inline bool is_name_char(uint8_t c) { return (c > 0x20 && c != 0x7f && c != ':'); }

inline const uint8_t* find(const uint8_t* p, size_t n, uint8_t c) {
  return n ? static_cast<const uint8_t*>(std::memchr(p, c, n)) : nullptr;
}

// Length of the EOL at buf[i]: 1 (LF), 2 (CRLF), 0 (none). -1 when buf[i] is
// a CR and the buffer ends right after it (undecided).
inline int eol_at(const uint8_t* buf, size_t len, size_t i) {
  if (i >= len) return 0;
  if (buf[i] == '\n') return 1;
  if (buf[i] == '\r') {
    if (i + 1 >= len) return -1;
    return buf[i + 1] == '\n' ? 2 : 0;
  }
  return 0;
}

// Does a known command line start at buf[i]? Returns its full length
// (token + EOL) or 0. Sets *partial when the buffer ends before it could be
// decided (a prefix of a command).
size_t known_command_line_at(const uint8_t* buf, size_t len, size_t i, bool* partial) {
  *partial = false;
  size_t t = 0;
  while (i + t < len && t <= kMaxCommandLength && buf[i + t] >= 'A' && buf[i + t] <= 'Z') t++;
  if (i + t >= len) {
    *partial = t <= kMaxCommandLength;
    return 0;
  }
  if (t == 0 || command_from(buf + i, t) == Command::kUnknown) return 0;
  int e = eol_at(buf, len, i + t);
  if (e < 0) {
    *partial = true;
    return 0;
  }
  return e ? t + static_cast<size_t>(e) : 0;
}

// Where does the next frame plausibly start at or after `from`? A position
// right after an LF or NUL (or `from` itself) where a known command line
// begins. Returns len when none; when the tail of the buffer could still
// become one, returns the start of that tail so it is kept for next time.
size_t find_resync(const uint8_t* buf, size_t len, size_t from, bool at_end) {
  size_t i = from;
  while (i < len) {
    bool partial = false;
    if (known_command_line_at(buf, len, i, &partial)) return i;
    if (partial && !at_end) return i;
    // advance to the byte after the next LF or NUL
    const uint8_t* lf = find(buf + i, len - i, '\n');
    const uint8_t* nul = find(buf + i, (lf ? static_cast<size_t>(lf - buf) : len) - i, 0);
    const uint8_t* stop = nul ? nul : lf;
    if (!stop) return len;
    i = static_cast<size_t>(stop - buf) + 1;
    // EOLs right after a NUL belong to the frame that ended; skip them.
    while (i < len && (buf[i] == '\n' || buf[i] == '\r')) i++;
  }
  return len;
}

// Inside a body that has no usable content-length: does a new frame start
// right after the LF at `lf`? Strict, because a text body may mention a
// command: LF, known command, EOL, then a header line with a colon or the
// blank line, all before `limit`.
bool frame_after_lf(const uint8_t* buf, size_t limit, size_t lf) {
  const size_t start = lf + 1;
  bool partial = false;
  const size_t cl = known_command_line_at(buf, limit, start, &partial);
  if (!cl) return false;
  const size_t h = start + cl;
  if (eol_at(buf, limit, h) > 0) return true;
  const uint8_t* hl = find(buf + h, limit - h, '\n');
  return hl && find(buf + h, static_cast<size_t>(hl - buf) - h, ':');
}

// frame_after_lf for every LF in [from, limit). Returns the frame start or
// 0, and keeps the last two LFs visited in lfs (oldest first): a pattern
// starting there may still complete when more bytes arrive.
size_t find_frame_in_body(const uint8_t* buf, size_t limit, size_t from, size_t lfs[2]) {
  size_t i = from;
  while (i < limit) {
    const uint8_t* p = find(buf + i, limit - i, '\n');
    if (!p) return 0;
    const size_t lf = static_cast<size_t>(p - buf);
    lfs[0] = lfs[1];
    lfs[1] = lf;
    if (frame_after_lf(buf, limit, lf)) return lf + 1;
    i = lf + 1;
  }
  return 0;
}

Scan junk(size_t length, JunkReason why) {
  Scan s;
  s.status = ScanStatus::kJunk;
  s.length = length;
  s.junk_reason = why;
  return s;
}

Scan need_more(size_t need) {
  Scan s;
  s.status = ScanStatus::kNeedMore;
  s.need = need;
  return s;
}

// Junk starting at 0: skip to the next frame start (at least one byte).
Scan junk_from_start(const uint8_t* buf, size_t len, bool at_end, JunkReason why) {
  size_t r = find_resync(buf, len, 1, at_end);
  return junk(r, why);
}

Scan scan_heartbeat(const uint8_t* buf, size_t len, bool at_end) {
  size_t i = 0;
  uint32_t n = 0;
  while (i < len) {
    int e = eol_at(buf, len, i);
    if (e < 0) {  // CR at the very end
      if (!at_end && n == 0) return need_more(0);
      break;
    }
    if (e == 0) break;
    i += static_cast<size_t>(e);
    n++;
  }
  if (n == 0) return junk_from_start(buf, len, at_end, JunkReason::kBadEol);
  Scan s;
  s.status = ScanStatus::kHeartbeat;
  s.length = i;
  s.eol_count = n;
  return s;
}

// Consumes EOLs after the NUL that ends a frame.
size_t trailer_at(const uint8_t* buf, size_t len, size_t i) {
  size_t start = i;
  for (;;) {
    int e = eol_at(buf, len, i);
    if (e <= 0) break;
    i += static_cast<size_t>(e);
  }
  return i - start;
}

// A body cut short by a lying content-length: the first NUL at or after
// `from` followed by optional EOLs and then the start of a frame. Returns
// where that frame starts, or 0. A NUL whose following bytes could still
// become a frame start when more data comes (not at_end) stops the search
// and is reported in *recheck.
size_t overrun_end(const uint8_t* buf, size_t len, size_t from, bool at_end, size_t* recheck) {
  size_t i = from;
  while (i < len) {
    const uint8_t* nul = find(buf + i, len - i, 0);
    if (!nul) return 0;
    const size_t at = static_cast<size_t>(nul - buf);
    size_t j = at + 1;
    while (j < len && (buf[j] == '\n' || buf[j] == '\r')) j++;
    const Verdict v = j < len ? looks_like_stream_start(buf + j, len - j) : Verdict::kMaybe;
    if (v == Verdict::kYes) return j;
    if (v == Verdict::kMaybe && !at_end) {
      *recheck = at;
      return 0;
    }
    i = at + 1;
  }
  return 0;
}

// The last NUL before `next` (at or after `from`): where overrun_end's body ends.
size_t next_nul_before(const uint8_t* buf, size_t from, size_t next) {
  size_t n = next;
  while (n > from && buf[n - 1] != 0) n--;
  return n - 1;
}

bool is_content_length(const uint8_t* p, size_t n) {
  return n == 14 && std::memcmp(p, "content-length", 14) == 0;
}

}  // namespace

bool parse_decimal(const uint8_t* p, size_t n, uint64_t* out) {
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
  size_t j = n;
  while (j > i && (p[j - 1] == ' ' || p[j - 1] == '\t')) j--;
  if (i == j) return false;
  uint64_t v = 0;
  for (; i < j; i++) {
    if (p[i] < '0' || p[i] > '9') return false;
    uint64_t d = p[i] - '0';
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

Scan scan(const uint8_t* buf, size_t len, bool at_end, const ScanLimits& limits,
          ScanResume* resume) {
  ScanResume unused;
  ScanResume& out = resume ? *resume : unused;
  ScanResume in = out;  // where an earlier scan of this frame stopped
  out = ScanResume();   // nothing to resume unless we stop for more bytes
  if (in.stage != ScanResume::Stage::kNone && len < in.scanned) in = ScanResume();

  if (len == 0) return need_more(0);
  if (buf[0] == '\n' || buf[0] == '\r') return scan_heartbeat(buf, len, at_end);

  // --- command line -------------------------------------------------------
  size_t t = 0;
  while (t < len && t < kMaxToken && is_token_char(buf[t])) t++;
  if (t == len) {
    if (!at_end && t < kMaxToken) return need_more(0);
    return junk(len, JunkReason::kNotACommand);
  }
  int e = (t > 0) ? eol_at(buf, len, t) : 0;
  if (e < 0) {
    if (!at_end) return need_more(0);
    e = 0;
  }
  if (e == 0) return junk_from_start(buf, len, at_end, JunkReason::kNotACommand);

  Scan s;
  s.status = ScanStatus::kFrame;
  s.command = command_from(buf, t);
  s.command_len = t;
  if (s.command == Command::kUnknown) s.flags |= kFlagUnknownCommand;
  if (e == 2) s.flags |= kFlagCrlf;
  const bool unknown = s.command == Command::kUnknown;

  // --- header lines ---------------------------------------------------------
  size_t pos = t + static_cast<size_t>(e);
  s.headers_off = pos;
  const size_t header_limit = limits.max_header_bytes;
  bool have_cl = false;
  uint64_t cl = 0;
  size_t blank_len = 0;
  if (in.stage != ScanResume::Stage::kNone && in.line >= pos && in.line <= len) {
    // lines before in.line were parsed by an earlier call
    pos = in.line;
    s.header_count = in.header_count;
    s.flags |= in.flags;
    have_cl = in.have_cl;
    s.content_length = in.content_length;
  }
  // Stop for more bytes; the next call resumes at the line starting at `line`.
  auto suspend_headers = [&](size_t line) {
    out.stage = ScanResume::Stage::kHeaders;
    out.scanned = len;
    out.line = line;
    out.header_count = s.header_count;
    out.flags = s.flags;
    out.have_cl = have_cl;
    out.content_length = s.content_length;
    return need_more(0);
  };
  for (;;) {
    if (in.stage == ScanResume::Stage::kBody) {  // headers done in an earlier call
      blank_len = in.blank_len;
      break;
    }
    if (pos >= len) {
      if (at_end) break;  // truncated inside the headers
      return suspend_headers(pos);
    }
    int be = eol_at(buf, len, pos);
    if (be < 0) {
      if (at_end) break;
      return suspend_headers(pos);
    }
    if (be > 0) {
      blank_len = static_cast<size_t>(be);
      if (be == 2) s.flags |= kFlagCrlf;
      break;
    }
    size_t window = (len < header_limit ? len : header_limit);
    const uint8_t* lf = pos < window ? find(buf + pos, window - pos, '\n') : nullptr;
    if (!lf) {
      if (len >= header_limit)
        return junk_from_start(buf, len, at_end, JunkReason::kHeaderSectionTooLarge);
      if (at_end) {
        pos = len;
        s.header_count++;
        break;
      }
      return suspend_headers(pos);
    }
    size_t line_end = static_cast<size_t>(lf - buf);
    size_t content_end = line_end;
    if (content_end > pos && buf[content_end - 1] == '\r') {
      content_end--;
      s.flags |= kFlagCrlf;
    }
    const uint8_t* colon = find(buf + pos, content_end - pos, ':');
    if (!colon) {
      // An unknown token followed by lines that are not headers is not a
      // frame at all: resynchronise instead of inventing one.
      if (unknown) return junk_from_start(buf, len, at_end, JunkReason::kNotACommand);
      s.flags |= kFlagHeaderNoColon;
    } else if (!have_cl && is_content_length(buf + pos, static_cast<size_t>(colon - (buf + pos)))) {
      have_cl = true;
      const uint8_t* v = colon + 1;
      size_t vn = static_cast<size_t>((buf + content_end) - v);
      if (!parse_decimal(v, vn, &cl)) {
        s.flags |= kFlagContentLengthInvalid;
      } else if (cl > limits.max_body_bytes) {
        s.flags |= kFlagContentLengthTooLarge;
      } else {
        s.content_length = static_cast<int64_t>(cl);
      }
    }
    if (find(buf + pos, content_end - pos, 0)) s.flags |= kFlagNulInHeader;
    s.header_count++;
    pos = line_end + 1;
  }
  s.headers_end = pos;
  // Stop for more bytes inside the body; the next call resumes there with
  // what the header section said.
  auto suspend_body = [&]() -> ScanResume& {
    out.stage = ScanResume::Stage::kBody;
    out.scanned = len;
    out.line = s.headers_end;
    out.blank_len = blank_len;
    out.header_count = s.header_count;
    out.flags = s.flags;
    out.have_cl = have_cl;
    out.content_length = s.content_length;
    return out;
  };

  if (blank_len == 0) {  // at_end inside the header section
    s.flags |= kFlagTruncated;
    s.body_off = len;
    s.length = len;
    return s;
  }

  // --- body -------------------------------------------------------------------
  const size_t body_off = pos + blank_len;
  s.body_off = body_off;
  if (s.content_length >= 0) {
    const size_t clz = static_cast<size_t>(s.content_length);
    const size_t need = body_off + clz + 1;
    if (len < need) {
      // Before the promised length: a NUL followed by the start of another
      // frame means content-length was too large (a writer that counted
      // wrong and went on with its next frame). End the body at that NUL so
      // the frames after it decode, rather than swallowing them. Resumed
      // scans look only at bytes not looked at before.
      size_t from = body_off;
      if (in.stage == ScanResume::Stage::kBody)
        from = std::min(std::max(in.overrun_from, body_off), len);
      size_t recheck = SIZE_MAX;
      if (const size_t next = overrun_end(buf, len, from, at_end, &recheck)) {
        const size_t nul = next_nul_before(buf, body_off, next);
        s.flags |= kFlagContentLengthOverrun;
        s.body_len = nul - body_off;
        s.has_nul = true;
        s.trailer_len = next - (nul + 1);
        s.length = next;
        return s;
      }
      if (!at_end) {
        // a NUL whose following frame start was cut by the end of the
        // buffer is looked at again; the NUL-delimited search (should the
        // body turn out not to end at content-length) starts afresh
        suspend_body().overrun_from = recheck != SIZE_MAX ? recheck : len;
        return need_more(need);
      }
      s.flags |= kFlagTruncated;
      s.body_len = len > body_off ? len - body_off : 0;
      s.length = len;
      return s;
    }
    if (buf[body_off + clz] == 0) {
      s.body_len = clz;
      s.has_nul = true;
      s.trailer_len = trailer_at(buf, len, need);
      s.length = need + s.trailer_len;
      return s;
    }
    s.flags |= kFlagContentLengthMismatch;
    // The sender lied. If the next frame starts right where the body should
    // have ended, the NUL is simply missing; otherwise fall back to NUL
    // delimiting below.
    bool partial = false;
    if (known_command_line_at(buf, len, body_off + clz, &partial)) {
      s.flags |= kFlagMissingNul;
      s.body_len = clz;
      s.length = body_off + clz;
      return s;
    }
  }

  // No usable content-length: the body runs to the first NUL, unless a new
  // frame visibly starts first (the NUL is missing). Resumed scans start
  // where the previous one stopped, so each byte is searched once.
  const size_t avail = len - body_off;
  const size_t window =
      avail > limits.max_body_bytes ? static_cast<size_t>(limits.max_body_bytes) : avail;
  const size_t end = body_off + window;
  size_t nul_from = body_off, lf_from = body_off;
  size_t lfs[2] = {SIZE_MAX, SIZE_MAX};
  if (in.stage == ScanResume::Stage::kBody) {
    nul_from = std::min(std::max(in.nul_from, body_off), end);
    lf_from = std::min(std::max(in.lf_from, body_off), end);
    lfs[0] = in.lfs[0];
    lfs[1] = in.lfs[1];
  }
  const uint8_t* nul = find(buf + nul_from, end - nul_from, 0);
  const size_t limit = nul ? static_cast<size_t>(nul - buf) : end;
  size_t next = 0;
  // LFs from earlier calls whose line was still incomplete come first
  for (size_t lf : lfs) {
    if (!next && lf != SIZE_MAX && lf >= body_off && lf < limit && frame_after_lf(buf, limit, lf))
      next = lf + 1;
  }
  if (!next && lf_from < limit) next = find_frame_in_body(buf, limit, lf_from, lfs);
  if (next) {
    s.flags |= kFlagMissingNul;
    s.body_len = next - body_off;
    s.length = next;
    return s;
  }
  if (nul) {
    size_t n = static_cast<size_t>(nul - buf);
    s.body_len = n - body_off;
    s.has_nul = true;
    s.trailer_len = trailer_at(buf, len, n + 1);
    s.length = n + 1 + s.trailer_len;
    return s;
  }
  if (avail > limits.max_body_bytes) {
    s.flags |= kFlagBodyTooLarge | kFlagMissingNul;
    s.body_len = window;
    s.length = body_off + window;
    return s;
  }
  if (!at_end) {
    suspend_body();
    out.nul_from = end;
    out.lf_from = end;
    out.lfs[0] = lfs[0];
    out.lfs[1] = lfs[1];
    return need_more(0);
  }
  s.flags |= kFlagTruncated;
  s.body_len = avail;
  s.length = len;
  return s;
}

bool same_scan(const Scan& a, const Scan& b) {
  return a.status == b.status && a.length == b.length && a.need == b.need &&
         a.junk_reason == b.junk_reason && a.eol_count == b.eol_count && a.command == b.command &&
         a.command_len == b.command_len && a.headers_off == b.headers_off &&
         a.headers_end == b.headers_end && a.body_off == b.body_off && a.body_len == b.body_len &&
         a.has_nul == b.has_nul && a.trailer_len == b.trailer_len &&
         a.header_count == b.header_count && a.content_length == b.content_length &&
         a.flags == b.flags;
}

bool HeaderCursor::next(HeaderLine* out) {
  if (pos_ >= end_) return false;
  const uint8_t* lf = find(buf_ + pos_, end_ - pos_, '\n');
  size_t line_end = lf ? static_cast<size_t>(lf - buf_) : end_;
  size_t content_end = line_end;
  HeaderLine h;
  if (content_end > pos_ && buf_[content_end - 1] == '\r') {
    content_end--;
    h.crlf = true;
  }
  h.line_off = pos_;
  h.line_len = content_end - pos_;
  h.name_off = pos_;
  const uint8_t* colon = find(buf_ + pos_, content_end - pos_, ':');
  if (colon) {
    size_t c = static_cast<size_t>(colon - buf_);
    h.has_colon = true;
    h.name_len = c - pos_;
    h.value_off = c + 1;
    h.value_len = content_end - (c + 1);
  } else {
    h.name_len = h.line_len;
    h.value_off = content_end;
    h.value_len = 0;
  }
  *out = h;
  pos_ = lf ? line_end + 1 : end_;
  return true;
}

size_t find_stream_resume(const uint8_t* buf, size_t len) {
  constexpr int kMaxCandidates = 64;
  size_t i = 0;
  for (int n = 0; n < kMaxCandidates && i < len; n++) {
    const uint8_t* nul = find(buf + i, len - i, 0);
    if (!nul) return SIZE_MAX;
    size_t j = static_cast<size_t>(nul - buf) + 1;
    while (j < len && buf[j] == 0) j++;  // a run of NULs is one candidate
    // EOLs after the NUL still belong to the frame that ended
    while (j < len && (buf[j] == '\n' || buf[j] == '\r')) j++;
    if (j >= len) return SIZE_MAX;
    if (looks_like_stream_start(buf + j, len - j) != Verdict::kNo) return j;
    i = j;
  }
  return SIZE_MAX;
}

Verdict looks_like_stream_start(const uint8_t* buf, size_t len) {
  size_t i = 0;
  // optional heart-beats
  for (;;) {
    int e = eol_at(buf, len, i);
    if (e < 0) return Verdict::kMaybe;
    if (e == 0) break;
    i += static_cast<size_t>(e);
  }
  if (i >= len) return Verdict::kNo;

  // known command + EOL
  bool partial = false;
  size_t cl = known_command_line_at(buf, len, i, &partial);
  if (!cl) {
    if (!partial) return Verdict::kNo;
    // The payload ends inside the command line: only a real prefix of a
    // command (or a whole command awaiting its LF after CR) keeps it open.
    size_t tok = len - i;
    if (buf[len - 1] == '\r')
      return command_from(buf + i, tok - 1) != Command::kUnknown ? Verdict::kMaybe : Verdict::kNo;
    return is_command_prefix(buf + i, tok) ? Verdict::kMaybe : Verdict::kNo;
  }
  i += cl;

  // blank line or a header line "name:value" EOL
  int e = eol_at(buf, len, i);
  if (e < 0) return Verdict::kMaybe;
  if (e > 0) return Verdict::kYes;
  if (i >= len) return Verdict::kMaybe;
  size_t n = 0;
  while (i + n < len && is_name_char(buf[i + n])) n++;
  if (i + n >= len) return Verdict::kMaybe;
  if (n == 0 || buf[i + n] != ':') return Verdict::kNo;
  // value: anything up to the EOL, but no control bytes other than TAB
  for (size_t j = i + n + 1; j < len; j++) {
    uint8_t c = buf[j];
    if (c == '\n') return Verdict::kYes;
    if (c == '\r') {
      if (j + 1 >= len) return Verdict::kMaybe;
      return buf[j + 1] == '\n' ? Verdict::kYes : Verdict::kNo;
    }
    if (c < 0x20 && c != '\t') return Verdict::kNo;
  }
  return Verdict::kMaybe;
}

}  // namespace stomp
