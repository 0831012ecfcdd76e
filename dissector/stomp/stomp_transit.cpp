// stomp_transit.cpp - see stomp_transit.h.
#include "dissector/stomp/stomp_transit.h"

#include <algorithm>
#include <cstring>

namespace stomp {

namespace {

// Headers the broker sets, rewrites or drops: not part of the comparison.
// Which broker header a name is (kApp: none of them). Looked at for every
// header of every SEND and MESSAGE: by length first.
enum class BrokerHeader : uint8_t { kApp, kDestination, kReplyTo, kTransaction, kOther };
BrokerHeader broker_header_kind(std::string_view n) {
  using B = BrokerHeader;
  switch (n.size()) {
    case 3: return n == "ack" ? B::kOther : B::kApp;
    case 7: return n == "receipt" || n == "expires" ? B::kOther : B::kApp;
    case 8:
      if (n == "reply-to") return B::kReplyTo;
      return n == "priority" ? B::kOther : B::kApp;
    case 9: return n == "timestamp" ? B::kOther : B::kApp;
    case 10:
      return n == "message-id" || n == "persistent" || n == "expiration" ? B::kOther : B::kApp;
    case 11:
      if (n == "destination") return B::kDestination;
      if (n == "transaction") return B::kTransaction;
      return n == "redelivered" ? B::kOther : B::kApp;
    case 12: return n == "content-type" || n == "subscription" ? B::kOther : B::kApp;
    case 14: return n == "content-length" ? B::kOther : B::kApp;
    default: return B::kApp;
  }
}
bool broker_header(std::string_view n) { return broker_header_kind(n) != BrokerHeader::kApp; }

// Bounds on the work per MESSAGE (captures where many identical SENDs are
// never delivered, or come from many producers): SENDs examined per lane
// and in all, and lanes (producers) per key.
constexpr size_t kMaxCandidates = 64;
constexpr size_t kMaxExamined = 256;
constexpr size_t kMaxLanes = 64;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool temporary(std::string_view d) {
  return starts_with(d, "/temp-queue/") || starts_with(d, "/temp-topic/");
}

// A temporary destination's name, private to its connection.
std::string scoped(uint64_t conn, std::string_view d) {
  std::string r(d);
  r += '\0';
  r.append(reinterpret_cast<const char*>(&conn), sizeof conn);
  return r;
}

}  // namespace

std::string TransitMatcher::normalise_destination(uint64_t conn, std::string_view d) const {
  static constexpr std::string_view kReply = "/reply-queue/";
  if (starts_with(d, kReply)) return std::string("/queue/") + std::string(d.substr(kReply.size()));
  if (temporary(d)) return scoped(conn, d);
  if (starts_with(d, "/remote-temp-") && !remote_temp_.empty()) {
    auto it = remote_temp_.find(std::string(d));
    if (it != remote_temp_.end()) return it->second;
  }
  return std::string(d);
}

uint32_t TransitMatcher::destination_id(uint64_t conn, std::string_view d, bool insert,
                                        bool* p2p) {
  const bool cacheable = !starts_with(d, "/remote-temp-");
  if (cacheable) {
    auto c = last_destination_.find(conn);
    if (c != last_destination_.end() && c->second.raw == d) {
      if (p2p) *p2p = c->second.p2p;
      return c->second.id;
    }
  }
  const std::string name = normalise_destination(conn, d);
  const bool queue = point_to_point(name);
  if (p2p) *p2p = queue;
  uint32_t id;
  if (insert) {
    id = destinations_.emplace(name, static_cast<uint32_t>(destinations_.size())).first->second;
  } else {
    auto it = destinations_.find(name);
    if (it == destinations_.end()) return kNone;  // not cached: a later SEND may add it
    id = it->second;
  }
  if (cacheable) {
    LastDestination& c = last_destination_[conn];
    c.raw.assign(d.data(), d.size());
    c.id = id;
    c.p2p = queue;
  }
  return id;
}

bool TransitMatcher::point_to_point(std::string_view d) {
  for (std::string_view p : {"/queue/", "/temp-queue/", "/amq/queue/"})
    if (d.substr(0, p.size()) == p) return true;
  return false;
}

namespace {

uint64_t digest(std::string_view s) {
  return body_digest(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string held_key(uint64_t conn, std::string_view tx) {
  std::string k(reinterpret_cast<const char*>(&conn), sizeof conn);
  k.append(tx.data(), tx.size());
  return k;
}

}  // namespace

void TransitMatcher::on_send(FrameNotes* send, const ObservedFrame& f) {
  // One walk over the headers: the broker headers wanted here (first
  // occurrence of each) and the application headers as digests.
  const HeaderView* d = nullptr;
  const HeaderView* reply_to = nullptr;
  const HeaderView* tx = nullptr;
  const uint32_t app_first = static_cast<uint32_t>(app_.size());
  uint16_t app_count = 0;
  for (size_t i = 0; i < f.header_count; i++) {
    const HeaderView& h = f.headers[i];
    switch (broker_header_kind(h.name)) {
      case BrokerHeader::kDestination:
        if (!d) d = &h;
        continue;
      case BrokerHeader::kReplyTo:
        if (!reply_to) reply_to = &h;
        continue;
      case BrokerHeader::kTransaction:
        if (!tx) tx = &h;
        continue;
      case BrokerHeader::kOther:
        continue;
      case BrokerHeader::kApp:
        break;
    }
    if (app_count == UINT16_MAX) continue;
    const uint64_t name = digest(h.name);
    bool seen = false;  // first occurrence wins
    for (uint32_t k = 0; k < app_count; k++) seen = seen || app_[app_first + k].name == name;
    if (seen) continue;
    app_.push_back({name, digest(h.value)});
    app_count++;
  }
  if (!d) {
    app_.resize(app_first);  // not a candidate: keep nothing
    return;
  }
  auto p = producers_.find(f.conn);
  if (p == producers_.end())
    p = producers_.emplace(f.conn, static_cast<uint32_t>(producers_.size())).first;
  const uint32_t producer = p->second;
  Sent s{send, f.time, app_first, app_count, false, false, kNone, producer};
  const Key key{destination_id(f.conn, d->value, true), f.body_hash, f.body_len};
  const uint32_t index = static_cast<uint32_t>(sent_.size());
  sent_.push_back(s);
  if (reply_to && temporary(reply_to->value)) temp_reply_to_[index] = scoped(f.conn, reply_to->value);
  if (send->receipt_requested()) awaiting_receipt_[send] = index;
  if (tx) {
    held_[held_key(f.conn, tx->value)].push_back({index, key});
    return;
  }
  enqueue(key, index);
}

void TransitMatcher::end_transaction(uint64_t conn, const std::string& tx, bool commit,
                                     double t) {
  auto it = held_.find(held_key(conn, tx));
  if (it == held_.end()) return;
  if (commit) {
    for (const Held& h : it->second) {
      Sent& s = sent_[h.index];
      s.time = std::max(s.time, t);
      s.notes->set(FrameNotes::kReleasedAtCommit);
      enqueue(h.key, h.index);
    }
  }
  held_.erase(it);
}

void TransitMatcher::answered(const FrameNotes* send, bool refused) {
  auto it = awaiting_receipt_.find(send);
  if (it == awaiting_receipt_.end()) return;
  if (refused) {
    Sent& s = sent_[it->second];
    s.refused = true;
    s.delivered = true;  // point-to-point: out of the way like a delivered one
  }
  awaiting_receipt_.erase(it);
}

void TransitMatcher::enqueue(const Key& key, uint32_t index) {
  const uint32_t producer = sent_[index].producer;
  // one hash lookup whether the key is new (nearly always) or not
  auto [q, inserted] = queues_.try_emplace(key, Queue{Lane{producer, index, index}, nullptr});
  if (inserted) return;
  Queue& queue = q->second;
  const size_t n = queue.lanes();
  size_t l = 0;
  while (l < n && queue.lane(l).producer != producer) l++;
  if (l == n && n < kMaxLanes) {
    if (!queue.more) queue.more.reset(new std::vector<Lane>());
    queue.more->push_back(Lane{producer, index, index});
    return;
  }
  Lane& lane = queue.lane(l == n ? n - 1 : l);  // beyond kMaxLanes producers share the last
  sent_[lane.tail].next = index;
  lane.tail = index;
  if (lane.head == kNone) lane.head = index;
}

void TransitMatcher::Cursor::set(size_t lane, uint32_t i) {
  if (lane == 0) {
    first = i;
    return;
  }
  if (!more) more.reset(new std::vector<uint32_t>());
  if (more->size() < lane) more->resize(lane, kNone);
  (*more)[lane - 1] = i;
}

template <typename Start, typename Skip, typename Carried>
std::pair<uint32_t, size_t> TransitMatcher::oldest_carried(const Queue& q, double t,
                                                           const Start& start, const Skip& skip,
                                                           const Carried& carried) const {
  uint32_t best = kNone;
  size_t best_lane = 0, examined = 0;
  for (size_t l = 0; l < q.lanes() && examined < kMaxExamined; l++) {
    size_t here = 0;
    for (uint32_t i = start(l); i != kNone && here < kMaxCandidates && examined < kMaxExamined;
         i = sent_[i].next) {
      const Sent& s = sent_[i];
      if (s.time > t) break;  // not sent yet when this was delivered
      if (best != kNone && before(best, i)) break;  // no older than what we have
      if (skip(s)) continue;
      here++, examined++;
      if (carried(s)) {
        best = i, best_lane = l;
        break;
      }
    }
  }
  return {best, best_lane};
}

template <typename Carried>
uint32_t TransitMatcher::take_point_to_point(const Queue& q, double t, const Carried& carried) {
  // the oldest undelivered SEND of any lane that carries the headers
  // (refused ones are marked delivered; the caller moves the lane heads on)
  const uint32_t best =
      oldest_carried(q, t, [&](size_t l) { return q.lane(l).head; },
                     [](const Sent& s) { return s.delivered; }, carried).first;
  if (best != kNone) sent_[best].delivered = true;
  return best;
}

template <typename Carried>
uint32_t TransitMatcher::take_fan_out(const Queue& q, Cursor& c, double t, const Carried& carried) {
  // the oldest SEND after the subscriber's position in its lane that carries
  // the headers: a broker keeps each producer's order
  const auto [best, lane] = oldest_carried(
      q, t,
      [&](size_t l) {
        const uint32_t at = c.at(l);
        return at == kNone ? q.lane(l).head : sent_[at].next;
      },
      [](const Sent& s) { return s.refused; }, carried);
  if (best != kNone) c.set(lane, best);
  return best;
}

void TransitMatcher::learn_reply_to(uint32_t send, const ObservedFrame& msg) {
  auto it = temp_reply_to_.find(send);
  if (it == temp_reply_to_.end()) return;
  const HeaderView* r = msg.known(Known::kReplyTo);
  if (r && starts_with(r->value, "/remote-temp-")) {
    remote_temp_[std::string(r->value)] = std::move(it->second);
    temp_reply_to_.erase(it);
  }
}

void TransitMatcher::on_message(FrameNotes* msg, const ObservedFrame& f, Tracker* tracker) {
  const HeaderView* d = f.known(Known::kDestination);
  if (!d) return;
  // A redelivery carries a body we already linked once; don't consume a
  // newer SEND for it.
  const HeaderView* rd = f.known(Known::kRedelivered);
  if (rd && rd->value == "true") return;
  bool queue = false;
  const uint32_t dest_id = destination_id(f.conn, d->value, false, &queue);
  if (dest_id == kNone) return;
  const Key key{dest_id, f.body_hash, f.body_len};
  auto qi = queues_.find(key);
  if (qi == queues_.end()) return;
  Queue& q = qi->second;

  // The MESSAGE's headers (first occurrence of each name) as digests. Only
  // names a SEND's application headers can have: broker headers never are
  // one (on_send leaves them out), so they are not digested. On the stack
  // for ordinary frames.
  constexpr size_t kLocal = 16;
  HeaderDigest local[kLocal];
  std::vector<HeaderDigest> spill;
  HeaderDigest* have = local;
  size_t have_count = 0;
  for (size_t i = 0; i < f.header_count; i++) {
    if (broker_header(f.headers[i].name)) continue;
    const uint64_t name = digest(f.headers[i].name);
    bool seen = false;
    for (size_t k = 0; k < have_count; k++) seen = seen || have[k].name == name;
    if (seen) continue;
    const HeaderDigest d{name, digest(f.headers[i].value)};
    if (have == local && have_count < kLocal) {
      local[have_count++] = d;
      continue;
    }
    if (have == local) spill.assign(local, local + kLocal);
    spill.push_back(d);
    have = spill.data();
    have_count++;
  }
  auto carried = [&](const Sent& s) {
    for (uint32_t k = 0; k < s.app_count; k++) {
      bool found = false;
      for (size_t j = 0; j < have_count; j++) found = found || have[j] == app_[s.app_first + k];
      if (!found) return false;
    }
    return true;
  };

  uint32_t i = kNone;
  if (queue) {
    i = take_point_to_point(q, f.time, carried);
    // Everything sent with this key has been delivered: forget the key (a
    // later SEND of the same body starts a new chain). On a busy queue
    // this keeps one map entry per message in flight, not per message.
    if (i != kNone) {
      bool drained = true;
      for (size_t l = 0; l < q.lanes(); l++) {
        Lane& lane = q.lane(l);
        while (lane.head != kNone && sent_[lane.head].delivered) lane.head = sent_[lane.head].next;
        drained = drained && lane.head == kNone;
      }
      if (drained) queues_.erase(qi);
    }
  } else {
    const HeaderView* sub = f.known(Known::kSubscription);
    const CursorKey ck{key, f.conn, sub ? digest(sub->value) : 0};
    i = take_fan_out(q, cursors_[ck], f.time, carried);
  }
  if (i == kNone) return;
  Sent& s = sent_[i];
  const float dt = static_cast<float>(std::max(0.0, f.time - s.time));
  msg->transit_link = {s.notes->self, dt};
  tracker->add_delivery(s.notes, {f.ref, dt});
  if (!temp_reply_to_.empty()) learn_reply_to(i, f);
}

}  // namespace stomp
