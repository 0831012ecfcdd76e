// stomp_real_streams_test.cpp - the scanner and the session tracker on the
// real captures in test-captures/ (brokers and clients from Debian; see
// test-captures/README.md).
//
//  * Every frame of every STOMP stream, split at every byte offset (sampled
//    for frames over 64 KiB), must read "need more" until its NUL is there
//    and then the same frame.
//  * Replaying the real TCP segment boundaries, and one byte at a time, must
//    give the same frames as scanning the whole stream at once.
//  * Frames per connection and direction must equal what the client scripts
//    recorded in MANIFEST.json (command, headers after unescaping under the
//    negotiated version, body length and SHA-1). Those records come from the
//    clients, not from this code.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "dissector/stomp/stomp_escape.h"
#include "dissector/stomp/stomp_frame.h"
#include "dissector/stomp/stomp_session.h"
#include "support/json.h"
#include "support/pcap_streams.h"
#include "support/sha1.h"

namespace fs = std::filesystem;
using testsupport::Json;

namespace {

const std::string kCaptures = std::string(STOMP_SOURCE_DIR) + "/test-captures";

struct Item {
  stomp::Scan scan;
  size_t off;           // stream offset
  uint32_t end_packet;  // packet holding the item's last byte
};

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint32_t packet_at(const testsupport::Direction& d, size_t off) {
  for (const auto& s : d.segments)
    if (off >= s.offset && off < s.offset + s.length) return s.packet;
  return 0;
}

// Scans a whole direction as one buffer; stops at an incomplete tail.
std::vector<Item> scan_all(const testsupport::Direction& d) {
  std::vector<Item> items;
  size_t off = 0;
  while (off < d.bytes.size()) {
    stomp::Scan s = stomp::scan(u8(d.bytes) + off, d.bytes.size() - off, false);
    if (s.status == stomp::ScanStatus::kNeedMore) {
      // the capture ends inside a frame: what the dissector's later passes
      // show (an unterminated frame)
      s = stomp::scan(u8(d.bytes) + off, d.bytes.size() - off, true);
      if (s.length) items.push_back({s, off, packet_at(d, off + s.length - 1)});
      break;
    }
    items.push_back({s, off, packet_at(d, off + s.length - 1)});
    off += s.length;
  }
  return items;
}

// Items decided without knowing the end of the data (what chunked scans,
// which never see the end, can give).
std::vector<Item> without_unterminated(std::vector<Item> items) {
  if (!items.empty() && (items.back().scan.flags & stomp::kFlagTruncated)) items.pop_back();
  return items;
}

// What reaches the dissector when data arrives in the given chunks and the
// glue keeps unconsumed bytes for later (TCP desegmentation); with `resume`,
// an incomplete frame's scan continues where it stopped, as in the glue.
std::vector<Item> scan_chunked(const std::string& bytes, const std::vector<size_t>& chunk_ends,
                               bool resume = false) {
  std::vector<Item> items;
  size_t consumed = 0;
  stomp::ScanResume state;
  for (size_t end : chunk_ends) {
    while (consumed < end) {
      stomp::Scan s = stomp::scan(u8(bytes) + consumed, end - consumed, false, stomp::ScanLimits(),
                                  resume ? &state : nullptr);
      if (s.status == stomp::ScanStatus::kNeedMore) break;
      items.push_back({s, consumed, 0});
      consumed += s.length;
    }
  }
  return items;
}

// Frames only, as (offset, command, body) - heart-beat/trailer splits differ
// legitimately between segmentations (an EOL after a NUL may be a trailer or
// a heart-beat depending on where the segment ended).
struct FrameSig {
  size_t off;
  stomp::Command cmd;
  size_t body_off, body_len;
  bool operator==(const FrameSig& o) const {
    return off == o.off && cmd == o.cmd && body_off == o.body_off && body_len == o.body_len;
  }
};
std::vector<FrameSig> frames_of(const std::vector<Item>& items) {
  std::vector<FrameSig> out;
  for (const Item& i : items)
    if (i.scan.status == stomp::ScanStatus::kFrame)
      out.push_back({i.off, i.scan.command, i.off + i.scan.body_off, i.scan.body_len});
  return out;
}

Json manifest() {
  std::string err;
  Json m = testsupport::load_json_file(kCaptures + "/MANIFEST.json", &err);
  return m;
}

// Captures holding STOMP: MANIFEST entries with "stomp": true, plus the
// MCollective and sample captures, which have no frame counts.
std::vector<std::string> stomp_captures() {
  std::vector<std::string> out;
  Json m = manifest();
  // STOMP inside TLS or WebSocket is not in the TCP payload: the tshark
  // integration tests cover those captures.
  for (const auto& kv : m.obj)
    if (kv.second["stomp"].kind == Json::kBool && kv.second["stomp"].b &&
        kv.second["transport"].is_null())
      out.push_back(kv.first);
  for (const char* dir : {"mcollective", "mcollective-samples"}) {
    fs::path p = fs::path(kCaptures) / dir;
    if (!fs::exists(p)) continue;
    for (const auto& e : fs::directory_iterator(p)) {
      std::string ext = e.path().extension().string();
      if (ext != ".pcap" && ext != ".pcapng") continue;
      std::string rel = fs::relative(e.path(), kCaptures).string();
      if (std::find(out.begin(), out.end(), rel) == out.end()) out.push_back(rel);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_split_invariance(const std::string& name, const testsupport::Direction& d,
                            const std::vector<Item>& items) {
  for (const Item& it : items) {
    if (it.scan.status != stomp::ScanStatus::kFrame) continue;
    // frames whose end only what follows them decides (a malformed frame cut
    // short by the next one, or the data's end) have no such prefix rule
    if (it.scan.flags & (stomp::kFlagContentLengthOverrun | stomp::kFlagContentLengthMismatch |
                         stomp::kFlagMissingNul | stomp::kFlagTruncated))
      continue;
    const std::string frame = d.bytes.substr(it.off, it.scan.length);
    const size_t complete_at = it.scan.has_nul ? it.scan.body_off + it.scan.body_len + 1
                                               : it.scan.length;
    const size_t step = frame.size() > 65536 ? 997 : 1;
    for (size_t k = 0; k < frame.size(); k += step) {
      stomp::Scan s = stomp::scan(u8(frame), k, false);
      if (k < complete_at) {
        ASSERT_EQ(s.status, stomp::ScanStatus::kNeedMore)
            << name << " frame at " << it.off << " split at " << k;
        if (s.need) {
          ASSERT_EQ(s.need, complete_at) << name << " frame at " << it.off;
        }
      } else {
        ASSERT_EQ(s.status, stomp::ScanStatus::kFrame) << name << " at " << it.off << "+" << k;
        ASSERT_EQ(s.command, it.scan.command);
        ASSERT_EQ(s.body_len, it.scan.body_len);
      }
    }
  }
}

}  // namespace

TEST(StompRealStreams, CapturesArePresent) {
  // The real captures are the ground truth of every other test here.
  EXPECT_GE(stomp_captures().size(), 3u);
}

TEST(StompRealStreams, SplitAnywhereAndReplaySegments) {
  size_t frames_checked = 0;
  for (const std::string& cap : stomp_captures()) {
    std::string err;
    auto streams = testsupport::read_tcp_streams(kCaptures + "/" + cap, &err);
    ASSERT_TRUE(err.empty()) << cap << ": " << err;
    for (const auto& st : streams) {
      for (const testsupport::Direction* d : {&st.to_server, &st.to_client}) {
        if (d->bytes.empty()) continue;
        SCOPED_TRACE(cap + " port " + std::to_string(st.client_port));
        const std::vector<Item> all = scan_all(*d);
        for (const Item& i : all)
          EXPECT_NE(i.scan.status, stomp::ScanStatus::kJunk) << "junk at " << i.off;
        check_split_invariance(cap, *d, all);
        const std::vector<Item> whole = without_unterminated(all);

        std::vector<size_t> seg_ends;
        for (const auto& s : d->segments) seg_ends.push_back(s.offset + s.length);
        EXPECT_EQ(frames_of(scan_chunked(d->bytes, seg_ends)), frames_of(whole));
        EXPECT_EQ(frames_of(scan_chunked(d->bytes, seg_ends, true)), frames_of(whole));

        if (d->bytes.size() <= 200000) {
          std::vector<size_t> bytewise;
          for (size_t i = 1; i <= d->bytes.size(); i++) bytewise.push_back(i);
          EXPECT_EQ(frames_of(scan_chunked(d->bytes, bytewise)), frames_of(whole));
          EXPECT_EQ(frames_of(scan_chunked(d->bytes, bytewise, true)), frames_of(whole));
        }
        frames_checked += frames_of(whole).size();
      }
    }
  }
  EXPECT_GT(frames_checked, 100u);
}

// Frames of one connection in the order they completed on the wire, with
// headers decoded the way the dissector does (Tracker decides the version).
struct DecodedFrame {
  bool to_server;
  bool raw;  // shown without unescaping (1.0 session, CONNECT/CONNECTED)
  stomp::Command cmd;
  std::string command_text;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

std::string decode(const std::string& raw, stomp::EscapeMode mode) {
  std::string out(raw.size(), '\0');
  stomp::UnescapeResult r = stomp::unescape(u8(raw), raw.size(), reinterpret_cast<uint8_t*>(&out[0]), mode);
  out.resize(r.out_len);
  return out;
}

std::vector<DecodedFrame> decode_connection(const testsupport::TcpStream& st, uint64_t conn,
                                            stomp::Tracker* tracker) {
  struct Pending {
    uint32_t packet;
    size_t off;
    bool to_server;
    stomp::Scan scan;
  };
  std::vector<Pending> all;
  for (bool to_server : {true, false}) {
    const auto& d = to_server ? st.to_server : st.to_client;
    for (const Item& i : scan_all(d))
      if (i.scan.status == stomp::ScanStatus::kFrame)
        all.push_back({i.end_packet, i.off, to_server, i.scan});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Pending& a, const Pending& b) { return a.packet < b.packet; });
  std::vector<DecodedFrame> out;
  uint32_t idx = 0;
  for (const Pending& p : all) {
    const std::string& bytes = p.to_server ? st.to_server.bytes : st.to_client.bytes;
    const std::string frame = bytes.substr(p.off, p.scan.length);
    stomp::Version v = tracker->version_of(conn);
    stomp::EscapeMode mode = stomp::escape_mode_for(v, p.scan.command);
    DecodedFrame f;
    f.to_server = p.to_server;
    f.raw = mode == stomp::EscapeMode::kNone;
    f.cmd = p.scan.command;
    f.command_text = frame.substr(0, p.scan.command_len);
    stomp::HeaderCursor c(u8(frame), p.scan);
    stomp::HeaderLine h;
    while (c.next(&h)) {
      size_t voff = h.value_off, vlen = h.value_len;
      if (v == stomp::Version::k10)
        while (vlen && (frame[voff] == ' ' || frame[voff] == '\t')) voff++, vlen--;
      f.headers.emplace_back(decode(frame.substr(h.name_off, h.name_len), mode),
                             decode(frame.substr(voff, vlen), mode));
    }
    f.body = frame.substr(p.scan.body_off, p.scan.body_len);
    std::vector<stomp::HeaderView> hv;
    for (const auto& kv : f.headers) hv.push_back({kv.first, kv.second});
    stomp::ObservedFrame of;
    of.conn = conn;
    of.sender = p.to_server ? 1 : 2;
    of.ref = {p.packet, idx++};
    of.command = p.scan.command;
    of.headers = hv.data();
    of.header_count = hv.size();
    tracker->observe(of);
    out.push_back(std::move(f));
  }
  return out;
}

void compare_direction(const std::string& where, const Json& expected,
                       const std::vector<const DecodedFrame*>& got) {
  ASSERT_EQ(expected.arr.size(), got.size()) << where << ": frame count";
  for (size_t i = 0; i < got.size(); i++) {
    const Json& e = expected.arr[i];
    const DecodedFrame& g = *got[i];
    SCOPED_TRACE(where + " frame #" + std::to_string(i) + " " + e["command"].str);
    EXPECT_EQ(g.command_text, e["command"].str);
    // The clients record decoded values; where the dissector shows the wire
    // text (1.0 sessions, CONNECT/CONNECTED) the MANIFEST's "undecoded"
    // holds what was on the wire when it differs.
    for (const auto& kv : e["headers"].obj) {
      const Json* wire = g.raw ? e["undecoded"].get(kv.first) : nullptr;
      const std::string& want = wire ? wire->str : kv.second.str;
      const std::string* val = nullptr;
      for (const auto& h : g.headers)
        if (h.first == kv.first) {
          val = &h.second;
          break;
        }
      ASSERT_NE(val, nullptr) << "header " << kv.first;
      EXPECT_EQ(*val, want) << "header " << kv.first;
    }
    if (!e["body_len"].is_null()) {
      EXPECT_EQ(g.body.size(), size_t(e["body_len"].as_int()));
    }
    if (!e["body_sha1"].is_null()) {
      EXPECT_EQ(testsupport::sha1_hex(g.body), e["body_sha1"].str);
    }
  }
}

TEST(StompRealStreams, FramesEqualWhatTheClientsRecorded) {
  Json m = manifest();
  size_t connections = 0;
  for (const auto& entry : m.obj) {
    const Json& cap = entry.second;
    if (!(cap["stomp"].kind == Json::kBool && cap["stomp"].b)) continue;
    if (cap["connections"].kind != Json::kArray || !cap["transport"].is_null()) continue;
    std::string err;
    auto streams = testsupport::read_tcp_streams(kCaptures + "/" + entry.first, &err);
    ASSERT_TRUE(err.empty()) << entry.first << ": " << err;
    stomp::Tracker tracker;
    std::map<std::string, size_t> totals;
    uint64_t conn_id = 0;
    for (const Json& c : cap["connections"].arr) {
      const int port = static_cast<int>(c["client_port"].as_int());
      const testsupport::TcpStream* st = nullptr;
      for (const auto& s : streams)
        if (s.client_port == port) st = &s;
      ASSERT_NE(st, nullptr) << entry.first << ": no connection from port " << port;
      auto frames = decode_connection(*st, ++conn_id, &tracker);
      std::vector<const DecodedFrame*> sent, received;
      for (const auto& f : frames) (f.to_server ? sent : received).push_back(&f);
      const std::string where = entry.first + " port " + std::to_string(port);
      compare_direction(where + " sent", c["sent"], sent);
      compare_direction(where + " received", c["received"], received);
      for (const auto& f : frames) totals[f.command_text]++;
      connections++;
    }
    // per-command totals equal the MANIFEST's counts
    for (const auto& kv : cap["frames"].obj)
      EXPECT_EQ(totals[kv.first], size_t(kv.second.as_int())) << entry.first << " " << kv.first;
  }
  if (m.obj.empty()) GTEST_FAIL() << "test-captures/MANIFEST.json missing or unreadable";
  EXPECT_GT(connections, 0u);
}
