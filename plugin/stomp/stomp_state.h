// stomp_state.h - capture-lifetime state of the STOMP glue: the session
// Tracker (created when a capture file is opened, destroyed when it is
// closed) and the per-packet frame counter that gives each frame its
// FrameRef.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/stomp/stomp_session.h"
#include "plugin/stomp/stomp_body_info.h"

// The tracker of the capture being dissected (never null after init).
stomp::Tracker& stomp_tracker(void);

// This packet dissection's STOMP state (in pinfo->pool): callers that
// handle many frames of a packet look it up once and pass it to the *_in
// variants below.
struct StompPacketState;
StompPacketState* stomp_packet_state(packet_info* pinfo);

// FrameRef for the next STOMP frame dissected in this packet.
stomp::FrameRef stomp_next_frame_ref(packet_info* pinfo);
stomp::FrameRef stomp_next_frame_ref_in(StompPacketState* st, packet_info* pinfo);

// Appends one item (frame, heart-beat, junk) to the Info column; the first
// item of a packet replaces what lower layers wrote there.
void stomp_col_append(packet_info* pinfo, const char* text);
void stomp_col_append_in(StompPacketState* st, packet_info* pinfo, const char* text, size_t len);
// Whether this packet's Info column holds a STOMP item yet.
gboolean stomp_col_used(packet_info* pinfo);
// Adds to the last item (a sub-dissector's summary of a frame's body).
void stomp_col_extend(packet_info* pinfo, const char* text);
// Writes the items gathered since the last flush to the Info column, in one
// append. Every entry point of the STOMP dissector calls it before it returns
// (also when an exception unwinds it).
void stomp_col_flush(packet_info* pinfo);

// Whether a listener (tshark -z expert, the GUI's Expert Information) takes
// expert infos: without it and without a tree, a frame's header checks are
// skipped.
bool stomp_expert_tap_listening(void);

// The registered body pre-check (stomp_body_info.h), when its heuristic is
// the only enabled one of "stomp.body" in this capture's dissection; else
// null (then every body goes to the table).
stomp_body_precheck_t stomp_body_precheck(void);

// Connection id and sender id as the Tracker wants them.
uint64_t stomp_connection_id(packet_info* pinfo);
uint64_t stomp_sender_id(packet_info* pinfo);

// A carrier that spreads one STOMP session over several TCP connections
// (SockJS over HTTP: the client's frames in xhr_send requests, the broker's
// in a streaming or polling response) names the session and the side for
// the frames of the STOMP calls it makes until stomp_end_carrier_session.
void stomp_begin_carrier_session(packet_info* pinfo, uint64_t conn, uint64_t sender);
void stomp_end_carrier_session(packet_info* pinfo);

// First pass: where each sender of a connection is in a capture that may
// have started in the middle of a frame (the glue skips to the first frame
// of each side).
enum class StompSenderStart : guint8 {
  kUnknown,   // nothing seen from this sender yet
  kInside,    // skipping: inside a frame that began before the capture
  kAfterNul,  // skipping: that frame's NUL was the last byte seen
  kStarted,   // STOMP items are parsed from this sender
};
StompSenderStart stomp_sender_start(uint64_t conn, uint64_t sender);
void stomp_set_sender_start(uint64_t conn, uint64_t sender, StompSenderStart state);

// First pass: connections found carrying STOMP inside WebSocket (where the
// transport below offers every message to the heuristics anew).
void stomp_mark_stomp_connection(uint64_t conn);
bool stomp_is_stomp_connection(uint64_t conn);

// First pass: a TCP connection that the TCP heuristic alone (no port
// preference, no Decode As) took for STOMP, and whether a frame of it has
// ever completed. Until one has, a frame that never ends (FIN, capture end)
// is no evidence of STOMP: text that merely starts like a frame is left as
// TCP data (stomp_unproven_connection).
void stomp_mark_heuristic_connection(uint64_t conn);
void stomp_note_complete_frame(uint64_t conn);
bool stomp_unproven_connection(uint64_t conn);

void stomp_state_register(void);
