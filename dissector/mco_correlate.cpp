// mco_correlate.cpp - see mco_correlate.h.
#include "mco_correlate.h"

#include <algorithm>

namespace mco {

stomp::FrameRef Reply::final_frame() const {
  return client_message.valid() ? client_message : node_send;
}

double Reply::final_time() const {
  return client_message.valid() ? client_message_time : node_send_time;
}

double Reply::total() const {
  if (!request || !request->first_send.valid()) return 0;
  return std::max(0.0, final_time() - request->first_send_time);
}

Legs Reply::legs() const {
  Legs l;
  if (!delivery.valid() || !node_send.valid() || !client_message.valid()) return l;
  // The SEND that reached this node: the delivery's own link when the
  // Tracker matched it (direct addressing sends one copy per node), else the
  // request's first SEND.
  const double request_sent = delivery_sent_in.ref.valid()
                                  ? delivery_time - delivery_sent_in.time
                                  : (request ? request->first_send_time : delivery_time);
  l.broker_out = std::max(0.0, delivery_time - request_sent);
  l.node = std::max(0.0, node_send_time - delivery_time);
  l.broker_back = client_sent_in.ref.valid() ? client_sent_in.time
                                             : std::max(0.0, client_message_time - node_send_time);
  l.known = true;
  return l;
}

Request* Correlator::request_for(std::string_view id, bool create) {
  auto it = by_id_.find(std::string(id));
  if (it != by_id_.end()) return it->second;
  if (!create) return nullptr;
  requests_.emplace_back();
  Request* r = &requests_.back();
  r->requestid = std::string(id);
  by_id_[r->requestid] = r;
  return r;
}

Reply* Correlator::reply_for(Request* r, std::string_view node) {
  for (Reply* p : r->replies)
    if (p->node == node) return p;
  replies_.emplace_back();
  Reply* p = &replies_.back();
  p->request = r;
  p->node = std::string(node);
  r->replies.push_back(p);
  return p;
}

const MessageNotes* Correlator::observe(const Observed& m) {
  last_time_ = std::max(last_time_, m.time);
  MessageNotes n;
  n.is_request = m.is_request;
  n.is_send = m.is_send;
  if (m.has_msgtime) {
    n.has_age = true;
    n.age_at_frame = m.time - static_cast<double>(m.msgtime);
  }

  if (m.is_request) {
    Request* r = request_for(m.requestid, true);
    if (r->senderid.empty()) {
      r->senderid = std::string(m.senderid);
      r->agent = std::string(m.agent);
      r->action = std::string(m.action);
      r->collective = std::string(m.collective);
      r->has_ttl = m.has_ttl;
      r->ttl = m.ttl;
      r->has_msgtime = m.has_msgtime;
      r->msgtime = m.msgtime;
    }
    if (m.is_send) {
      if (!r->first_send.valid()) {
        r->first_send = m.ref;
        r->first_send_time = m.time;
      }
      r->sends++;
    } else {
      r->deliveries.push_back({m.ref, m.conn, m.time, m.sent_in});
    }
    n.request = r;
  } else {
    Request* r = request_for(m.requestid, false);
    if (!r) {
      n.unknown_request = true;
    } else {
      Reply* p = reply_for(r, m.senderid);
      if (m.is_send) {
        if (!p->node_send.valid()) {
          p->node_send = m.ref;
          p->node_send_time = m.time;
          p->node_conn = m.conn;
          // the request's delivery to this node: on the node's connection,
          // the latest one before its reply
          for (const Request::Delivery& d : r->deliveries) {
            if (d.conn == m.conn && d.time <= m.time) {
              p->delivery = d.ref;
              p->delivery_time = d.time;
              p->delivery_sent_in = d.sent_in;
            }
          }
        }
      } else if (!p->client_message.valid()) {
        p->client_message = m.ref;
        p->client_message_time = m.time;
        p->client_sent_in = m.sent_in;
      }
      n.request = r;
      n.reply = p;
    }
  }

  notes_.push_back(n);
  MessageNotes* stored = &notes_.back();
  index_[m.ref] = stored;
  return stored;
}

const MessageNotes* Correlator::find(stomp::FrameRef ref) const {
  auto it = index_.find(ref);
  return it == index_.end() ? nullptr : it->second;
}

}  // namespace mco
