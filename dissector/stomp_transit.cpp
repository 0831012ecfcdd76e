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

}  // namespace

std::string TransitMatcher::normalise_destination(std::string_view d) {
  static constexpr std::string_view kReply = "/reply-queue/";
  if (d.substr(0, kReply.size()) == kReply)
    return std::string("/queue/") + std::string(d.substr(kReply.size()));
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
  Sent s{send, f.time, static_cast<uint32_t>(app_.size()), 0, false, false, kNone};
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
  auto dest = destinations_.emplace(normalise_destination(d->value),
                                    static_cast<uint32_t>(destinations_.size()));
  const Key key{dest.first->second, f.body_hash, f.body_len};
  const uint32_t index = static_cast<uint32_t>(sent_.size());
  sent_.push_back(s);
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

void TransitMatcher::on_message(FrameNotes* msg, const ObservedFrame& f, Tracker* tracker) {
  const HeaderView* d = first_header(f.headers, f.header_count, "destination");
  if (!d) return;
  // A redelivery carries a body we already linked once; don't consume a
  // newer SEND for it.
  const HeaderView* rd = first_header(f.headers, f.header_count, "redelivered");
  if (rd && rd->value == "true") return;
  const std::string dest = normalise_destination(d->value);
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

  const bool p2p = point_to_point(dest);
  uint32_t* cursor = nullptr;
  uint32_t i = q.head;
  if (!p2p) {
    const HeaderView* sub = first_header(f.headers, f.header_count, "subscription");
    // field by field: the struct has padding bytes, which are not part of it
    std::string id;
    id.append(reinterpret_cast<const char*>(&key.dest), sizeof key.dest);
    id.append(reinterpret_cast<const char*>(&key.hash), sizeof key.hash);
    id.append(reinterpret_cast<const char*>(&key.len), sizeof key.len);
    id += std::to_string(f.conn) + '\0' + (sub ? std::string(sub->value) : std::string());
    // the subscriber's last matched SEND; kNone: none yet, start at the head
    auto ci = cursors_.emplace(std::move(id), kNone).first;
    cursor = &ci->second;
    i = *cursor == kNone ? q.head : sent_[*cursor].next_same;
  }
  size_t examined = 0;
  for (; i != kNone && examined < kMaxCandidates; i = sent_[i].next_same) {
    Sent& s = sent_[i];
    if (s.time > f.time) break;  // not sent yet when this was delivered
    if (s.refused || (p2p && s.delivered)) continue;
    examined++;
    if (!carried(s)) continue;
    const float dt = static_cast<float>(std::max(0.0, f.time - s.time));
    msg->transit_link = {s.notes->self, dt};
    tracker->add_delivery(s.notes, {f.ref, dt});
    if (p2p) {
      s.delivered = true;
      while (q.head != kNone && sent_[q.head].delivered) q.head = sent_[q.head].next_same;
      // Everything sent with this key has been delivered: forget the key (a
      // later SEND of the same body starts a new chain). On a busy queue
      // this keeps one map entry per message in flight, not per message.
      if (q.head == kNone) queues_.erase(qi);
    } else {
      *cursor = i;
    }
    return;
  }
}

}  // namespace stomp
