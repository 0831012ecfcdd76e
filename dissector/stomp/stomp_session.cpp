// stomp_session.cpp - see stomp_session.h. Version, direction, heart-beats
// and the bookkeeping entry points; the request/ack/subscription/transaction
// links are in stomp_session_links.cpp.
#include "dissector/stomp/stomp_session.h"

#include <algorithm>
#include <cstring>

#include "dissector/stomp/stomp_transit.h"

namespace stomp {

const HeaderView* first_header(const HeaderView* h, size_t n, std::string_view name) {
  for (size_t i = 0; i < n; i++) {
    if (h[i].name == name) return &h[i];
  }
  return nullptr;
}

void ObservedFrame::index_known() const {
  for (auto& k : known_) k = nullptr;
  auto note = [this](Known k, const HeaderView* h) {
    const HeaderView*& slot = known_[static_cast<size_t>(k)];
    if (!slot) slot = h;
  };
  for (size_t i = 0; i < header_count; i++) {
    const HeaderView* h = &headers[i];
    const std::string_view n = h->name;
    switch (n.size()) {
      case 2:
        if (n == "id") note(Known::kId, h);
        break;
      case 3:
        if (n == "ack") note(Known::kAck, h);
        break;
      case 7:
        if (n == "receipt") note(Known::kReceipt, h);
        break;
      case 8:
        if (n == "reply-to") note(Known::kReplyTo, h);
        break;
      case 10:
        if (n == "receipt-id") note(Known::kReceiptId, h);
        else if (n == "message-id") note(Known::kMessageId, h);
        break;
      case 11:
        if (n == "destination") note(Known::kDestination, h);
        else if (n == "transaction") note(Known::kTransaction, h);
        else if (n == "redelivered") note(Known::kRedelivered, h);
        break;
      case 12:
        if (n == "subscription") note(Known::kSubscription, h);
        break;
      default:
        break;
    }
  }
}

bool parse_heart_beat(std::string_view v, uint32_t* x, uint32_t* y) {
  size_t comma = v.find(',');
  if (comma == std::string_view::npos) return false;
  auto num = [](std::string_view s, uint32_t* out) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.empty() || s.size() > 9) return false;
    uint32_t r = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      r = r * 10 + static_cast<uint32_t>(c - '0');
    }
    *out = r;
    return true;
  };
  return num(v.substr(0, comma), x) && num(v.substr(comma + 1), y);
}

namespace {
// Word-at-a-time multiply/rotate mix of p[0, n).
uint64_t mix_words(uint64_t h, const uint8_t* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h = (h << 31) | (h >> 33);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i < n; i++, k++) tail |= uint64_t{p[i]} << (8 * k);
  return (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
}
}  // namespace

uint64_t body_digest(const uint8_t* p, size_t n) {
  // Only ever compared together with destination and length, and a match
  // takes the oldest candidate, so the digest need not read every byte: up
  // to 512 bytes it does; beyond, it reads the first and last 128 bytes and
  // 32 words spread evenly between them, so a frame costs the same whatever its
  // body's size (two in-flight bodies of one length and destination that
  // differ only between the samples may pair in arrival order).
  constexpr size_t kWhole = 512, kEdge = 128, kSamples = 32;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  if (n <= kWhole) {
    h = mix_words(h, p, n);
  } else {
    h = mix_words(h, p, kEdge);
    const size_t mid = n - 2 * kEdge - 8;  // sample offsets stay in bounds
    for (size_t k = 0; k < kSamples; k++) h = mix_words(h, p + kEdge + mid * k / (kSamples - 1), 8);
    h = mix_words(h, p + n - kEdge, kEdge);
  }
  h ^= h >> 29;
  return h;
}

const char* outcome_name(Transaction::Outcome o) {
  switch (o) {
    case Transaction::Outcome::kCommitted: return "committed";
    case Transaction::Outcome::kAborted: return "aborted";
    default: return "open";
  }
}

namespace {
Version version_from(std::string_view v) {
  return parse_version_list(reinterpret_cast<const uint8_t*>(v.data()), v.size());
}
}  // namespace

Tracker::Tracker() : transit_(new TransitMatcher()) {}
Tracker::~Tracker() = default;

Version Tracker::version_of(uint64_t conn) const {
  auto it = conns_.find(conn);
  return it == conns_.end() ? Version::kUnknown : it->second.version;
}

namespace {
uint64_t ref_key(FrameRef r) { return (uint64_t{r.num} << 32) | r.idx; }
}  // namespace

FrameNotes* Tracker::store(FrameRef ref, const FrameNotes& n) {
  if (!keep_notes_) {
    scratch_ = n;
    scratch_.self = ref;
    return &scratch_;
  }
  const bool in_order = notes_.empty() || notes_.back().self < ref;
  notes_.push_back(n);
  FrameNotes* stored = &notes_.back();
  stored->self = ref;
  if (!in_order) late_[ref_key(ref)] = stored;  // not expected on a first pass
  return stored;
}

void Tracker::orient(Connection& c, const ObservedFrame& f, FrameNotes& n) {
  // The client is whoever sends client frames, the server whoever sends
  // server frames; one of the two is enough to orient the connection.
  if (f.command != Command::kUnknown) {
    if (is_client_command(f.command)) {
      if (!c.client_known) c.client = f.sender, c.client_known = true;
    } else if (!c.server_known) {
      c.server = f.sender, c.server_known = true;
    }
  }
  if (c.client_known || c.server_known) {
    n.set(FrameNotes::kDirectionKnown);
    n.set(FrameNotes::kFromClient, c.client_known ? f.sender == c.client : f.sender != c.server);
  }
}

void Tracker::activity(uint64_t conn, uint64_t sender, double time) {
  if (time > last_time_) last_time_ = time;
  Side& s = conns_[conn].sides[sender];
  if (s.last_activity >= 0 && time > s.last_activity)
    s.pending_silence = std::max(s.pending_silence, time - s.last_activity);
  if (time > s.last_activity) s.last_activity = time;
}

void Tracker::take_silence(Connection& c, uint64_t sender, Side& s, FrameNotes& n) {
  n.silence = static_cast<float>(s.pending_silence);
  s.pending_silence = 0;
  if (c.client_known && c.server_known) {
    auto peer = c.sides.find(sender == c.client ? c.server : c.client);
    if (peer != c.sides.end() && peer->second.last_activity >= 0 &&
        n.time > peer->second.last_activity)
      n.peer_silence = static_cast<float>(n.time - peer->second.last_activity);
  }
  n.set(FrameNotes::kHeartbeatNegotiated, c.hb_negotiated);
  n.heartbeat_client_ms = c.hb_client_ms;
  n.heartbeat_server_ms = c.hb_server_ms;
}

void Tracker::negotiate(Connection& c, const ObservedFrame& f, FrameNotes& n) {
  switch (f.command) {
    case Command::kConnect:
    case Command::kStomp: {
      const HeaderView* av = first_header(f.headers, f.header_count, "accept-version");
      // No accept-version: a 1.0 client; the session is 1.0 from here on.
      if (!av) c.version = Version::k10;
      const HeaderView* hb = first_header(f.headers, f.header_count, "heart-beat");
      c.have_client_hb = hb && parse_heart_beat(hb->value, &c.cx, &c.cy);
      break;
    }
    case Command::kConnected: {
      const HeaderView* v = first_header(f.headers, f.header_count, "version");
      Version got = v ? version_from(v->value) : Version::k10;
      c.version = got == Version::kUnknown ? Version::k10 : got;
      // STOMP 1.2 "Heart-beating": each side sends at most every
      // max(its own promise, what the other side wants), 0 = none.
      uint32_t sx = 0, sy = 0;
      const HeaderView* hb = first_header(f.headers, f.header_count, "heart-beat");
      bool server_hb = hb && parse_heart_beat(hb->value, &sx, &sy);
      c.hb_negotiated = true;
      c.hb_client_ms = (c.have_client_hb && server_hb && c.cx && sy) ? std::max(c.cx, sy) : 0;
      c.hb_server_ms = (c.have_client_hb && server_hb && sx && c.cy) ? std::max(sx, c.cy) : 0;
      n.set(FrameNotes::kHeartbeatNegotiated);
      n.heartbeat_client_ms = c.hb_client_ms;
      n.heartbeat_server_ms = c.hb_server_ms;
      break;
    }
    default:
      break;
  }
}

const FrameNotes* Tracker::observe(const ObservedFrame& f) {
  f.index_known();
  Connection& c = conns_[f.conn];
  Side& side = c.sides[f.sender];
  side.in_junk = false;
  FrameNotes n;
  n.command = f.command;
  n.time = f.time;
  n.sent_under = c.version;
  orient(c, f, n);
  take_silence(c, f.sender, side, n);
  negotiate(c, f, n);
  n.version = c.version;

  FrameNotes* stored = store(f.ref, n);
  if (!keep_notes_) return stored;  // no links without notes to link
  mark_last(c, stored);
  if (f.command == Command::kConnect || f.command == Command::kStomp) {
    c.pending_connect = stored;
  } else if (f.command == Command::kConnected && c.pending_connect) {
    // what was negotiated, back on the CONNECT (shown on the second pass)
    FrameNotes* req = c.pending_connect;
    req->version = c.version;
    req->set(FrameNotes::kHeartbeatNegotiated);
    req->heartbeat_client_ms = c.hb_client_ms;
    req->heartbeat_server_ms = c.hb_server_ms;
  }
  // Misuse is judged only in sessions seen from their start.
  if (f.command == Command::kConnect || f.command == Command::kStomp ||
      f.command == Command::kConnected)
    c.saw_connect = true;
  if (f.command == Command::kDisconnect || f.command == Command::kError) c.session_closed = true;
  link_response(c, f, stored);
  track_subscription(c, f, stored);
  link_ack(c, f, stored);
  track_transaction(c, f, stored);
  if (f.command == Command::kSend) transit_->on_send(stored, f);
  if (f.command == Command::kMessage) transit_->on_message(stored, f, this);
  return stored;
}

void Tracker::mark_last(Connection& c, FrameNotes* n) {
  if (c.last_item) c.last_item->set(FrameNotes::kLastOfConnection, false);
  n->set(FrameNotes::kLastOfConnection);
  c.last_item = n;
}

const FrameNotes* Tracker::observe_heartbeat(uint64_t conn, uint64_t sender, FrameRef ref,
                                             double time) {
  Connection& c = conns_[conn];
  FrameNotes n;
  n.set(FrameNotes::kHeartbeat);
  n.time = time;
  n.sent_under = n.version = c.version;
  if (c.client_known || c.server_known) {
    n.set(FrameNotes::kDirectionKnown);
    n.set(FrameNotes::kFromClient, c.client_known ? sender == c.client : sender != c.server);
  }
  Side& side = c.sides[sender];
  take_silence(c, sender, side, n);
  side.in_junk = false;
  FrameNotes* stored = store(ref, n);
  if (keep_notes_) mark_last(c, stored);
  return stored;
}

const FrameNotes* Tracker::observe_junk(uint64_t conn, uint64_t sender, FrameRef ref,
                                        double time) {
  Connection& c = conns_[conn];
  Side& side = c.sides[sender];
  FrameNotes n;
  n.set(FrameNotes::kJunk);
  n.set(FrameNotes::kJunkContinued, side.in_junk);
  n.time = time;
  n.sent_under = n.version = c.version;
  side.in_junk = true;
  return store(ref, n);
}

void Tracker::incomplete(uint64_t conn, uint64_t sender, uint32_t num) {
  conns_[conn].incomplete[sender] = num;
}

void Tracker::consumed(uint64_t conn, uint64_t sender) {
  auto it = conns_.find(conn);
  if (it != conns_.end()) it->second.incomplete.erase(sender);
}

bool Tracker::unterminated_at(uint64_t conn, uint64_t sender, uint32_t num) const {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  auto p = it->second.incomplete.find(sender);
  return p != it->second.incomplete.end() && p->second == num;
}

namespace {
constexpr size_t kDigestSpan = 64;
uint64_t head_digest(const uint8_t* buf, size_t len) {
  return body_digest(buf, len < kDigestSpan ? len : kDigestSpan);
}
uint64_t tail_digest(const uint8_t* buf, size_t len) {
  const size_t n = len < kDigestSpan ? len : kDigestSpan;
  return body_digest(buf + len - n, n);
}
}  // namespace

ScanResume* Tracker::resume(uint64_t conn, uint64_t sender, const uint8_t* buf, size_t len) {
  Connection::PendingScan& p = conns_[conn].scans[sender];
  const bool same = p.state.stage != ScanResume::Stage::kNone && len >= p.len &&
                    head_digest(buf, len) == p.head && tail_digest(buf, p.len) == p.tail;
  if (!same) p = Connection::PendingScan();
  return &p.state;
}

void Tracker::suspend(uint64_t conn, uint64_t sender, const uint8_t* buf, size_t len) {
  Connection::PendingScan& p = conns_[conn].scans[sender];
  p.len = len;
  p.head = head_digest(buf, len);
  p.tail = tail_digest(buf, len);
}

const FrameNotes* Tracker::find(FrameRef ref) const {
  if (!late_.empty()) {
    auto it = late_.find(ref_key(ref));
    if (it != late_.end()) return it->second;
  }
  auto at = std::lower_bound(notes_.begin(), notes_.end(), ref,
                             [](const FrameNotes& n, const FrameRef& r) { return n.self < r; });
  return (at != notes_.end() && at->self == ref) ? &*at : nullptr;
}

Link Tracker::delivery(const FrameNotes* send, size_t i) const {
  if (i == 0) return send->transit_link;
  auto it = more_deliveries_.find(send);
  return (it != more_deliveries_.end() && i - 1 < it->second.size()) ? it->second[i - 1] : Link();
}

Link Tracker::acked(const FrameNotes* ack, size_t i) const {
  if (i >= ack->acked_count) return Link();
  if (i == 0) return ack->ack_link;
  auto it = more_acked_.find(ack);
  return (it != more_acked_.end() && i - 1 < it->second.size()) ? it->second[i - 1] : Link();
}

bool Tracker::connection_end(uint64_t conn, ConnectionEnd* out) const {
  auto it = conns_.find(conn);
  if (it == conns_.end() || !it->second.last_item) return false;
  const Connection& c = it->second;
  *out = ConnectionEnd();
  out->last_item = c.last_item->self;
  out->direction_known = c.client_known && c.server_known;
  if (out->direction_known) {
    auto cl = c.sides.find(c.client);
    auto sv = c.sides.find(c.server);
    if (cl != c.sides.end()) out->client_last = cl->second.last_activity;
    if (sv != c.sides.end()) out->server_last = sv->second.last_activity;
  }
  out->heartbeat_negotiated = c.hb_negotiated;
  out->heartbeat_client_ms = c.hb_client_ms;
  out->heartbeat_server_ms = c.hb_server_ms;
  out->session_closed = c.session_closed;
  return true;
}

void Tracker::add_delivery(FrameNotes* send, Link to) {
  if (send->delivery_count == UINT16_MAX) return;
  if (send->delivery_count == 0)
    send->transit_link = to;
  else
    more_deliveries_[send].push_back(to);
  send->delivery_count++;
}

}  // namespace stomp
