// stomp_session_tree.h - the generated items that show what the Tracker
// knows about a frame or heart-beat: negotiated version and heart-beats,
// links to responses, ACKs, subscriptions, transactions and deliveries,
// with times, and the expert info that follows from them.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/stomp/stomp_session.h"

struct StompSessionOptions {
  guint heartbeat_tolerance_pct;  // grace on top of the negotiated interval, % of it
};

void stomp_add_session_items(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                             proto_item* frame_item, const stomp::FrameNotes* notes,
                             const StompSessionOptions* opt);
