// stomp_transit.h - links a SEND that went into the broker with the
// MESSAGE(s) the broker delivered for it, across connections: same
// destination, same body bytes, and every application header of the SEND
// present unchanged on the MESSAGE (that is what tells apart MCollective's
// direct-addressed copies, identical but for mc_identity). When bodies
// repeat, first in, first out: once overall for queues; for topics and other
// fan-out destinations per receiving subscription and producing connection,
// because a broker keeps each producer's order, not one global order (with
// several producers, a subscriber may get an earlier SEND of one after a
// later SEND of another).
//
// The SENDs of one key (destination and body) form one lane per producing
// connection, oldest first. Queues: a MESSAGE takes the oldest undelivered
// SEND, among the lanes, that carries its headers. Topics: each subscriber
// has a position in every lane (the last SEND of that producer it got); a
// MESSAGE takes the oldest SEND after those positions that carries its
// headers, and moves that lane's position to it. So however many SENDs of
// other producers are still in flight to the subscriber, the next one of
// each producer is one step away. Bounded: at most kMaxLanes lanes per key
// (more producers share the last one), kMaxCandidates SENDs examined per
// lane and kMaxExamined per MESSAGE.
//
// Temporary destinations are private to their connection: "/temp-queue/X"
// of one connection is not that of another. RabbitMQ delivers replies to
// "/reply-queue/X" as "/queue/X"; ActiveMQ rewrites a request's reply-to
// "/temp-queue/X" to "/remote-temp-queue/ID:..." for the responder and
// delivers the replies sent there as "/temp-queue/X" on the requester's
// connection: the matcher learns that name from the request's delivery
// (reply-to on the SEND vs on its MESSAGE).
//
// Transactions: a SEND with a transaction header is held back until its
// COMMIT, because that is when the broker releases it; it then joins the
// candidates as if sent at the COMMIT, so its transit time counts from the
// COMMIT (the link still names the SEND frame). An ABORT drops the held
// SENDs: they never become MESSAGEs. A SEND the broker answered with an
// ERROR (receipt-id of the SEND) is no candidate either.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dissector/stomp/stomp_session.h"

namespace stomp {

class TransitMatcher {
 public:
  void on_send(FrameNotes* send, const ObservedFrame& f);
  // COMMIT (commit = true) or ABORT of transaction tx on connection conn at
  // time t: releases or drops the SENDs held for it.
  void end_transaction(uint64_t conn, const std::string& tx, bool commit, double t);
  // The broker answered a SEND that asked for a receipt: with an ERROR
  // (refused = true) it never delivers it.
  void answered(const FrameNotes* send, bool refused);
  // On a match: sets the MESSAGE's link to its SEND and records the delivery
  // on the SEND through the tracker.
  void on_message(FrameNotes* msg, const ObservedFrame& f, Tracker* tracker);

  // The name a destination is matched by: "/reply-queue/X" is delivered as
  // "/queue/X" (RabbitMQ); temporary destinations ("/temp-queue/",
  // "/temp-topic/") are scoped to connection conn; an ActiveMQ
  // "/remote-temp-queue/ID:..." whose owner was learnt is that owner's.
  std::string normalise_destination(uint64_t conn, std::string_view d) const;
  // Queues deliver each message once; topics and exchanges fan out.
  static bool point_to_point(std::string_view normalised);

 private:
  // One SEND. SENDs with the same (destination, body) key and producer form
  // a lane through next, oldest first.
  struct Sent {
    FrameNotes* notes;
    double time;
    uint32_t app_first;  // its application headers: app_[app_first, +app_count)
    uint16_t app_count;
    bool delivered;      // point-to-point: consumed by a delivery
    bool refused;        // answered by an ERROR: never delivered
    uint32_t next;       // next SEND of its lane, or kNone
    uint32_t producer;   // its connection, interned
  };
  // one per SEND of the capture
  static_assert(sizeof(Sent) <= 32, "keep the per-SEND state at 32 bytes");
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Lane {
    uint32_t producer;
    uint32_t head;  // oldest SEND still worth looking at (point-to-point: undelivered)
    uint32_t tail;  // newest SEND
  };
  // The lanes of one key: nearly always a single one.
  struct Queue {
    Lane first;
    std::unique_ptr<std::vector<Lane>> more;
    size_t lanes() const { return 1 + (more ? more->size() : 0); }
    Lane& lane(size_t i) { return i == 0 ? first : (*more)[i - 1]; }
    const Lane& lane(size_t i) const { return i == 0 ? first : (*more)[i - 1]; }
  };
  struct Key {
    uint32_t dest;  // interned destination
    uint64_t hash, len;
    bool operator==(const Key& o) const { return dest == o.dest && hash == o.hash && len == o.len; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.hash ^ (k.len * 0x9e3779b97f4a7c15ull) ^ k.dest; }
  };
  // An application header as digests of its name and value: matching only
  // needs equality, and strings would cost more than the frame notes.
  struct HeaderDigest {
    uint64_t name, value;
    bool operator==(const HeaderDigest& o) const { return name == o.name && value == o.value; }
  };
  // A subscriber's positions in the lanes of one key (fan-out).
  struct CursorKey {
    Key key;
    uint64_t conn;  // the subscriber's connection
    uint64_t sub;   // digest of its subscription header
    bool operator==(const CursorKey& o) const {
      return key == o.key && conn == o.conn && sub == o.sub;
    }
  };
  struct CursorKeyHash {
    size_t operator()(const CursorKey& k) const {
      return KeyHash()(k.key) ^ (k.conn * 0xc2b2ae3d27d4eb4full) ^ (k.sub * 0x165667b19e3779f9ull);
    }
  };
  struct Cursor {
    // per lane, the last SEND this subscriber got (kNone: none yet)
    uint32_t first = kNone;
    std::unique_ptr<std::vector<uint32_t>> more;
    uint32_t at(size_t lane) const {
      if (lane == 0) return first;
      return more && lane - 1 < more->size() ? (*more)[lane - 1] : kNone;
    }
    void set(size_t lane, uint32_t i);
  };
  struct Held {
    uint32_t index;  // into sent_
    Key key;
  };
  // appends sent_[index] to its lane of key
  void enqueue(const Key& key, uint32_t index);
  // sent_[a] was released to the broker before sent_[b]
  bool before(uint32_t a, uint32_t b) const {
    return sent_[a].time < sent_[b].time || (sent_[a].time == sent_[b].time && a < b);
  }
  // The oldest SEND in q's lanes, each searched from start(lane), that was
  // sent by time t, is not passed over by skip(s) and carries the MESSAGE's
  // application headers (carried(s)); kNone if none. With its lane.
  template <typename Start, typename Skip, typename Carried>
  std::pair<uint32_t, size_t> oldest_carried(const Queue& q, double t, const Start& start,
                                             const Skip& skip, const Carried& carried) const;
  // The SEND a MESSAGE delivers, or kNone; carried(s) says whether the
  // MESSAGE has s's application headers.
  template <typename Carried>
  uint32_t take_point_to_point(const Queue& q, double t, const Carried& carried);
  template <typename Carried>
  uint32_t take_fan_out(const Queue& q, Cursor& c, double t, const Carried& carried);
  // Learns where replies to a temporary destination of the SEND's
  // connection are sent to, from the reply-to its delivery carries.
  void learn_reply_to(uint32_t send, const ObservedFrame& msg);

  std::unordered_map<std::string, uint32_t> destinations_;
  // The destination id last looked up per connection: a producer or
  // consumer names one destination frame after frame; found again without
  // building and hashing a string. (Not for /remote-temp-: their mapping is
  // learned as replies come.)
  struct LastDestination {
    std::string raw;
    uint32_t id = 0;
    bool p2p = false;
  };
  std::unordered_map<uint64_t, LastDestination> last_destination_;
  // The id of destination d as sent on conn (and whether it is a queue);
  // with insert false, kNone when no SEND named it.
  uint32_t destination_id(uint64_t conn, std::string_view d, bool insert, bool* p2p = nullptr);
  std::deque<Sent> sent_;
  std::deque<HeaderDigest> app_;
  std::unordered_map<Key, Queue, KeyHash> queues_;
  // fan-out destinations: per (key, subscriber), its positions
  std::unordered_map<CursorKey, Cursor, CursorKeyHash> cursors_;
  std::unordered_map<uint64_t, uint32_t> producers_;  // connection -> Sent::producer
  // SENDs whose reply-to is a temporary destination -> its scoped name
  std::unordered_map<uint32_t, std::string> temp_reply_to_;
  // "/remote-temp-queue/ID:..." (as the responder got it) -> scoped name
  std::unordered_map<std::string, std::string> remote_temp_;
  // SENDs of open transactions, by connection and transaction id
  std::unordered_map<std::string, std::vector<Held>> held_;
  // SENDs awaiting their RECEIPT or ERROR -> index into sent_
  std::unordered_map<const FrameNotes*, uint32_t> awaiting_receipt_;
};

}  // namespace stomp
