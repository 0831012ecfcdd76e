// stomp_session_tree.cpp - see stomp_session_tree.h.
#include "plugin/stomp/stomp_session_tree.h"

#include "plugin/common/glue_time.h"
#include "plugin/stomp/stomp_fields.h"
#include "plugin/stomp/stomp_state.h"

namespace {

proto_item* add_frame(proto_tree* tree, int hf, tvbuff_t* tvb, stomp::FrameRef ref) {
  proto_item* it = proto_tree_add_uint(tree, hf, tvb, 0, 0, ref.num);
  proto_item_set_generated(it);
  return it;
}

proto_item* add_time(proto_tree* tree, int hf, tvbuff_t* tvb, double seconds) {
  nstime_t t = nstime_from_seconds(seconds);
  proto_item* it = proto_tree_add_time(tree, hf, tvb, 0, 0, &t);
  proto_item_set_generated(it);
  return it;
}

// const char* only: no temporary std::string may live in a frame that can
// longjmp.
proto_item* add_string(proto_tree* tree, int hf, tvbuff_t* tvb, const char* s) {
  proto_item* it = proto_tree_add_string(tree, hf, tvb, 0, 0, s);
  proto_item_set_generated(it);
  return it;
}

void add_uint(proto_tree* tree, int hf, tvbuff_t* tvb, guint32 v) {
  proto_item* it = proto_tree_add_uint(tree, hf, tvb, 0, 0, v);
  proto_item_set_generated(it);
}

void add_heartbeat(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, proto_item* frame_item,
                   const stomp::FrameNotes* n, const StompSessionOptions* opt) {
  // STOMP 1.0 has no heart-beats; say nothing rather than "0 ms".
  if (!n->heartbeat_negotiated() ||
      (n->version == stomp::Version::k10 && !n->heartbeat_client_ms && !n->heartbeat_server_ms))
    return;
  add_uint(tree, hf_stomp_session_hb_client, tvb, n->heartbeat_client_ms);
  add_uint(tree, hf_stomp_session_hb_server, tvb, n->heartbeat_server_ms);
  if (!n->direction_known()) return;
  const double factor = 1.0 + opt->heartbeat_tolerance_pct / 100.0;
  // this side, silent before this item
  const guint32 interval = n->from_client() ? n->heartbeat_client_ms : n->heartbeat_server_ms;
  if (interval && n->silence > 0) {
    proto_item* si = add_time(tree, hf_stomp_silence, tvb, n->silence);
    const double allowed = interval / 1000.0 * factor;
    if (n->silence > allowed)
      expert_add_info_format(pinfo, frame_item ? frame_item : si, &ei_stomp_silent,
                             "%s silent for %.3f s; negotiated heart-beat every %.3f s "
                             "(tolerance %u%%: up to %.3f s)",
                             n->from_client() ? "Client" : "Server", n->silence, interval / 1000.0,
                             opt->heartbeat_tolerance_pct, allowed);
  }
  // the other side, still silent when this item was sent
  const guint32 peer_interval = n->from_client() ? n->heartbeat_server_ms : n->heartbeat_client_ms;
  const double peer_allowed = peer_interval / 1000.0 * factor;
  if (peer_interval && n->peer_silence > peer_allowed)
    expert_add_info_format(pinfo, frame_item, &ei_stomp_silent,
                           "%s silent for %.3f s so far; negotiated heart-beat every %.3f s "
                           "(tolerance %u%%: up to %.3f s)",
                           n->from_client() ? "Server" : "Client", n->peer_silence,
                           peer_interval / 1000.0, opt->heartbeat_tolerance_pct, peer_allowed);
}

// The connection's last item (second pass): a side that stopped talking
// (no heart-beats either) until the TCP connection ended, e.g. a client the
// broker dropped for missing heart-beats, shows nothing after its silence;
// the end of the TCP conversation (its last packet, FIN/RST included) closes
// the silence instead. Not after DISCONNECT or ERROR: the session is over.
void add_silence_until_end(packet_info* pinfo, proto_item* frame_item, const stomp::FrameNotes* n,
                           const StompSessionOptions* opt) {
  stomp::ConnectionEnd e;
  if (!stomp_tracker().connection_end(stomp_connection_id(pinfo), &e) || !(e.last_item == n->self) ||
      e.session_closed || !e.heartbeat_negotiated || !e.direction_known)
    return;
  // The time of the TCP conversation's last packet: TCP keeps it (ts_prev,
  // filled in on the first pass unless tcp.calculate_timestamps is off, in
  // which case it stays 0 and nothing is flagged).
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  double end = 0;
  if (!conv || !wsc::tcp_last_packet_time(conv, &end)) return;
  const double factor = 1.0 + opt->heartbeat_tolerance_pct / 100.0;
  for (int client = 1; client >= 0; client--) {
    const guint32 interval = client ? e.heartbeat_client_ms : e.heartbeat_server_ms;
    const double last = client ? e.client_last : e.server_last;
    if (!interval || last < 0) continue;
    const double silent = end - last;
    const double allowed = interval / 1000.0 * factor;
    if (silent > allowed)
      expert_add_info_format(pinfo, frame_item, &ei_stomp_silent,
                             "%s silent for %.3f s until the connection ended (frame %u); "
                             "negotiated heart-beat every %.3f s (tolerance %u%%: up to %.3f s)",
                             client ? "Client" : "Server", silent, conv->last_frame,
                             interval / 1000.0, opt->heartbeat_tolerance_pct, allowed);
  }
}

// Protocol misuse the Tracker saw (only in sessions captured from the start).
void add_misuse(packet_info* pinfo, proto_item* frame_item, const stomp::FrameNotes* n) {
  using stomp::Command;
  expert_field* ei = nullptr;
  switch (n->command) {
    case Command::kAck:
    case Command::kNack: ei = &ei_stomp_ack_unknown; break;
    case Command::kBegin: ei = &ei_stomp_tx_already_open; break;
    case Command::kCommit:
    case Command::kAbort: ei = &ei_stomp_tx_unknown; break;
    case Command::kUnsubscribe: ei = &ei_stomp_unsubscribe_unknown; break;
    case Command::kSubscribe: ei = &ei_stomp_subscription_id_reused; break;
    case Command::kReceipt: ei = &ei_stomp_receipt_unknown; break;
    default: return;
  }
  expert_add_info(pinfo, frame_item, ei);
}

}  // namespace

void stomp_add_session_items(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                             proto_item* frame_item, const stomp::FrameNotes* n,
                             const StompSessionOptions* opt) {
  if (!n) return;
  // Everything below is tree items and expert infos: with neither a tree
  // nor the expert tap listening (tshark -r without a filter), nothing.
  if (!tree && !stomp_expert_tap_listening()) return;
  using stomp::Command;
  const bool complete = PINFO_FD_VISITED(pinfo);  // the first pass has seen everything

  // (frames show their version with their headers; heart-beats here)
  if (n->heartbeat())
    add_string(tree, hf_stomp_session_version, tvb, stomp::version_name(n->version));
  add_heartbeat(tvb, pinfo, tree, frame_item, n, opt);
  if (complete && n->last_of_connection()) add_silence_until_end(pinfo, frame_item, n, opt);
  if (n->heartbeat()) return;
  if (n->misuse()) add_misuse(pinfo, frame_item, n);

  // request / response
  if (n->response_in().ref.valid()) {
    add_frame(tree, hf_stomp_response_in, tvb, n->response_in().ref);
    add_time(tree, hf_stomp_time, tvb, n->response_in().time);
  }
  if (n->response_to().ref.valid()) {
    add_frame(tree, hf_stomp_response_to, tvb, n->response_to().ref);
    add_time(tree, hf_stomp_time, tvb, n->response_to().time);
  }

  // subscription named by this frame
  if (const stomp::Subscription* s = n->subscription) {
    if (!s->id.empty()) add_string(tree, hf_stomp_sub_id, tvb, s->id.c_str());
    if (n->command == Command::kSubscribe) {
      add_uint(tree, hf_stomp_sub_messages, tvb, s->messages);
      if (s->unsubscribe.valid()) add_frame(tree, hf_stomp_unsubscribe_in, tvb, s->unsubscribe);
    } else {
      add_frame(tree, hf_stomp_subscribe_in, tvb, s->subscribe);
      add_string(tree, hf_stomp_sub_destination, tvb, s->destination.c_str());
      add_string(tree, hf_stomp_sub_ack_mode, tvb, s->ack_mode.c_str());
      if (!s->selector.empty()) add_string(tree, hf_stomp_sub_selector, tvb, s->selector.c_str());
    }
  }

  // MESSAGE -> ACK/NACK
  if (n->command == Command::kMessage) {
    if (n->ack_in().ref.valid()) {
      add_frame(tree, hf_stomp_ack_in, tvb, n->ack_in().ref);
      add_time(tree, hf_stomp_ack_time, tvb, n->ack_in().time);
      add_string(tree, hf_stomp_ack_command, tvb, stomp::command_name(n->ack_command));
    } else if (n->needs_ack() && complete) {
      expert_add_info(pinfo, frame_item, &ei_stomp_never_acked);
    }
  }
  if (n->acks().ref.valid()) {
    add_frame(tree, hf_stomp_acks, tvb, n->acks().ref);
    add_time(tree, hf_stomp_ack_time, tvb, n->acks().time);
    add_uint(tree, hf_stomp_acked_count, tvb, n->acked_count);
  }

  // transactions
  if (const stomp::Transaction* t = n->transaction) {
    if (n->command != Command::kBegin) add_frame(tree, hf_stomp_tx_begin_in, tvb, t->begin);
    if (t->end.valid() && n->command != Command::kCommit && n->command != Command::kAbort)
      add_frame(tree, hf_stomp_tx_end_in, tvb, t->end);
    add_string(tree, hf_stomp_tx_outcome, tvb, stomp::outcome_name(t->outcome));
    if (n->command == Command::kBegin || n->command == Command::kCommit ||
        n->command == Command::kAbort) {
      add_uint(tree, hf_stomp_tx_members, tvb, t->members);
      if (t->end.valid()) add_time(tree, hf_stomp_tx_duration, tvb, t->end_time - t->begin_time);
    }
  }

  // broker transit
  if (n->command == stomp::Command::kSend) {
    const stomp::Tracker& tracker = stomp_tracker();
    for (size_t i = 0; i < n->delivery_count; i++) {
      const stomp::Link d = tracker.delivery(n, i);
      add_frame(tree, hf_stomp_delivered_in, tvb, d.ref);
      proto_item* tt = add_time(tree, hf_stomp_transit_time, tvb, d.time);
      if (n->released_at_commit()) proto_item_append_text(tt, " (since the COMMIT)");
    }
  }
  if (n->sent_in().ref.valid()) {
    add_frame(tree, hf_stomp_sent_in, tvb, n->sent_in().ref);
    proto_item* tt = add_time(tree, hf_stomp_transit_time, tvb, n->sent_in().time);
    const stomp::FrameNotes* send = stomp_tracker().find(n->sent_in().ref);
    if (send && send->released_at_commit()) proto_item_append_text(tt, " (since the COMMIT)");
  }

  if (complete && stomp::is_client_command(n->command) && !n->response_in().ref.valid() &&
      n->receipt_requested())
    expert_add_info(pinfo, frame_item, &ei_stomp_no_receipt);
}
