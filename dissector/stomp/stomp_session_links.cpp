// stomp_session_links.cpp - the Tracker's links between frames of one
// connection: receipts and connects with their answers, subscriptions,
// MESSAGE -> ACK/NACK, and transactions. Rules from the STOMP 1.2
// specification; 1.0/1.1 differences noted where they apply.
#include <algorithm>

#include "dissector/stomp/stomp_session.h"
#include "dissector/stomp/stomp_transit.h"

namespace stomp {

namespace {

std::string value_of(const ObservedFrame& f, std::string_view name) {
  const HeaderView* h = first_header(f.headers, f.header_count, name);
  return h ? std::string(h->value) : std::string();
}

bool has(const ObservedFrame& f, std::string_view name) {
  return first_header(f.headers, f.header_count, name) != nullptr;
}

void link(FrameNotes* request, FrameNotes* response) {
  const float dt = static_cast<float>(std::max(0.0, response->time - request->time));
  request->response_link = {response->self, dt};
  request->set(FrameNotes::kRequest);
  response->response_link = {request->self, dt};
}

// Sets *out to prefix + the value of header `name` ("" when absent).
void key_of(const ObservedFrame& f, const char* prefix, Known name, std::string* out) {
  out->assign(prefix);
  if (const HeaderView* h = f.known(name))
    out->append(h->value.data(), h->value.size());
}

// "m:" + message-id, and for 1.1 NUL + subscription.
void message_id_key(const ObservedFrame& f, Version v, std::string* out) {
  key_of(f, "m:", Known::kMessageId, out);
  if (v != Version::k11) return;
  out->push_back('\0');
  if (const HeaderView* h = f.known(Known::kSubscription))
    out->append(h->value.data(), h->value.size());
}

// The key an ACK/NACK uses to name a MESSAGE, by version: 1.2 the MESSAGE's
// ack header (= ACK id), 1.1 message-id + subscription, 1.0 message-id.
// Built into *out, which the Tracker reuses (no allocation per frame).
void ack_key_for_message(const ObservedFrame& f, Version v, std::string* out) {
  // (unknown version, a capture that began mid-session: the headers decide)
  if (v == Version::k12 || v == Version::kUnknown) {
    if (const HeaderView* h = f.known(Known::kAck)) {
      out->assign("a:");
      out->append(h->value.data(), h->value.size());
      return;
    }
  }
  message_id_key(f, v, out);
}

void ack_key_for_ack(const ObservedFrame& f, Version v, std::string* out) {
  if (v == Version::k12 ||
      (v == Version::kUnknown && f.known(Known::kId) && !f.known(Known::kMessageId))) {
    key_of(f, "a:", Known::kId, out);
    return;
  }
  message_id_key(f, v, out);
}

}  // namespace

void Tracker::misuse(const Connection& c, FrameNotes* n) {
  // judged only in sessions seen from their start: a capture that begins
  // mid-session lacks what a frame may rightly refer to
  if (c.saw_connect) n->set(FrameNotes::kMisuse);
}

void Tracker::link_response(Connection& c, const ObservedFrame& f, FrameNotes* n) {
  // Any client frame may ask for a receipt.
  if (is_client_command(f.command)) {
    const HeaderView* r = f.known(Known::kReceipt);
    if (r) {
      Connection::PendingReceipt& p = c.receipts[std::string(r->value)];
      if (!p.first)
        p.first = n;
      else
        p.more.push_back(n);
      n->set(FrameNotes::kReceiptRequested);
    }
  }
  if (f.command == Command::kReceipt || f.command == Command::kError) {
    const HeaderView* rid = f.known(Known::kReceiptId);
    if (rid) {
      auto it = c.receipts.find(std::string(rid->value));
      if (it != c.receipts.end()) {
        // first in, first out when the id was reused
        Connection::PendingReceipt& p = it->second;
        FrameNotes* req = p.first;
        if (p.more.empty()) {
          c.receipts.erase(it);
        } else {
          p.first = p.more.front();
          p.more.erase(p.more.begin());
        }
        link(req, n);
        // A SEND the broker refused never becomes a MESSAGE.
        if (req->command == Command::kSend) transit_->answered(req, f.command == Command::kError);
        return;
      }
    }
    // a RECEIPT must answer a receipt request of this session
    if (f.command == Command::kReceipt) misuse(c, n);
  }
  if ((f.command == Command::kConnected || f.command == Command::kError) && c.pending_connect) {
    link(c.pending_connect, n);
    c.pending_connect = nullptr;
  }
}

void Tracker::track_subscription(Connection& c, const ObservedFrame& f, FrameNotes* n) {
  switch (f.command) {
    case Command::kSubscribe: {
      subscriptions_.emplace_back();
      Subscription& s = subscriptions_.back();
      s.conn = f.conn;
      s.id = value_of(f, "id");
      s.destination = value_of(f, "destination");
      s.ack_mode = has(f, "ack") ? value_of(f, "ack") : "auto";
      s.selector = value_of(f, "selector");
      s.subscribe = f.ref;
      c.last_sub = nullptr;
      Subscription*& slot = c.subs[s.id.empty() ? "dest:" + s.destination : s.id];
      // an id must be unique among the connection's active subscriptions
      if (slot && !s.id.empty()) misuse(c, n);
      slot = &s;
      n->subscription = &s;
      return;
    }
    case Command::kUnsubscribe: {
      const std::string key = has(f, "id") ? value_of(f, "id") : "dest:" + value_of(f, "destination");
      auto it = c.subs.find(key);
      if (it == c.subs.end()) {
        misuse(c, n);
        return;
      }
      c.last_sub = nullptr;
      c.client_pending.erase(it->second);
      it->second->unsubscribe = f.ref;
      n->subscription = it->second;
      c.subs.erase(it);
      return;
    }
    case Command::kMessage: {
      // 1.1/1.2 name the subscription; 1.0 brokers may not, then the
      // destination identifies it.
      Subscription* s = nullptr;
      const HeaderView* h = f.known(Known::kSubscription);
      if (h) {
        if (c.last_sub && h->value == c.last_sub_id) {
          s = c.last_sub;
        } else {
          auto it = c.subs.find(std::string(h->value));
          if (it != c.subs.end()) {
            s = it->second;
            c.last_sub = s;
            c.last_sub_id.assign(h->value.data(), h->value.size());
          }
        }
      }
      if (!s) {
        auto it = c.subs.find("dest:" + value_of(f, "destination"));
        if (it != c.subs.end()) s = it->second;
      }
      if (!s && !h) {
        // No subscription header (stompserver, STOMP 1.0) although the
        // SUBSCRIBE had an id: the connection's only subscription to this
        // destination, if there is exactly one.
        const std::string dest = value_of(f, "destination");
        int found = 0;
        for (const auto& kv : c.subs) {
          if (kv.second->destination == dest && found++ == 0) s = kv.second;
        }
        if (found != 1) s = nullptr;
      }
      if (!s) return;
      s->messages++;
      n->subscription = s;
      n->set(FrameNotes::kNeedsAck, s->ack_mode == "client" || s->ack_mode == "client-individual");
      return;
    }
    case Command::kAck:
    case Command::kNack: {
      const HeaderView* h = f.known(Known::kSubscription);
      if (!h) return;  // 1.2 ACKs name the message only
      auto it = c.subs.find(std::string(h->value));
      if (it != c.subs.end()) n->subscription = it->second;
      return;
    }
    default:
      return;
  }
}

void Tracker::link_ack(Connection& c, const ObservedFrame& f, FrameNotes* n) {
  if (f.command == Command::kMessage) {
    if (!n->needs_ack()) return;
    ack_key_for_message(f, n->sent_under, &key_scratch_);
    if (n->subscription && n->subscription->ack_mode == "client")
      c.client_pending[n->subscription].push_back({n, key_scratch_});
    c.pending_acks[key_scratch_] = n;
    return;
  }
  if (f.command != Command::kAck && f.command != Command::kNack) return;
  ack_key_for_ack(f, n->sent_under, &key_scratch_);
  auto it = c.pending_acks.find(key_scratch_);
  if (it == c.pending_acks.end()) {
    // unknown, already acknowledged, or of an auto-ack subscription
    misuse(c, n);
    return;
  }
  FrameNotes* msg = it->second;
  c.pending_acks.erase(it);
  const float dt = static_cast<float>(std::max(0.0, n->time - msg->time));
  msg->ack_link = {f.ref, dt};
  msg->ack_command = f.command;
  n->ack_link = {msg->self, dt};
  n->acked_count = 1;
  if (!n->subscription) n->subscription = msg->subscription;
  // "client" mode: an ACK also acknowledges every earlier MESSAGE of the
  // same subscription (STOMP 1.2, SUBSCRIBE ack header). They wait in frame
  // order at the front of the subscription's queue; each is taken once.
  // (A NACK names one MESSAGE: what it passes over stays pending.)
  if (f.command != Command::kAck || !msg->subscription ||
      msg->subscription->ack_mode != "client")
    return;
  auto q = c.client_pending.find(msg->subscription);
  if (q == c.client_pending.end()) return;
  std::deque<Connection::PendingAck>& pending = q->second;
  while (!pending.empty() &&
         (pending.front().msg->self < msg->self || pending.front().msg == msg)) {
    FrameNotes* m = pending.front().msg;
    if (m != msg && !m->ack_link.ref.valid()) {  // (skip those acknowledged by name)
      const float mdt = static_cast<float>(std::max(0.0, n->time - m->time));
      m->ack_link = {f.ref, mdt};
      m->ack_command = f.command;
      if (n->acked_count < UINT32_MAX) n->acked_count++;
      more_acked_[n].push_back({m->self, mdt});
      auto pa = c.pending_acks.find(pending.front().key);
      if (pa != c.pending_acks.end() && pa->second == m) c.pending_acks.erase(pa);
    }
    pending.pop_front();
  }
}

void Tracker::track_transaction(Connection& c, const ObservedFrame& f, FrameNotes* n) {
  const bool bounds = f.command == Command::kBegin || f.command == Command::kCommit ||
                      f.command == Command::kAbort;
  const HeaderView* tx = f.known(Known::kTransaction);
  if (!tx) {
    // BEGIN/COMMIT/ABORT must name a transaction
    if (bounds) misuse(c, n);
    return;
  }
  const std::string id(tx->value);
  switch (f.command) {
    case Command::kBegin: {
      transactions_.emplace_back();
      Transaction& t = transactions_.back();
      t.id = id;
      t.begin = f.ref;
      t.begin_time = f.time;
      Transaction*& slot = c.transactions[id];
      if (slot) misuse(c, n);  // already open
      slot = &t;
      n->transaction = &t;
      return;
    }
    case Command::kCommit:
    case Command::kAbort: {
      // The broker releases the transaction's SENDs now, or drops them.
      transit_->end_transaction(f.conn, id, f.command == Command::kCommit, f.time);
      auto it = c.transactions.find(id);
      if (it == c.transactions.end()) {
        misuse(c, n);
        return;
      }
      Transaction* t = it->second;
      t->end = f.ref;
      t->end_time = f.time;
      t->outcome = f.command == Command::kCommit ? Transaction::Outcome::kCommitted
                                                 : Transaction::Outcome::kAborted;
      n->transaction = t;
      c.transactions.erase(it);
      return;
    }
    case Command::kSend:
    case Command::kAck:
    case Command::kNack: {
      auto it = c.transactions.find(id);
      if (it == c.transactions.end()) return;
      it->second->members++;
      n->transaction = it->second;
      return;
    }
    default:
      return;
  }
}

}  // namespace stomp
