// mco_correlate.h - pairs MCollective replies with their requests across
// connections, and splits each reply's time into where it went.
//
// A request travels client -> broker -> node(s) and each reply node ->
// broker -> client. With a capture taken on the broker's host every leg is a
// STOMP frame:
//
//   client start (CONNECTED) --client--> client SEND(request)
//   first SEND --client send--> SEND of this node's copy (direct addressing)
//   that SEND --broker out--> MESSAGE(request) to the node
//   node SEND(reply)      <---- node ----  (node works on it)
//   client MESSAGE(reply) <--broker back-- node SEND(reply)
//
// A reply's time is measured from the request's origin: the client's start
// when the glue found one (see mco_client_start.h), else the request's first
// SEND, else (the client's connection is not in the capture) the request's
// first delivery. The legs present always add up to that time.
//
// The glue feeds every decoded MCollective message once, on the first pass,
// in capture order, with the STOMP Tracker's sent_in link for deliveries
// (which SEND a MESSAGE delivers). Notes are read back by FrameRef on any
// pass, like the STOMP Tracker's. Plain C++, no epan.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dissector/stomp/stomp_session.h"

namespace mco {

struct Observed {
  stomp::FrameRef ref;
  uint64_t conn = 0;
  double time = 0;
  bool is_send = false;      // SEND into the broker (else a MESSAGE delivery)
  bool is_request = false;   // request envelope (else reply)
  std::string_view requestid;
  std::string_view senderid;
  std::string_view agent;    // request :agent / reply :senderagent
  std::string_view action;   // SimpleRPC action, "ping"/"pong" for discovery
  std::string_view collective;
  bool has_ttl = false;
  int64_t ttl = 0;
  bool has_msgtime = false;
  int64_t msgtime = 0;
  // Requests: false for registration messages and SimpleRPC requests with
  // :process_results => false (nobody waits for a reply).
  bool expects_replies = true;
  stomp::Link sent_in;       // MESSAGE: the SEND it delivers (from the Tracker)
  double sent_in_time = 0;   // and that SEND's absolute time (exact; 0: unknown)
  // Request SEND: the client's start (a CONNECTED frame), when found.
  stomp::FrameRef client_start;
  double client_start_time = 0;
};

// Where a request's times are measured from.
enum class Origin : uint8_t {
  None,         // nothing of the request seen (cannot happen for a Request)
  ClientStart,  // the client's CONNECTED just before it built the request
  Send,         // the request's first SEND
  Delivery,     // the request's first delivery (its SEND is not in the capture)
};
const char* origin_name(Origin o);

// Where one reply's time went, in seconds. Each leg is present when the
// capture holds both of its ends; `complete` when the present legs cover the
// whole way from the request's origin to the reply's final frame, so that
// they sum to Reply::total().
struct Legs {
  bool complete = false;
  bool has_client = false, has_client_send = false, has_broker_out = false, has_node = false,
       has_broker_back = false;
  double client = 0;       // client start -> the request's first SEND
  double client_send = 0;  // first SEND -> the SEND of the copy that reached the node
  double broker_out = 0;   // that SEND -> its delivery to the node
  double node = 0;         // that delivery -> the node's reply SEND
  double broker_back = 0;  // the node's reply SEND -> its delivery to the client
};

struct Reply;

struct Request {
  std::string requestid, senderid, agent, action, collective;
  int64_t ttl = 0, msgtime = 0;
  bool has_ttl = false, has_msgtime = false;
  bool expects_replies = true;
  stomp::FrameRef client_start;  // the client's start (CONNECTED), if found
  double client_start_time = 0;
  stomp::FrameRef first_send;    // the client's (first) SEND of the request
  double first_send_time = 0;
  uint32_t sends = 0;            // > 1 with direct addressing (one per node)
  struct Delivery {
    stomp::FrameRef ref;
    uint64_t conn;
    double time;
    stomp::Link sent_in;
    double sent_in_time;  // exact time of sent_in's SEND (0: unknown)
  };
  std::vector<Delivery> deliveries;  // MESSAGEs carrying the request
  std::vector<Reply*> replies;       // in order of the first sight of each

  Origin origin() const;
  stomp::FrameRef origin_frame() const;
  double origin_time() const;
  // The frame replies link to as their request: the first SEND, else the
  // first delivery.
  stomp::FrameRef request_frame() const;
  double request_frame_time() const;
};

struct Reply {
  Request* request = nullptr;
  std::string node;               // the replying :senderid
  stomp::FrameRef node_send;      // the node's SEND of the reply
  double node_send_time = 0;
  uint64_t node_conn = 0;
  stomp::FrameRef client_message; // its delivery to the client
  double client_message_time = 0;
  stomp::Link client_sent_in;
  stomp::FrameRef delivery;       // the request MESSAGE that reached the node
  double delivery_time = 0;
  stomp::Link delivery_sent_in;
  double delivery_sent_in_time = 0;

  // The frame that ends the reply's journey in this capture (the client's
  // MESSAGE when captured, else the node's SEND) and its time.
  stomp::FrameRef final_frame() const;
  double final_time() const;
  // Reply time as the client sees it: final frame - the request's origin.
  double total() const;
  // The absolute time of one of the reply's frames (its node SEND or its
  // client MESSAGE).
  double frame_time(stomp::FrameRef frame) const;
  // Reply time as seen at that frame.
  double time_at(stomp::FrameRef frame) const;
  Legs legs() const;
};

struct MessageNotes {
  bool is_request = false;
  bool is_send = false;
  const Request* request = nullptr;  // requests and replies (nullptr: unknown)
  const Reply* reply = nullptr;      // replies
  bool unknown_request = false;      // a reply to no request in this capture
  double age_at_frame = 0;           // frame time - :msgtime (has_msgtime)
  bool has_age = false;
};

class Correlator {
 public:
  const MessageNotes* observe(const Observed& m);
  const MessageNotes* find(stomp::FrameRef ref) const;

  // Whether any MCollective message was observed on a connection yet.
  bool conn_seen(uint64_t conn) const { return conns_.count(conn) != 0; }

  // Requests in order of their first SEND (or first sight).
  const std::deque<Request>& requests() const { return requests_; }
  double last_time() const { return last_time_; }

 private:
  struct RefHash {
    size_t operator()(const stomp::FrameRef& r) const {
      return std::hash<uint64_t>()((uint64_t{r.num} << 20) ^ r.idx);
    }
  };
  Request* request_for(std::string_view id, bool create);
  Reply* reply_for(Request* r, std::string_view node);

  std::deque<Request> requests_;
  std::deque<Reply> replies_;
  std::deque<MessageNotes> notes_;
  std::unordered_map<std::string, Request*> by_id_;
  std::unordered_map<stomp::FrameRef, MessageNotes*, RefHash> index_;
  std::unordered_set<uint64_t> conns_;
  double last_time_ = 0;
};

}  // namespace mco
