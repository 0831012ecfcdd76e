// stomp_transit.h - links a SEND that went into the broker with the
// MESSAGE(s) the broker delivered for it, across connections: same
// destination, same body bytes, and every application header of the SEND
// present unchanged on the MESSAGE (that is what tells apart MCollective's
// direct-addressed copies, identical but for mc_identity). When bodies
// repeat, first in, first out: per receiving subscription for topics and
// other fan-out destinations, once overall for queues.
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
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stomp_session.h"

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

  // "/reply-queue/X" is delivered as "/queue/X" (RabbitMQ): one name.
  static std::string normalise_destination(std::string_view d);
  // Queues deliver each message once; topics and exchanges fan out.
  static bool point_to_point(std::string_view normalised);

 private:
  // One SEND. SENDs with the same (destination, body) key form a chain
  // through next_same, oldest first.
  struct Sent {
    FrameNotes* notes;
    double time;
    uint32_t app_first;  // its application headers: app_[app_first, +app_count)
    uint16_t app_count;
    bool delivered;      // point-to-point: consumed by a delivery
    bool refused;        // answered by an ERROR: never delivered
    uint32_t next_same;  // next SEND with the same key, or kNone
  };
  struct Queue {
    uint32_t head;  // oldest SEND still worth looking at (point-to-point: undelivered)
    uint32_t tail;  // newest SEND
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
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Held {
    uint32_t index;  // into sent_
    Key key;
  };
  // appends sent_[index] to the candidates of its key
  void enqueue(const Key& key, uint32_t index);

  std::unordered_map<std::string, uint32_t> destinations_;
  std::deque<Sent> sent_;
  std::deque<HeaderDigest> app_;
  std::unordered_map<Key, Queue, KeyHash> queues_;
  // fan-out destinations: per (key, subscriber), the last SEND it received
  std::unordered_map<std::string, uint32_t> cursors_;
  // SENDs of open transactions, by connection and transaction id
  std::unordered_map<std::string, std::vector<Held>> held_;
  // SENDs awaiting their RECEIPT or ERROR -> index into sent_
  std::unordered_map<const FrameNotes*, uint32_t> awaiting_receipt_;
};

}  // namespace stomp
