// sockjs_frame.cpp - SockJS frames and JSON string unescaping (see the header).
#include "dissector/sockjs/sockjs_frame.h"

#include "dissector/sockjs/sockjs_http.h"

#include <cstring>

namespace sockjs {

const char* frame_type_name(FrameType t) {
  switch (t) {
    case FrameType::kOpen: return "open";
    case FrameType::kHeartbeat: return "heartbeat";
    case FrameType::kPrelude: return "prelude";
    case FrameType::kArray: return "array";
    case FrameType::kClose: return "close";
    case FrameType::kClientArray: return "client array";
    case FrameType::kClientString: return "client string";
    case FrameType::kInvalid: break;
  }
  return "invalid";
}

namespace {

bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (n >= 4 checked by the caller); -1 if not hex.
long hex4(const uint8_t* p) {
  long v = 0;
  for (int i = 0; i < 4; i++) {
    const int h = hex_value(p[i]);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

size_t put_utf8(uint32_t cp, uint8_t* out) {
  if (cp < 0x80) {
    out[0] = static_cast<uint8_t>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
    out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
    out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
  out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
  return 4;
}

size_t skip_ws(const uint8_t* in, size_t n, size_t i) {
  while (i < n && is_ws(in[i])) i++;
  return i;
}

}  // namespace

size_t decode_string(const uint8_t* in, size_t n, uint8_t* out, size_t* out_len,
                     bool* truncated, size_t* bad_at, uint32_t* lone_surrogates,
                     uint32_t* raw_controls) {
  *out_len = 0;
  *truncated = false;
  if (n == 0 || in[0] != '"') {
    *bad_at = 0;
    return 0;
  }
  size_t o = 0;
  size_t i = 1;
  // Every step below writes no more bytes than it reads, so o <= i <= n.
  while (i < n) {
    const uint8_t c = in[i];
    if (c == '"') {
      *out_len = o;
      return i + 1;
    }
    if (c != '\\') {
      if (c < 0x20) (*raw_controls)++;
      out[o++] = c;
      i++;
      continue;
    }
    if (i + 1 >= n) break;
    const uint8_t e = in[i + 1];
    uint8_t simple = 0;
    switch (e) {
      case '"': simple = '"'; break;
      case '\\': simple = '\\'; break;
      case '/': simple = '/'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'u': break;
      default:
        *bad_at = i;
        return 0;
    }
    if (e != 'u') {
      out[o++] = simple;
      i += 2;
      continue;
    }
    if (i + 6 > n) break;
    const long u = hex4(in + i + 2);
    if (u < 0) {
      *bad_at = i;
      return 0;
    }
    uint32_t cp = static_cast<uint32_t>(u);
    size_t used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate: its low half must follow as \uDC00-\uDFFF.
      if (i + 12 > n) {
        // Fewer bytes than a pair left: if they are the start of "\uXXXX",
        // the input was cut inside the pair.
        bool prefix = true;
        for (size_t j = i + 6; j < n && prefix; j++) {
          const size_t p = j - (i + 6);
          prefix = p == 0 ? in[j] == '\\' : p == 1 ? in[j] == 'u' : hex_value(in[j]) >= 0;
        }
        if (prefix) break;
      }
      long low = -1;
      if (i + 12 <= n && in[i + 6] == '\\' && in[i + 7] == 'u') low = hex4(in + i + 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        used = 12;
      } else {
        cp = 0xFFFD;
        (*lone_surrogates)++;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
      (*lone_surrogates)++;
    }
    o += put_utf8(cp, out + o);  // at most 3 bytes for 6 read, 4 for 12
    i += used;
  }
  *truncated = true;
  *out_len = o;
  return 0;
}

Frame parse(const uint8_t* in, size_t n, uint8_t* out, size_t out_cap, StringSpan* spans,
            const Limits& limits) {
  Frame f;
  if (n == 0) {
    f.status = Status::kTruncated;
    return f;
  }
  bool over = false;
  if (n > limits.max_input) {
    n = limits.max_input;
    over = true;
  }
  if (out_cap < n) {
    f.status = Status::kLimit;
    return f;
  }
  size_t i = 0;
  const uint8_t k = in[0];
  bool expect_array = false;
  bool single_string = false;
  switch (k) {
    case 'o':
      f.type = FrameType::kOpen;
      i = 1;
      break;
    case 'h': {
      size_t j = 1;
      while (j < n && in[j] == 'h') j++;
      f.type = j == 1 ? FrameType::kHeartbeat : FrameType::kPrelude;
      i = j;
      break;
    }
    case 'a':
      f.type = FrameType::kArray;
      i = 1;
      expect_array = true;
      break;
    case 'c':
      f.type = FrameType::kClose;
      i = 1;
      break;
    case '[':
      f.type = FrameType::kClientArray;
      expect_array = true;
      break;
    case '"':
      f.type = FrameType::kClientString;
      single_string = true;
      break;
    default:
      f.error_offset = 0;
      return f;  // kInvalid, kBad
  }

  size_t o = 0;
  auto take_string = [&](size_t at) -> bool {
    // at: the opening quote. false: f.status says why.
    if (f.strings >= limits.max_strings) {
      f.status = Status::kLimit;
      f.error_offset = at;
      return false;
    }
    size_t len = 0, bad = 0;
    bool trunc = false;
    const size_t used = decode_string(in + at, n - at, out + o, &len, &trunc, &bad,
                                      &f.lone_surrogates, &f.raw_controls);
    StringSpan& s = spans[f.strings];
    s.src_offset = at;
    s.out_offset = o;
    s.out_length = len;
    if (used == 0) {
      if (trunc) {
        // keep the part decoded so far: a snaplen-cut message still shows
        s.src_length = n - at;
        f.strings++;
        o += len;
        f.status = over ? Status::kLimit : Status::kTruncated;
        f.error_offset = n;
      } else {
        f.status = Status::kBad;
        f.error_offset = at + bad;
      }
      return false;
    }
    s.src_length = used;
    f.strings++;
    o += len;
    i = at + used;
    return true;
  };
  auto finish = [&]() -> Frame {
    f.out_length = o;
    return f;
  };
  auto cut = [&](size_t at) -> Frame {
    f.status = over ? Status::kLimit : Status::kTruncated;
    f.error_offset = at;
    return finish();
  };
  auto bad = [&](size_t at) -> Frame {
    f.status = Status::kBad;
    f.error_offset = at;
    return finish();
  };

  if (single_string) {
    if (!take_string(0)) return finish();
  } else if (expect_array) {
    if (i >= n) return cut(i);
    if (in[i] != '[') return bad(i);
    i = skip_ws(in, n, i + 1);
    if (i >= n) return cut(i);
    if (in[i] == ']') {
      i++;
    } else {
      for (;;) {
        if (in[i] != '"') return bad(i);
        if (!take_string(i)) return finish();
        i = skip_ws(in, n, i);
        if (i >= n) return cut(i);
        if (in[i] == ']') {
          i++;
          break;
        }
        if (in[i] != ',') return bad(i);
        i = skip_ws(in, n, i + 1);
        if (i >= n) return cut(i);
      }
    }
  } else if (f.type == FrameType::kClose) {
    if (i >= n) return cut(i);
    if (in[i] != '[') return bad(i);
    i = skip_ws(in, n, i + 1);
    size_t digits = 0;
    uint32_t code = 0;
    while (i < n && in[i] >= '0' && in[i] <= '9') {
      if (++digits > 9) return bad(i);
      code = code * 10 + static_cast<uint32_t>(in[i] - '0');
      i++;
    }
    if (i >= n) return cut(i);
    if (digits == 0) return bad(i);
    f.close_code = code;
    i = skip_ws(in, n, i);
    if (i >= n) return cut(i);
    if (in[i] != ',') return bad(i);
    i = skip_ws(in, n, i + 1);
    if (i >= n) return cut(i);
    if (in[i] != '"') return bad(i);
    if (!take_string(i)) return finish();
    i = skip_ws(in, n, i);
    if (i >= n) return cut(i);
    if (in[i] != ']') return bad(i);
    i++;
  }
  // A frame ends at the end of the message or with the "\n" of the HTTP
  // transports.
  if (i < n && in[i] == '\n') {
    f.newline = true;
    i++;
  } else if (f.type == FrameType::kPrelude) {
    if (i >= n) return cut(i);  // the prelude always ends with "\n"
    return bad(i);
  }
  f.status = Status::kOk;
  f.length = i;
  return finish();
}

bool is_websocket_url(const char* uri, size_t n, size_t* path_len) {
  const SessionUrl u = parse_session_url(uri, n);
  *path_len = u.path_len;
  return u.transport == Transport::kWebsocket;
}

}  // namespace sockjs
