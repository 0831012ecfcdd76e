// mco_pairing_tree.cpp - see mco_pairing_tree.h.
#include "plugin/mcollective/mco_pairing_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plugin/common/glue_time.h"
#include "plugin/mcollective/mco_fields.h"
#include "plugin/mcollective/mco_state.h"
#include "plugin/stomp/stomp_state.h"

namespace {

void gen_time(proto_tree* tree, int hf, tvbuff_t* tvb, double seconds) {
  nstime_t t = nstime_from_seconds(seconds);
  proto_item* it = proto_tree_add_time(tree, hf, tvb, 0, 0, &t);
  proto_item_set_generated(it);
}

proto_item* gen_frame(proto_tree* tree, int hf, tvbuff_t* tvb, stomp::FrameRef ref) {
  proto_item* it = proto_tree_add_uint(tree, hf, tvb, 0, 0, ref.num);
  proto_item_set_generated(it);
  return it;
}

void gen_string(proto_tree* tree, int hf, tvbuff_t* tvb, const char* s) {
  proto_item* it = proto_tree_add_string(tree, hf, tvb, 0, 0, s);
  proto_item_set_generated(it);
}

// Each leg the capture holds, in path order; at the node's SEND only those
// up to it, so that the legs shown always add up to the time shown.
void add_legs(proto_tree* tree, tvbuff_t* tvb, const mco::Reply* r, bool to_node_send = false) {
  mco::Legs l = r->legs();
  if (to_node_send) l.has_broker_back = false;
  if (l.has_client) gen_time(tree, hf_mco_time_client, tvb, l.client);
  if (l.has_client_send) gen_time(tree, hf_mco_time_client_send, tvb, l.client_send);
  if (l.has_broker_out) gen_time(tree, hf_mco_time_broker_out, tvb, l.broker_out);
  if (l.has_node) gen_time(tree, hf_mco_time_node, tvb, l.node);
  if (l.has_broker_back) gen_time(tree, hf_mco_time_broker_back, tvb, l.broker_back);
}

bool capture_past(double t) {
  return std::max(mco_correlator().last_time(), stomp_tracker().last_time()) > t;
}

}  // namespace

void mco_reply_time_text(const mco::MessageNotes* n, stomp::FrameRef self, char* out, size_t cap) {
  out[0] = 0;
  if (!n || n->is_request || !n->reply || !n->request ||
      n->request->origin() == mco::Origin::None)
    return;
  // time as seen at this frame: the client's MESSAGE or the node's SEND
  std::snprintf(out, cap, " (%.2f ms)", n->reply->time_at(self) * 1000.0);
}

void mco_add_pairing(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, proto_item* top,
                     const mco::MessageNotes* n, stomp::FrameRef self) {
  if (!n) return;
  // Fields that depend on later frames (the replies, "no reply before the
  // TTL") only once the whole capture was seen, as Wireshark's own forward
  // links: a one-pass run would otherwise show every request with 0 replies.
  const bool complete = PINFO_FD_VISITED(pinfo);
  const mco::Request* req = n->request;
  if (n->is_request && req) {
    if (n->is_send && req->client_start.valid()) {
      proto_item* ci = gen_frame(tree, hf_mco_client_start_in, tvb, req->client_start);
      proto_item_append_text(ci, " (CONNECTED, %.2f ms before the request's SEND)",
                             (req->first_send_time - req->client_start_time) * 1000.0);
      gen_time(tree, hf_mco_time_client, tvb, req->first_send_time - req->client_start_time);
    }
    if (complete && self == req->request_frame()) {
      proto_item* ri = proto_tree_add_uint(tree, hf_mco_replies, tvb, 0, 0,
                                           static_cast<guint32>(req->replies.size()));
      proto_item_set_generated(ri);
      for (const mco::Reply* r : req->replies) {
        proto_item* it = gen_frame(tree, hf_mco_reply_in, tvb, r->final_frame());
        proto_item_append_text(it, " from %s (%.2f ms)", r->node.c_str(), r->total() * 1000.0);
        proto_tree* rt = proto_item_add_subtree(it, ett_mco_reply);
        proto_item* ni = proto_tree_add_string(rt, hf_mco_reply_node, tvb, 0, 0, r->node.c_str());
        proto_item_set_generated(ni);
        gen_time(rt, hf_mco_time, tvb, r->total());
        add_legs(rt, tvb, r);
      }
      // TTL: no reply although one was expected and the capture goes on
      // past msgtime + ttl
      if (req->expects_replies && req->replies.empty() && req->has_ttl && req->has_msgtime &&
          capture_past(static_cast<double>(req->msgtime + req->ttl)))
        expert_add_info_format(pinfo, top, &ei_mco_ttl_expired,
                               "No reply before the request's TTL (%lld s) expired",
                               static_cast<long long>(req->ttl));
    }
    if (!n->is_send && n->has_age && req->has_ttl &&
        n->age_at_frame > static_cast<double>(req->ttl)) {
      expert_add_info_format(pinfo, top, &ei_mco_expired_on_delivery,
                             "Delivered %.1f s after :msgtime, TTL is %lld s: the node drops it",
                             n->age_at_frame, static_cast<long long>(req->ttl));
    }
    if (n->has_age) gen_time(tree, hf_mco_delivery_age, tvb, n->age_at_frame);
    return;
  }
  if (n->unknown_request) {
    expert_add_info(pinfo, top, &ei_mco_unknown_request);
    return;
  }
  if (!req || !n->reply) return;
  const mco::Reply* r = n->reply;
  const mco::Origin origin = req->origin();
  if (origin == mco::Origin::None) return;
  gen_frame(tree, hf_mco_request_in, tvb, req->request_frame());
  if (r->delivery.valid()) gen_frame(tree, hf_mco_delivery_in, tvb, r->delivery);
  gen_time(tree, hf_mco_time, tvb, r->time_at(self));
  gen_string(tree, hf_mco_time_from, tvb, mco::origin_name(origin));
  add_legs(tree, tvb, r, self == r->node_send && !(self == r->client_message));
  if (req->has_ttl && req->has_msgtime &&
      r->frame_time(self) > static_cast<double>(req->msgtime + req->ttl))
    expert_add_info_format(pinfo, top, &ei_mco_ttl_expired,
                           "Reply after the request's TTL (%lld s) expired",
                           static_cast<long long>(req->ttl));
}
