// stomp_transit.cpp - see stomp_transit.h.
#include "stomp_transit.h"

#include <algorithm>
#include <cstring>

namespace stomp {

namespace {

// Headers the broker sets, rewrites or drops: not part of the comparison.
bool broker_header(std::string_view n) {
  static const char* const kNames[] = {
      "destination", "receipt", "transaction", "content-length", "content-type", "reply-to",
      "timestamp", "expires", "priority", "persistent", "expiration", "message-id",
      "subscription", "ack", "redelivered"};
  for (const char* k : kNames)
    if (n == k) return true;
  return false;
}

// Candidates examined per MESSAGE: bounds the work on captures where many
// identical SENDs are never delivered.
constexpr size_t kMaxCandidates = 64;
// Fan-out: SENDs a subscriber received out of capture order, remembered
// beyond its position (per key); the oldest unsettled SENDs are written off
// when there are more.
constexpr size_t kMaxAhead = 256;
// Fan-out: SENDs not received yet that a subscriber's later deliveries
// passed over (other producers' messages still in flight), kept at most.
constexpr size_t kMaxGaps = 64;
// SENDs visited per MESSAGE (settled and refused ones included).
constexpr size_t kMaxVisited = kMaxAhead + 2 * (kMaxGaps + kMaxCandidates);

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
  const HeaderView* d = first_header(f.headers, f.header_count, "destination");
  if (!d) return;
  const uint32_t producer =
      producers_.emplace(f.conn, static_cast<uint32_t>(producers_.size())).first->second;
  Sent s{send, f.time, static_cast<uint32_t>(app_.size()), 0, false, false, kNone, producer};
  for (size_t i = 0; i < f.header_count && s.app_count < UINT16_MAX; i++) {
    const HeaderView& h = f.headers[i];
    if (broker_header(h.name)) continue;
    const uint64_t name = digest(h.name);
    bool seen = false;  // first occurrence wins
    for (uint32_t k = 0; k < s.app_count; k++) seen = seen || app_[s.app_first + k].name == name;
    if (seen) continue;
    app_.push_back({name, digest(h.value)});
    s.app_count++;
  }
  auto dest = destinations_.emplace(normalise_destination(f.conn, d->value),
                                    static_cast<uint32_t>(destinations_.size()));
  const Key key{dest.first->second, f.body_hash, f.body_len};
  const uint32_t index = static_cast<uint32_t>(sent_.size());
  sent_.push_back(s);
  const HeaderView* reply_to = first_header(f.headers, f.header_count, "reply-to");
  if (reply_to && temporary(reply_to->value)) temp_reply_to_[index] = scoped(f.conn, reply_to->value);
  if (send->receipt_requested()) awaiting_receipt_[send] = index;
  const HeaderView* tx = first_header(f.headers, f.header_count, "transaction");
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
  auto q = queues_.find(key);
  if (q == queues_.end()) {
    queues_.emplace(key, Queue{index, index});
  } else {
    sent_[q->second.tail].next_same = index;
    q->second.tail = index;
    if (q->second.head == kNone) q->second.head = index;
  }
}

template <typename Carried>
uint32_t TransitMatcher::take_point_to_point(Queue& q, double t, const Carried& carried) {
  size_t examined = 0;
  for (uint32_t i = q.head; i != kNone && examined < kMaxCandidates; i = sent_[i].next_same) {
    Sent& s = sent_[i];
    if (s.time > t) break;  // not sent yet when this was delivered
    if (s.refused || s.delivered) continue;
    examined++;
    if (!carried(s)) continue;
    s.delivered = true;
    while (q.head != kNone && sent_[q.head].delivered) q.head = sent_[q.head].next_same;
    return i;
  }
  return kNone;
}

template <typename Carried>
uint32_t TransitMatcher::take_fan_out(const Queue& q, Cursor& c, double t, const Carried& carried) {
  auto next_of_base = [&] { return c.base == kNone ? q.head : sent_[c.base].next_same; };
  auto settled = [&](uint32_t i) {
    return c.ahead && std::binary_search(c.ahead->begin(), c.ahead->end(), i);
  };
  auto unremember = [&](uint32_t i) {
    if (!c.ahead) return false;
    auto at = std::lower_bound(c.ahead->begin(), c.ahead->end(), i);
    if (at == c.ahead->end() || *at != i) return false;
    c.ahead->erase(at);
    return true;
  };
  // moves the position over what is settled (or refused) right after it
  auto advance = [&] {
    for (uint32_t n = next_of_base(); n != kNone; n = next_of_base()) {
      if (!sent_[n].refused && !unremember(n)) break;
      c.base = n;
    }
    if (c.ahead && c.ahead->empty()) c.ahead.reset();
  };
  auto settle = [&](uint32_t i) {
    if (i == next_of_base()) {
      c.base = i;
      return;
    }
    if (!c.ahead) c.ahead.reset(new std::vector<uint32_t>());
    c.ahead->insert(std::lower_bound(c.ahead->begin(), c.ahead->end(), i), i);
  };

  advance();
  const uint32_t start = next_of_base();
  uint32_t found = kNone;
  size_t examined = 0, visited = 0;
  for (uint32_t i = start; i != kNone && examined < kMaxGaps + kMaxCandidates && visited < kMaxVisited;
       i = sent_[i].next_same, visited++) {
    const Sent& s = sent_[i];
    if (s.time > t) break;  // not sent yet when this was delivered
    if (s.refused || settled(i)) continue;
    examined++;
    if (carried(s)) {
      found = i;
      break;
    }
  }
  if (found == kNone) return kNone;
  // The broker keeps each producer's order: this subscriber will not get
  // the producer's earlier SENDs any more.
  const uint32_t producer = sent_[found].producer;
  for (uint32_t i = start; i != found; i = sent_[i].next_same)
    if (!sent_[i].refused && sent_[i].producer == producer && !settled(i)) settle(i);
  settle(found);
  advance();
  // SENDs of other producers before this one, not received yet: a broker
  // reorders only what is in flight, so beyond kMaxGaps the oldest are
  // written off (sent before the subscription, filtered by a selector...)
  // instead of being examined again by every later MESSAGE.
  size_t gaps = 0;
  if (settled(found))  // (not yet passed by the position)
    for (uint32_t i = next_of_base(); i != found && i != kNone; i = sent_[i].next_same)
      if (!sent_[i].refused && !settled(i)) gaps++;
  // Too much out of order: write off the oldest unsettled SENDs.
  while ((gaps > kMaxGaps || (c.ahead && c.ahead->size() > kMaxAhead)) && next_of_base() != kNone) {
    c.base = next_of_base();
    if (!unremember(c.base) && !sent_[c.base].refused && gaps > 0) gaps--;
    advance();
  }
  return found;
}

void TransitMatcher::learn_reply_to(uint32_t send, const ObservedFrame& msg) {
  auto it = temp_reply_to_.find(send);
  if (it == temp_reply_to_.end()) return;
  const HeaderView* r = first_header(msg.headers, msg.header_count, "reply-to");
  if (r && starts_with(r->value, "/remote-temp-")) {
    remote_temp_[std::string(r->value)] = std::move(it->second);
    temp_reply_to_.erase(it);
  }
}

void TransitMatcher::on_message(FrameNotes* msg, const ObservedFrame& f, Tracker* tracker) {
  const HeaderView* d = first_header(f.headers, f.header_count, "destination");
  if (!d) return;
  // A redelivery carries a body we already linked once; don't consume a
  // newer SEND for it.
  const HeaderView* rd = first_header(f.headers, f.header_count, "redelivered");
  if (rd && rd->value == "true") return;
  const std::string dest = normalise_destination(f.conn, d->value);
  auto di = destinations_.find(dest);
  if (di == destinations_.end()) return;
  const Key key{di->second, f.body_hash, f.body_len};
  auto qi = queues_.find(key);
  if (qi == queues_.end()) return;
  Queue& q = qi->second;

  // The MESSAGE's headers (first occurrence of each name) as digests.
  std::vector<HeaderDigest> have;
  have.reserve(f.header_count);
  for (size_t i = 0; i < f.header_count; i++) {
    const uint64_t name = digest(f.headers[i].name);
    bool seen = false;
    for (const HeaderDigest& h : have) seen = seen || h.name == name;
    if (!seen) have.push_back({name, digest(f.headers[i].value)});
  }
  auto carried = [&](const Sent& s) {
    for (uint32_t k = 0; k < s.app_count; k++) {
      bool found = false;
      for (const HeaderDigest& h : have) found = found || h == app_[s.app_first + k];
      if (!found) return false;
    }
    return true;
  };

  uint32_t i = kNone;
  if (point_to_point(dest)) {
    i = take_point_to_point(q, f.time, carried);
    // Everything sent with this key has been delivered: forget the key (a
    // later SEND of the same body starts a new chain). On a busy queue
    // this keeps one map entry per message in flight, not per message.
    if (i != kNone && q.head == kNone) queues_.erase(qi);
  } else {
    const HeaderView* sub = first_header(f.headers, f.header_count, "subscription");
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
