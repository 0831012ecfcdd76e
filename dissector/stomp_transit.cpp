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

bool headers_carried(const std::vector<std::pair<std::string, std::string>>& app,
                     const ObservedFrame& msg) {
  for (const auto& kv : app) {
    const HeaderView* h = first_header(msg.headers, msg.header_count, kv.first);
    if (!h || h->value != kv.second) return false;
  }
  return true;
}

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

std::string TransitMatcher::key(std::string_view dest, uint64_t hash, uint64_t len) {
  std::string k(dest);
  char buf[2 * sizeof(uint64_t)];
  std::memcpy(buf, &hash, sizeof hash);
  std::memcpy(buf + sizeof hash, &len, sizeof len);
  k.push_back('\0');
  k.append(buf, sizeof buf);
  return k;
}

void TransitMatcher::on_send(FrameNotes* send, const ObservedFrame& f) {
  const HeaderView* d = first_header(f.headers, f.header_count, "destination");
  if (!d) return;
  Sent s{send, f.ref, f.time, {}, false};
  for (size_t i = 0; i < f.header_count; i++) {
    const HeaderView& h = f.headers[i];
    if (broker_header(h.name)) continue;
    bool seen = false;  // first occurrence wins
    for (const auto& kv : s.app_headers) seen = seen || kv.first == h.name;
    if (!seen) s.app_headers.emplace_back(std::string(h.name), std::string(h.value));
  }
  queues_[key(normalise_destination(d->value), f.body_hash, f.body_len)].sends.push_back(
      std::move(s));
}

void TransitMatcher::on_message(FrameNotes* msg, const ObservedFrame& f) {
  const HeaderView* d = first_header(f.headers, f.header_count, "destination");
  if (!d) return;
  // A redelivery carries a body we already linked once; don't consume a
  // newer SEND for it.
  const HeaderView* rd = first_header(f.headers, f.header_count, "redelivered");
  if (rd && rd->value == "true") return;
  const std::string dest = normalise_destination(d->value);
  auto it = queues_.find(key(dest, f.body_hash, f.body_len));
  if (it == queues_.end()) return;
  Queue& q = it->second;

  const bool p2p = point_to_point(dest);
  std::string subscriber;
  size_t start = q.first_open;
  if (!p2p) {
    const HeaderView* sub = first_header(f.headers, f.header_count, "subscription");
    subscriber = std::to_string(f.conn) + '\0' + (sub ? std::string(sub->value) : std::string());
    start = q.next_for[subscriber];
  }
  size_t examined = 0;
  for (size_t i = start; i < q.sends.size() && examined < kMaxCandidates; i++) {
    Sent& s = q.sends[i];
    if (s.time > f.time) break;  // not sent yet when this was delivered
    if (p2p && s.delivered) continue;
    examined++;
    if (!headers_carried(s.app_headers, f)) continue;
    const double dt = std::max(0.0, f.time - s.time);
    msg->sent_in = {s.ref, dt};
    s.notes->delivered_in.push_back({f.ref, dt});
    if (p2p) {
      s.delivered = true;
      while (q.first_open < q.sends.size() && q.sends[q.first_open].delivered) q.first_open++;
    } else {
      q.next_for[subscriber] = i + 1;
    }
    return;
  }
}

}  // namespace stomp
