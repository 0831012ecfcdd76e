// fuzz_stomp_session.cpp - libFuzzer target for header unescaping and the
// session Tracker (version, heart-beats, receipts, acks, subscriptions,
// transactions, broker transit). The input is scanned into frames; a few
// bytes of each frame decide which connection and side sent it, so links
// across connections get exercised too.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "dissector/stomp/stomp_escape.h"
#include "dissector/stomp/stomp_frame.h"
#include "dissector/stomp/stomp_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stomp::Tracker tracker;
  std::vector<stomp::FrameRef> refs;
  size_t off = 0;
  uint32_t num = 0;
  while (off < size) {
    stomp::Scan s = stomp::scan(data + off, size - off, true);
    if (s.status == stomp::ScanStatus::kNeedMore || s.length == 0) break;
    const uint8_t* f = data + off;
    const uint8_t sel = f[0];
    const uint64_t conn = sel & 3;
    const uint64_t sender = (sel >> 2) & 1;
    const double t = num * 0.25;
    stomp::FrameRef ref{++num, 0};
    tracker.activity(conn, sender, t);
    if (s.status == stomp::ScanStatus::kHeartbeat) {
      refs.push_back(ref);
      tracker.observe_heartbeat(conn, sender, ref, t);
    } else if (s.status == stomp::ScanStatus::kFrame) {
      const stomp::EscapeMode mode = stomp::escape_mode_for(tracker.version_of(conn), s.command);
      std::vector<std::string> storage;
      storage.reserve(2 * s.header_count);
      std::vector<stomp::HeaderView> hv;
      stomp::HeaderCursor c(f, s);
      stomp::HeaderLine h;
      while (c.next(&h)) {
        std::string name(h.name_len, '\0'), value(h.value_len, '\0');
        auto rn = stomp::unescape(f + h.name_off, h.name_len, reinterpret_cast<uint8_t*>(&name[0]), mode);
        auto rv = stomp::unescape(f + h.value_off, h.value_len, reinterpret_cast<uint8_t*>(&value[0]), mode);
        if (rn.out_len > h.name_len || rv.out_len > h.value_len) std::abort();
        name.resize(rn.out_len);
        value.resize(rv.out_len);
        storage.push_back(std::move(name));
        storage.push_back(std::move(value));
      }
      for (size_t i = 0; i + 1 < storage.size(); i += 2) hv.push_back({storage[i], storage[i + 1]});
      stomp::ObservedFrame of;
      of.conn = conn;
      of.sender = sender;
      of.ref = ref;
      of.time = t;
      of.command = s.command;
      of.headers = hv.data();
      of.header_count = hv.size();
      const size_t body = s.body_off < s.length ? s.body_off : s.length;
      const size_t blen = s.body_len <= s.length - body ? s.body_len : s.length - body;
      of.body_hash = stomp::body_digest(f + body, blen);
      of.body_len = blen;
      tracker.observe(of);
      refs.push_back(ref);
    }
    off += s.length;
  }
  for (const stomp::FrameRef& r : refs) {
    const stomp::FrameNotes* n = tracker.find(r);
    if (!n) std::abort();
    if (n->response_in().ref.valid() && !tracker.find(n->response_in().ref)) std::abort();
    if (n->sent_in().ref.valid() && !tracker.find(n->sent_in().ref)) std::abort();
    for (size_t i = 0; i < n->delivery_count; i++)
      if (!tracker.find(tracker.delivery(n, i).ref)) std::abort();
  }
  return 0;
}
