// stomp_session.h - what the dissector remembers about STOMP sessions.
//
// The glue feeds every frame to a Tracker once, on the first pass, in capture
// order; the Tracker answers with FrameNotes: everything about that frame that
// depends on other frames (the negotiated version in force, and, as the
// session features grow, links and times). Later passes and random access in
// the GUI only read notes back by FrameRef, so nothing depends on the order
// packets are clicked. Plain C++ with no epan types: unit tests drive it
// directly.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>

#include "stomp_command.h"
#include "stomp_escape.h"

namespace stomp {

// A frame's identity: the packet it completed in and its index among the
// STOMP frames dissected in that packet.
struct FrameRef {
  uint32_t num = 0;
  uint32_t idx = 0;
  bool operator==(const FrameRef& o) const { return num == o.num && idx == o.idx; }
};

struct HeaderView {
  std::string_view name;   // decoded (escapes resolved)
  std::string_view value;  // decoded
};

struct ObservedFrame {
  uint64_t conn = 0;    // one id per connection (TCP conversation)
  uint64_t sender = 0;  // which endpoint sent it (any stable id)
  FrameRef ref;
  double time = 0;      // absolute capture time, seconds
  Command command = Command::kUnknown;
  const HeaderView* headers = nullptr;  // all header lines, in wire order
  size_t header_count = 0;
};

struct FrameNotes {
  // The session's negotiated version: for CONNECT/STOMP it is filled in when
  // the CONNECTED answering it is observed; kUnknown when never seen.
  Version version = Version::kUnknown;
  // The version in force when the frame was sent: decides escaping.
  Version sent_under = Version::kUnknown;
  bool from_client = false;             // sent by the client side
  bool direction_known = false;
};

class Tracker {
 public:
  // The version that applies to the next frame of a connection: decides
  // how the glue decodes that frame's header escapes.
  Version version_of(uint64_t conn) const;

  // First pass only, in capture order. The returned notes stay valid (and
  // at the same address) for the Tracker's lifetime.
  const FrameNotes* observe(const ObservedFrame& f);

  // Notes recorded for a frame, or nullptr if it was never observed.
  const FrameNotes* find(FrameRef ref) const;

 private:
  struct Connection {
    Version version = Version::kUnknown;
    Version offered = Version::kUnknown;  // highest accept-version of CONNECT
    bool saw_connect = false;
    uint64_t client = 0;
    uint64_t server = 0;
    bool client_known = false;
    bool server_known = false;
    FrameNotes* pending_connect = nullptr;  // CONNECT awaiting its CONNECTED
  };
  struct RefHash {
    size_t operator()(const FrameRef& r) const {
      return std::hash<uint64_t>()((uint64_t{r.num} << 20) ^ r.idx);
    }
  };

  std::unordered_map<uint64_t, Connection> conns_;
  std::deque<FrameNotes> notes_;  // deque: stable addresses
  std::unordered_map<FrameRef, FrameNotes*, RefHash> index_;
};

// First value of header `name` (STOMP 1.1+: the first occurrence wins).
const HeaderView* first_header(const HeaderView* h, size_t n, std::string_view name);

}  // namespace stomp
