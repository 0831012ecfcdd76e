// mco_correlate.cpp - see mco_correlate.h.
#include "dissector/mcollective/mco_correlate.h"

#include <algorithm>

namespace mco {

const char* origin_name(Origin o) {
  switch (o) {
    case Origin::ClientStart: return "client start";
    case Origin::Send: return "request SEND";
    case Origin::Delivery: return "request delivery";
    case Origin::None: break;
  }
  return "none";
}

Origin Request::origin() const {
  if (first_send.valid()) return client_start.valid() ? Origin::ClientStart : Origin::Send;
  if (!deliveries.empty()) return Origin::Delivery;
  return Origin::None;
}

stomp::FrameRef Request::origin_frame() const {
  switch (origin()) {
    case Origin::ClientStart: return client_start;
    case Origin::Send: return first_send;
    case Origin::Delivery: return deliveries.front().ref;
    case Origin::None: break;
  }
  return {};
}

double Request::origin_time() const {
  switch (origin()) {
    case Origin::ClientStart: return client_start_time;
    case Origin::Send: return first_send_time;
    case Origin::Delivery: return deliveries.front().time;
    case Origin::None: break;
  }
  return 0;
}

stomp::FrameRef Request::request_frame() const {
  if (first_send.valid()) return first_send;
  return deliveries.empty() ? stomp::FrameRef() : deliveries.front().ref;
}

double Request::request_frame_time() const {
  if (first_send.valid()) return first_send_time;
  return deliveries.empty() ? 0 : deliveries.front().time;
}

stomp::FrameRef Reply::final_frame() const {
  return client_message.valid() ? client_message : node_send;
}

double Reply::final_time() const {
  return client_message.valid() ? client_message_time : node_send_time;
}

double Reply::total() const {
  if (!request || request->origin() == Origin::None) return 0;
  return final_time() - request->origin_time();
}

double Reply::frame_time(stomp::FrameRef frame) const {
  return frame == client_message ? client_message_time : node_send_time;
}

double Reply::time_at(stomp::FrameRef frame) const {
  if (!request || request->origin() == Origin::None) return 0;
  return frame_time(frame) - request->origin_time();
}

Legs Reply::legs() const {
  Legs l;
  if (!request) return l;
  const Request& q = *request;
  const Origin origin = q.origin();
  const bool have_send = q.first_send.valid();

  // The SEND of the copy that reached this node: the delivery's own link
  // when the Tracker matched it (direct addressing sends one copy per node),
  // else the request's first SEND.
  bool have_copy = false;
  double copy_time = 0;
  if (delivery.valid() && origin != Origin::Delivery) {
    if (delivery_sent_in.ref.valid()) {
      have_copy = true;
      copy_time = delivery_sent_in_time != 0
                      ? delivery_sent_in_time
                      : delivery_time - static_cast<double>(delivery_sent_in.time);
    } else if (have_send) {
      have_copy = true;
      copy_time = q.first_send_time;
    }
  }

  if (origin == Origin::ClientStart) {
    l.has_client = true;
    l.client = q.first_send_time - q.client_start_time;
  }
  if (have_copy && have_send) {
    l.has_client_send = true;
    l.client_send = copy_time - q.first_send_time;
  }
  if (have_copy) {
    l.has_broker_out = true;
    l.broker_out = delivery_time - copy_time;
  }
  if (delivery.valid() && node_send.valid()) {
    l.has_node = true;
    l.node = node_send_time - delivery_time;
  }
  if (node_send.valid() && client_message.valid()) {
    l.has_broker_back = true;
    l.broker_back = client_message_time - node_send_time;
  }

  bool from_origin = false;
  switch (origin) {
    case Origin::ClientStart: from_origin = l.has_client && l.has_client_send && l.has_broker_out; break;
    case Origin::Send: from_origin = l.has_client_send && l.has_broker_out; break;
    case Origin::Delivery: from_origin = delivery.valid() && delivery == q.deliveries.front().ref; break;
    case Origin::None: break;
  }
  l.complete = from_origin && l.has_node && (!client_message.valid() || l.has_broker_back);
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
  conns_.insert(m.conn);
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
      r->expects_replies = m.expects_replies;
    }
    if (m.is_send) {
      if (!r->first_send.valid()) {
        r->first_send = m.ref;
        r->first_send_time = m.time;
        if (m.client_start.valid() && m.client_start_time <= m.time) {
          r->client_start = m.client_start;
          r->client_start_time = m.client_start_time;
        }
      }
      r->sends++;
    } else {
      r->deliveries.push_back({m.ref, m.conn, m.time, m.sent_in, m.sent_in_time});
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
              p->delivery_sent_in_time = d.sent_in_time;
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
