// stomp_transit.h - links a SEND that went into the broker with the
// MESSAGE(s) the broker delivered for it, across connections: same
// destination, same body bytes, and every application header of the SEND
// present unchanged on the MESSAGE (that is what tells apart MCollective's
// direct-addressed copies, identical but for mc_identity). When bodies
// repeat, first in, first out: per receiving subscription for topics and
// other fan-out destinations, once overall for queues.
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
  // Sets msg->sent_in and appends to the SEND's delivered_in on a match.
  void on_message(FrameNotes* msg, const ObservedFrame& f);

  // "/reply-queue/X" is delivered as "/queue/X" (RabbitMQ): one name.
  static std::string normalise_destination(std::string_view d);
  // Queues deliver each message once; topics and exchanges fan out.
  static bool point_to_point(std::string_view normalised);

 private:
  struct Sent {
    FrameNotes* notes;
    FrameRef ref;
    double time;
    std::vector<std::pair<std::string, std::string>> app_headers;
    bool delivered;
  };
  struct Queue {
    std::deque<Sent> sends;
    size_t first_open = 0;  // point-to-point: before it, all delivered
    std::unordered_map<std::string, size_t> next_for;  // fan-out: per subscriber
  };
  static std::string key(std::string_view normalised_dest, uint64_t hash, uint64_t len);
  std::unordered_map<std::string, Queue> queues_;
};

}  // namespace stomp
