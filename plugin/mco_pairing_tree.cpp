// mco_pairing_tree.cpp - see mco_pairing_tree.h.
#include "mco_pairing_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "glue_time.h"
#include "mco_fields.h"
#include "mco_state.h"
#include "stomp_state.h"

namespace {

void gen_time(proto_tree* tree, int hf, tvbuff_t* tvb, double seconds) {
  nstime_t t = nstime_from_seconds(seconds);
  proto_item* it = proto_tree_add_time(tree, hf, tvb, 0, 0, &t);
  proto_item_set_generated(it);
}

void gen_frame(proto_tree* tree, int hf, tvbuff_t* tvb, stomp::FrameRef ref) {
  proto_item* it = proto_tree_add_uint(tree, hf, tvb, 0, 0, ref.num);
  proto_item_set_generated(it);
}

void add_legs(proto_tree* tree, tvbuff_t* tvb, const mco::Reply* r) {
  const mco::Legs l = r->legs();
  if (!l.known) return;
  gen_time(tree, hf_mco_time_broker_out, tvb, l.broker_out);
  gen_time(tree, hf_mco_time_node, tvb, l.node);
  gen_time(tree, hf_mco_time_broker_back, tvb, l.broker_back);
}

}  // namespace

void mco_reply_time_text(const mco::MessageNotes* n, stomp::FrameRef self, char* out, size_t cap) {
  out[0] = 0;
  if (!n || n->is_request || !n->reply || !n->request || !n->request->first_send.valid()) return;
  const mco::Reply* r = n->reply;
  // time as seen at this frame: the client's MESSAGE or the node's SEND
  const double t = (self == r->client_message ? r->client_message_time : r->node_send_time) -
                   n->request->first_send_time;
  std::snprintf(out, cap, " (%.2f ms)", t * 1000.0);
}

void mco_add_pairing(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, proto_item* top,
                     const mco::MessageNotes* n, stomp::FrameRef self) {
  if (!n) return;
  const bool complete = PINFO_FD_VISITED(pinfo);
  const mco::Request* req = n->request;
  if (n->is_request && req) {
    if (n->is_send) {
      proto_item* ri = proto_tree_add_uint(tree, hf_mco_replies, tvb, 0, 0,
                                           static_cast<guint32>(req->replies.size()));
      proto_item_set_generated(ri);
      for (const mco::Reply* r : req->replies) {
        proto_item* it = proto_tree_add_uint(tree, hf_mco_reply_in, tvb, 0, 0, r->final_frame().num);
        proto_item_set_generated(it);
        proto_item_append_text(it, " from %s (%.2f ms)", r->node.c_str(), r->total() * 1000.0);
        proto_tree* rt = proto_item_add_subtree(it, ett_mco_reply);
        proto_item* ni = proto_tree_add_string(rt, hf_mco_reply_node, tvb, 0, 0, r->node.c_str());
        proto_item_set_generated(ni);
        gen_time(rt, hf_mco_time, tvb, r->total());
        add_legs(rt, tvb, r);
      }
      // TTL: no reply although the capture goes on past msgtime + ttl
      if (complete && req->replies.empty() && req->has_ttl && req->has_msgtime &&
          std::max(mco_correlator().last_time(), stomp_tracker().last_time()) >
              static_cast<double>(req->msgtime + req->ttl))
        expert_add_info_format(pinfo, top, &ei_mco_ttl_expired,
                               "No reply before the request's TTL (%lld s) expired",
                               static_cast<long long>(req->ttl));
    } else if (n->has_age && req->has_ttl && n->age_at_frame > static_cast<double>(req->ttl)) {
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
  if (req->first_send.valid()) {
    gen_frame(tree, hf_mco_request_in, tvb, req->first_send);
    const double t = (self == r->client_message ? r->client_message_time : r->node_send_time) -
                     req->first_send_time;
    gen_time(tree, hf_mco_time, tvb, t);
    if (req->has_ttl && req->has_msgtime &&
        (self == r->client_message ? r->client_message_time : r->node_send_time) >
            static_cast<double>(req->msgtime + req->ttl))
      expert_add_info_format(pinfo, top, &ei_mco_ttl_expired,
                             "Reply after the request's TTL (%lld s) expired",
                             static_cast<long long>(req->ttl));
  }
  add_legs(tree, tvb, r);
}
