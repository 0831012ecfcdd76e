// stomp_frame_tree.h - turns one scanner result (frame, heart-beat or junk)
// into tree items, Info column text, expert info and the body hand-off.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/stomp/stomp_frame.h"
#include "plugin/stomp/stomp_state.h"
#include "plugin/stomp/stomp_session_tree.h"

struct StompFrameOptions {
  bool dissect_body;          // hand bodies to sub-dissectors
  guint max_headers_shown;    // header lines shown per frame
  dissector_table_t media_types;
  heur_dissector_list_t body_heuristics;
  dissector_handle_t data_handle;
  StompSessionOptions session;
  // The packet's connection and sender ids when the caller has them (one
  // lookup per packet instead of one per frame); have_ids false: looked up.
  bool have_ids;
  uint64_t conn;
  uint64_t sender;
  // The packet's STOMP state (stomp_packet_state), or null: looked up.
  StompPacketState* packet;
};

// buf points at the first byte of the item (tvb offset `offset`).
void stomp_dissect_frame(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                         const guint8* buf, const stomp::Scan* scan,
                         const StompFrameOptions* opt);
void stomp_dissect_heartbeat(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                             const stomp::Scan* scan, const StompFrameOptions* opt);
void stomp_dissect_junk(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                        const stomp::Scan* scan);
