// stomp_session.h - what the dissector remembers about STOMP sessions.
//
// The glue feeds every frame and heart-beat to a Tracker once, on the first
// pass, in capture order; the Tracker answers with notes: everything about
// that item that depends on other items. Links that point forward (a
// request's response, a MESSAGE's ACK, a SEND's deliveries) are filled in
// when the later item is observed, so after the first pass every note is
// complete. Later passes and random access in the GUI only read notes back
// by FrameRef: nothing depends on the order packets are clicked. Plain C++
// with no epan types, so unit tests drive it directly.
//
// What is tracked per connection:
//   version negotiation (CONNECT accept-version, CONNECTED version)
//   heart-beat negotiation and the silence before every item
//   receipt -> RECEIPT / ERROR receipt-id; CONNECT -> CONNECTED / ERROR
//   SUBSCRIBE id -> destination, ack mode, selector (UNSUBSCRIBE closes)
//   MESSAGE -> ACK/NACK (1.2 ack id, 1.1 message-id+subscription, 1.0
//     message-id; cumulative ACK in "client" mode)
//   BEGIN .. COMMIT/ABORT with every SEND/ACK/NACK inside
// and across connections: SEND -> MESSAGE (broker transit), see
// stomp_transit.h.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stomp_command.h"
#include "stomp_escape.h"
#include "stomp_frame.h"

namespace stomp {

class TransitMatcher;

// An item's identity: the packet it completed in and its index among the
// STOMP items (frames and heart-beats) dissected in that packet.
struct FrameRef {
  uint32_t num = 0;
  uint32_t idx = 0;
  bool valid() const { return num != 0; }
  bool operator==(const FrameRef& o) const { return num == o.num && idx == o.idx; }
  // Capture order (frames of one packet share its timestamp: order by index).
  bool operator<(const FrameRef& o) const { return num < o.num || (num == o.num && idx < o.idx); }
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
  uint64_t body_hash = 0;  // body_digest() of the body
  uint64_t body_len = 0;
};

// A SUBSCRIBE, as later frames refer to it.
struct Subscription {
  uint64_t conn = 0;
  std::string id;           // empty for 1.0 subscriptions without one
  std::string destination;
  std::string ack_mode;     // "auto" when absent
  std::string selector;
  FrameRef subscribe;       // the SUBSCRIBE frame
  FrameRef unsubscribe;     // the UNSUBSCRIBE that closed it, if any
  uint32_t messages = 0;    // MESSAGEs delivered for it
};

// A transaction from BEGIN to COMMIT/ABORT.
struct Transaction {
  enum class Outcome : uint8_t { kOpen, kCommitted, kAborted };
  std::string id;
  FrameRef begin;
  FrameRef end;  // COMMIT or ABORT
  double begin_time = 0, end_time = 0;
  Outcome outcome = Outcome::kOpen;
  uint32_t members = 0;  // SEND/ACK/NACK frames inside
};
const char* outcome_name(Transaction::Outcome o);

struct Link {
  FrameRef ref;
  double time = 0;  // seconds between the two ends (>= 0)
};

struct FrameNotes {
  FrameRef self;  // the item these notes are about
  Command command = Command::kUnknown;
  bool heartbeat = false;
  bool junk = false;
  bool junk_continued = false;  // junk right after junk from the same sender
  double time = 0;
  // The session's negotiated version: for CONNECT/STOMP it is filled in when
  // the CONNECTED answering it is observed; kUnknown when never seen.
  Version version = Version::kUnknown;
  // The version in force when the frame was sent: decides escaping.
  Version sent_under = Version::kUnknown;
  bool direction_known = false;
  bool from_client = false;

  // heart-beats negotiated (ms; 0 = none), valid once CONNECTED was seen
  bool heartbeat_negotiated = false;
  uint32_t heartbeat_client_ms = 0;  // client -> server
  uint32_t heartbeat_server_ms = 0;  // server -> client
  // longest time this item's sender was silent before it (seconds; 0 when
  // unknown, i.e. the sender's first data in the capture)
  double silence = 0;
  // how long the other side had been silent when this item was sent (0 when
  // unknown): a side that stalls shows up on its peer's heart-beats even if
  // it never speaks again
  double peer_silence = 0;

  // receipt -> RECEIPT/ERROR, CONNECT/STOMP -> CONNECTED/ERROR
  bool receipt_requested = false;  // the frame has a receipt header
  Link response_in;  // on the request
  Link response_to;  // on the response

  // MESSAGE -> ACK/NACK
  const Subscription* subscription = nullptr;  // MESSAGE/ACK/NACK/UNSUBSCRIBE
  bool needs_ack = false;                      // MESSAGE in a client(-individual) subscription
  Link ack_in;                                 // on the MESSAGE: the ACK/NACK
  Command ack_command = Command::kUnknown;     // ACK or NACK
  Link acks;                                   // on an ACK/NACK: the MESSAGE it names
  uint32_t acked_count = 0;                    // MESSAGEs this ACK acknowledged (cumulative)

  // transactions
  const Transaction* transaction = nullptr;    // BEGIN/COMMIT/ABORT and members

  // broker transit: SEND -> MESSAGE(s) on any connection
  Link sent_in;                  // on a MESSAGE
  std::vector<Link> delivered_in;  // on a SEND, one per delivery
};

class Tracker {
 public:
  Tracker();
  ~Tracker();
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  // The version that applies to the next frame of a connection: decides
  // how the glue decodes that frame's header escapes.
  Version version_of(uint64_t conn) const;

  // First pass only, in capture order. Returned notes stay valid (and at the
  // same address) for the Tracker's lifetime.
  const FrameNotes* observe(const ObservedFrame& f);
  const FrameNotes* observe_heartbeat(uint64_t conn, uint64_t sender, FrameRef ref, double time);
  // Bytes that are not STOMP: notes say whether they continue a run of junk
  // from the same sender (only the start of a run is worth an error).
  const FrameNotes* observe_junk(uint64_t conn, uint64_t sender, FrameRef ref, double time);

  // Any bytes from sender at time t (first pass, every segment, also those
  // that only extend an incomplete frame): the basis of silence detection.
  void activity(uint64_t conn, uint64_t sender, double time);

  // Notes recorded for an item, or nullptr if it was never observed.
  const FrameNotes* find(FrameRef ref) const;

  // Time of the latest STOMP data seen (any connection): how far the capture
  // goes, for "no answer within ..." checks made on the second pass.
  double last_time() const { return last_time_; }

  // Incomplete data at the end of what one sender has sent so far (first
  // pass): `num` is the packet it was last extended in. Anything later
  // parsed from that sender (consumed()) resolves it. What is still
  // incomplete after the first pass never ended in the capture.
  void incomplete(uint64_t conn, uint64_t sender, uint32_t num);
  void consumed(uint64_t conn, uint64_t sender);
  // True when packet `num` holds the last bytes of data from `sender` that
  // never completed a frame before the capture ended.
  bool unterminated_at(uint64_t conn, uint64_t sender, uint32_t num) const;

  // Scanner state of the incomplete frame a sender is in the middle of (first
  // pass): resume() hands back the state saved by suspend() when buf starts
  // with the same bytes as then (checked by length and digests of its first
  // and last bytes), else a fresh state; the frame scanner then continues
  // where it stopped instead of rescanning a growing buffer.
  ScanResume* resume(uint64_t conn, uint64_t sender, const uint8_t* buf, size_t len);
  void suspend(uint64_t conn, uint64_t sender, const uint8_t* buf, size_t len);

 private:
  struct Side {
    double last_activity = -1;
    double pending_silence = 0;  // longest gap since the last item
    bool in_junk = false;        // the last item from this side was junk
  };
  struct Connection {
    Version version = Version::kUnknown;
    uint64_t client = 0;
    uint64_t server = 0;
    bool client_known = false;
    bool server_known = false;
    FrameNotes* pending_connect = nullptr;  // CONNECT awaiting its CONNECTED
    // heart-beat headers: CONNECT "cx,cy", CONNECTED "sx,sy"
    bool have_client_hb = false;
    uint32_t cx = 0, cy = 0;
    bool hb_negotiated = false;
    uint32_t hb_client_ms = 0, hb_server_ms = 0;
    std::unordered_map<uint64_t, Side> sides;             // by sender
    std::unordered_map<uint64_t, uint32_t> incomplete;    // sender -> packet
    struct PendingScan {
      ScanResume state;
      size_t len = 0;
      uint64_t head = 0, tail = 0;  // digests of the first / last 64 bytes
    };
    std::unordered_map<uint64_t, PendingScan> scans;      // sender -> state
    std::unordered_map<std::string, FrameNotes*> receipts;       // receipt -> request
    std::unordered_map<std::string, Subscription*> subs;         // id (or "dest:"+dest)
    std::unordered_map<std::string, FrameNotes*> pending_acks;   // ack key -> MESSAGE
    std::unordered_map<std::string, Transaction*> transactions;  // open, by id
  };
  struct RefHash {
    size_t operator()(const FrameRef& r) const {
      return std::hash<uint64_t>()((uint64_t{r.num} << 20) ^ r.idx);
    }
  };

  FrameNotes* store(FrameRef ref, const FrameNotes& n);
  void orient(Connection& c, const ObservedFrame& f, FrameNotes& n);
  void take_silence(Connection& c, uint64_t sender, FrameNotes& n);
  void negotiate(Connection& c, const ObservedFrame& f, FrameNotes& n);
  void link_response(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void track_subscription(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void link_ack(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void track_transaction(Connection& c, const ObservedFrame& f, FrameNotes* n);

  std::unordered_map<uint64_t, Connection> conns_;
  std::deque<FrameNotes> notes_;  // deque: stable addresses
  std::deque<Subscription> subscriptions_;
  std::deque<Transaction> transactions_;
  std::unordered_map<FrameRef, FrameNotes*, RefHash> index_;
  std::unique_ptr<TransitMatcher> transit_;
  double last_time_ = 0;
};

// First value of header `name` (STOMP 1.1+: the first occurrence wins).
const HeaderView* first_header(const HeaderView* h, size_t n, std::string_view name);

// Heart-beat header "x,y" -> (x, y) in ms; false if malformed.
bool parse_heart_beat(std::string_view v, uint32_t* x, uint32_t* y);

// 64-bit digest of a body for matching SENDs with their deliveries.
uint64_t body_digest(const uint8_t* p, size_t n);

}  // namespace stomp
