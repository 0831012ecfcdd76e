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
//   receipt -> RECEIPT / ERROR receipt-id (first in, first out when a
//     connection reuses an id); CONNECT -> CONNECTED / ERROR
//   SUBSCRIBE id -> destination, ack mode, selector (UNSUBSCRIBE closes)
//   MESSAGE -> ACK/NACK (1.2 ack id, 1.1 message-id+subscription, 1.0
//     message-id; cumulative ACK in "client" mode)
//   BEGIN .. COMMIT/ABORT with every SEND/ACK/NACK inside
//   protocol misuse (once the connection's CONNECT or CONNECTED was seen, so
//     a capture that starts mid-session raises no false alarms): ACK/NACK
//     of a MESSAGE that is unknown or already acknowledged, BEGIN of an open
//     transaction, COMMIT/ABORT of an unknown one, UNSUBSCRIBE of an unknown
//     id, SUBSCRIBE reusing an active id, RECEIPT of an unknown receipt-id
//   the connection's last item, and each side's last activity (a side that
//     goes silent until the connection closes)
// and across connections: SEND -> MESSAGE (broker transit), see
// stomp_transit.h. A SEND inside a transaction enters the transit matcher
// at its COMMIT (the broker releases it then; its transit time counts from
// the COMMIT) and never if the transaction is aborted; a SEND answered by an
// ERROR (receipt-id) is no candidate.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dissector/stomp/stomp_command.h"
#include "dissector/stomp/stomp_escape.h"
#include "dissector/stomp/stomp_frame.h"

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

// Headers the Tracker looks up on nearly every frame: found for each frame
// in one walk over its headers (first occurrence of each name).
enum class Known : uint8_t {
  kReceipt, kReceiptId, kTransaction, kDestination, kSubscription, kAck, kId, kMessageId,
  kRedelivered, kReplyTo, kCount
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

  // The Known headers (nullptr when absent); valid after index_known(),
  // which Tracker::observe() calls on every frame it is given.
  const HeaderView* known(Known k) const { return known_[static_cast<size_t>(k)]; }
  void index_known() const;

 private:
  mutable const HeaderView* known_[static_cast<size_t>(Known::kCount)] = {};
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

// A link to another item and the time between the two (>= 0).
struct Link {
  FrameRef ref;
  float time = 0;  // seconds; float keeps microseconds for delays under a minute
};

// What the Tracker knows about one frame, heart-beat or junk run. Compact
// (96 bytes: one per frame of captures with millions of them): each link
// field serves the role the frame's command gives it, read through the
// accessors below.
struct FrameNotes {
  FrameRef self;  // the item these notes are about
  double time = 0;
  const Subscription* subscription = nullptr;  // MESSAGE/ACK/NACK/(UN)SUBSCRIBE
  const Transaction* transaction = nullptr;    // BEGIN/COMMIT/ABORT and members
  // longest time this item's sender was silent before it (seconds; 0 when
  // unknown, i.e. the sender's first data in the capture)
  float silence = 0;
  // how long the other side had been silent when this item was sent (0 when
  // unknown): a side that stalls shows up on its peer's heart-beats even if
  // it never speaks again
  float peer_silence = 0;
  Link response_link;  // a request's response, or a response's request
  Link ack_link;       // a MESSAGE's ACK/NACK, or the MESSAGE an ACK/NACK names
  Link transit_link;   // a MESSAGE's SEND, or a SEND's first delivery
  // heart-beats negotiated (ms; 0 = none), valid once CONNECTED was seen
  uint32_t heartbeat_client_ms = 0;  // client -> server
  uint32_t heartbeat_server_ms = 0;  // server -> client
  uint32_t acked_count = 0;          // ACK: MESSAGEs it acknowledged (cumulative)
  uint16_t delivery_count = 0;       // SEND: deliveries (see Tracker::delivery)
  Command command = Command::kUnknown;
  Command ack_command = Command::kUnknown;  // MESSAGE: ACK or NACK
  // The session's negotiated version: for CONNECT/STOMP it is filled in when
  // the CONNECTED answering it is observed; kUnknown when never seen.
  Version version = Version::kUnknown;
  // The version in force when the frame was sent: decides escaping.
  Version sent_under = Version::kUnknown;
  uint16_t bits = 0;

  enum Bit : uint16_t {
    kHeartbeat = 1 << 0,
    kJunk = 1 << 1,
    kJunkContinued = 1 << 2,  // junk right after junk from the same sender
    kDirectionKnown = 1 << 3,
    kFromClient = 1 << 4,
    kReceiptRequested = 1 << 5,  // the frame has a receipt header
    kNeedsAck = 1 << 6,          // MESSAGE in a client(-individual) subscription
    kHeartbeatNegotiated = 1 << 7,
    kRequest = 1 << 8,  // response_link points to this request's response
    // Protocol misuse; the command says which (see Tracker::misuse_of):
    // ACK/NACK of no MESSAGE awaiting acknowledgement, BEGIN of an open
    // transaction, COMMIT/ABORT of an unknown one, UNSUBSCRIBE of an unknown
    // id, SUBSCRIBE reusing an active id, RECEIPT of an unknown receipt-id.
    kMisuse = 1 << 9,
    kLastOfConnection = 1 << 10,  // the connection's last frame or heart-beat so far
    kReleasedAtCommit = 1 << 11,  // SEND in a transaction: transit counts from the COMMIT
  };
  bool has(Bit b) const { return (bits & b) != 0; }
  void set(Bit b, bool on = true) { bits = on ? (bits | b) : (bits & ~b); }

  bool heartbeat() const { return has(kHeartbeat); }
  bool junk() const { return has(kJunk); }
  bool junk_continued() const { return has(kJunkContinued); }
  bool direction_known() const { return has(kDirectionKnown); }
  bool from_client() const { return has(kFromClient); }
  bool receipt_requested() const { return has(kReceiptRequested); }
  bool needs_ack() const { return has(kNeedsAck); }
  bool heartbeat_negotiated() const { return has(kHeartbeatNegotiated); }
  bool misuse() const { return has(kMisuse); }
  bool last_of_connection() const { return has(kLastOfConnection); }
  bool released_at_commit() const { return has(kReleasedAtCommit); }

  // receipt -> RECEIPT/ERROR, CONNECT/STOMP -> CONNECTED/ERROR
  Link response_in() const { return has(kRequest) ? response_link : Link(); }
  Link response_to() const { return has(kRequest) ? Link() : response_link; }
  // MESSAGE -> ACK/NACK
  Link ack_in() const { return command == Command::kMessage ? ack_link : Link(); }
  Link acks() const { return command == Command::kMessage ? Link() : ack_link; }
  // broker transit: the SEND a MESSAGE delivers
  Link sent_in() const { return command == Command::kMessage ? transit_link : Link(); }
};
// One per frame of captures with millions of them: keep it at 96 bytes.
static_assert(sizeof(FrameNotes) <= 96, "FrameNotes must stay within 96 bytes");

// What a connection's last items tell about how it ended (second pass).
struct ConnectionEnd {
  FrameRef last_item;           // the connection's last frame or heart-beat
  double client_last = -1;      // the client's last activity (any bytes), -1 if none
  double server_last = -1;
  bool direction_known = false;
  bool heartbeat_negotiated = false;
  uint32_t heartbeat_client_ms = 0, heartbeat_server_ms = 0;
  // DISCONNECT or ERROR seen: the session ended, silence after it is expected
  bool session_closed = false;
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

  // With keep = false the Tracker follows each connection's version,
  // direction and heart-beat negotiation but keeps no notes and makes no
  // links: observe() then returns notes valid only until the next call and
  // find() finds nothing. For captures too large to keep ~100 bytes a frame.
  void keep_notes(bool keep) { keep_notes_ = keep; }

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

  // The i-th MESSAGE the broker delivered for a SEND (i < delivery_count).
  Link delivery(const FrameNotes* send, size_t i) const;
  // Records one more delivery of a SEND (the transit matcher's job).
  void add_delivery(FrameNotes* send, Link to);

  // The i-th MESSAGE an ACK/NACK acknowledged (i < acked_count): i = 0 is
  // the one it names, the others the earlier ones a cumulative ACK covered.
  Link acked(const FrameNotes* ack, size_t i) const;

  // How a connection ended, as far as the first pass saw; false if unknown.
  bool connection_end(uint64_t conn, ConnectionEnd* out) const;

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
    // receipt id -> the requests awaiting a RECEIPT with it, oldest first
    // (a client may reuse an id: the broker answers in frame order)
    struct PendingReceipt {
      FrameNotes* first = nullptr;
      std::vector<FrameNotes*> more;
    };
    std::unordered_map<std::string, PendingReceipt> receipts;
    std::unordered_map<std::string, Subscription*> subs;         // id (or "dest:"+dest)
    // The subscription the last MESSAGE named (a consumer's MESSAGEs name one
    // subscription in a row): found again without building a key string.
    // Cleared whenever subs changes.
    std::string last_sub_id;
    Subscription* last_sub = nullptr;
    std::unordered_map<std::string, FrameNotes*> pending_acks;   // ack key -> MESSAGE
    std::unordered_map<std::string, Transaction*> transactions;  // open, by id
    // "client" ack mode: each subscription's MESSAGEs awaiting an ACK, in
    // frame order, so that a cumulative ACK takes them from the front (each
    // MESSAGE is visited once: linear in the number of MESSAGEs).
    struct PendingAck {
      FrameNotes* msg;
      std::string key;  // its pending_acks key
    };
    std::unordered_map<const Subscription*, std::deque<PendingAck>> client_pending;
    FrameNotes* last_item = nullptr;  // the latest frame or heart-beat
    bool saw_connect = false;         // CONNECT/STOMP or CONNECTED observed
    bool session_closed = false;      // DISCONNECT or ERROR observed
  };

  FrameNotes* store(FrameRef ref, const FrameNotes& n);
  void orient(Connection& c, const ObservedFrame& f, FrameNotes& n);
  // (s: c.sides[sender], looked up once by the caller)
  void take_silence(Connection& c, uint64_t sender, Side& s, FrameNotes& n);
  void negotiate(Connection& c, const ObservedFrame& f, FrameNotes& n);
  void link_response(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void track_subscription(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void link_ack(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void track_transaction(Connection& c, const ObservedFrame& f, FrameNotes* n);
  void mark_last(Connection& c, FrameNotes* n);
  // Flags n as protocol misuse (FrameNotes::kMisuse), if c was seen from its start.
  static void misuse(const Connection& c, FrameNotes* n);

  std::unordered_map<uint64_t, Connection> conns_;
  std::deque<FrameNotes> notes_;  // deque: stable addresses
  std::deque<Subscription> subscriptions_;
  std::deque<Transaction> transactions_;
  // notes_ holds items in capture order (observe() is called in order), so
  // find() is a binary search over it; anything stored out of order (not
  // expected) goes to late_.
  std::unordered_map<uint64_t, FrameNotes*> late_;
  // deliveries of a SEND after its first (fan-out destinations)
  std::unordered_map<const FrameNotes*, std::vector<Link>> more_deliveries_;
  // MESSAGEs a cumulative ACK acknowledged after the one it names
  std::unordered_map<const FrameNotes*, std::vector<Link>> more_acked_;
  std::unique_ptr<TransitMatcher> transit_;
  double last_time_ = 0;
  bool keep_notes_ = true;
  FrameNotes scratch_;  // what observe() returns when notes are not kept
  std::string key_scratch_;  // lookup keys are built here (keeps its storage)
};

// First value of header `name` (STOMP 1.1+: the first occurrence wins).
const HeaderView* first_header(const HeaderView* h, size_t n, std::string_view name);

// Heart-beat header "x,y" -> (x, y) in ms; false if malformed.
bool parse_heart_beat(std::string_view v, uint32_t* x, uint32_t* y);

// 64-bit digest of a body for matching SENDs with their deliveries: every
// byte of a body up to 512 bytes, a fixed sample of a longer one.
uint64_t body_digest(const uint8_t* p, size_t n);

}  // namespace stomp
