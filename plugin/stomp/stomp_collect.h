// stomp_collect.h - STOMP frames that span TCP segments, collected by the
// dissector itself rather than by TCP's desegmentation.
//
// Why not TCP's: while a frame's length is unknown (header section not
// complete yet, or a body without content-length that ends at the first
// NUL) the only request possible is "one more segment", and TCP then keeps
// the whole next segment with the frame and rebuilds the entire growing
// buffer for every segment: quadratic in the frame's size (93 s for a 16 MB
// body in 1448-byte segments) and ~1.7 KB kept for every small frame that
// straddles a boundary on MTU-1500 traffic. And when the length is known,
// TCP shows the dissector nothing until it has all of it: a content-length
// that promises more than ever comes swallows every frame after it, and a
// frame still incomplete when the capture ends is never shown at all. Here,
// on the first pass, the bytes of an incomplete frame are appended to a
// buffer per sender (segments placed by TCP sequence number: retransmitted
// bytes skipped, a gap abandons the frame), the scanner resumes where it
// stopped (so it sees a lying content-length as soon as the next frame
// shows), and when the frame ends only the bytes it covers are kept with the
// packet it ended in. Every packet records its role, so later passes and GUI
// clicks replay what the first pass did; packets that only carry part of a
// frame are shown as TCP shows segments it keeps for a dissector.
//
// Used directly on TCP only; inside TLS and WebSocket the transport below
// reassembles.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/stomp/stomp_frame.h"
#include "plugin/stomp/stomp_frame_tree.h"

// The item at buf[0, len) (tvb offset `offset`) is incomplete: collect it
// from here. `scanned` is where its scan stopped.
// Returns false when the glue cannot collect (not the first pass and no
// record of it).
bool stomp_collect_start(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                         const struct tcpinfo* tcp, guint offset, const guint8* buf, guint len,
                         const stomp::ScanResume* scanned);

// At the start of each call on TCP: takes this packet's share of a frame
// being collected for its sender (or replays what the first pass did),
// dissects what completes here, and returns the tvb offset where ordinary
// scanning resumes (the tvb length when the packet is all continuation).
guint stomp_collect_continue(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                             const struct tcpinfo* tcp, const StompFrameOptions* opt);

// A frame still being collected when its sender closes the connection
// (FIN) will never end; TCP calls no dissector for an empty FIN, so a
// postdissector asks these, first pass and later ones alike, and the frame
// is shown, unterminated, at the FIN (one pass is enough to see it).
//
// Whether this packet needs looking at: an item is being collected (first
// pass) or some packet closed a side inside one (later passes). Cheap.
bool stomp_collect_watching(packet_info* pinfo);
// First pass: whether this packet's sender has an item being collected, and
// the TCP sequence number that the item's next byte would have.
bool stomp_collect_pending(packet_info* pinfo, guint32* next_seq);
// This packet closed its sender's side inside the item being collected
// (first pass), or did so on the first pass (later passes): show the item.
void stomp_collect_closed(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                          const StompFrameOptions* opt);

void stomp_collect_register(void);
