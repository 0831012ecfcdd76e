// stomp_collect.h - STOMP items of unknown length (header section not
// complete yet, or a body without content-length that ends at the first NUL)
// that span TCP segments, collected by the dissector itself rather than by
// TCP's desegmentation. Items whose length is known are left to TCP with
// that exact length.
//
// Why not TCP's: asked for "one more segment" (the only request possible
// while the length is unknown), TCP keeps the whole next segment with the
// item and rebuilds the entire growing buffer for every segment. That is
// quadratic in the item's size (93 s for a 16 MB body in 1448-byte
// segments) and, on MTU-1500 traffic, keeps ~1.7 KB for every small frame
// that straddles a boundary. Here, on the first pass, the bytes of an
// incomplete item are appended to a buffer per sender (segments placed by
// TCP sequence number: retransmitted bytes skipped, a gap abandons the
// item), the scanner resumes where it stopped, and when the item ends only
// the bytes it covers are kept with the packet it ended in. Every packet
// records its role, so later passes and GUI clicks replay what the first
// pass did.
//
// Used directly on TCP only; inside TLS and WebSocket the transport below
// reassembles.
#pragma once

#include "ws_compat.h"

#include "stomp_frame.h"
#include "stomp_frame_tree.h"

// The item at buf[0, len) (tvb offset `offset`) is incomplete and of
// unknown length: collect it from here. `scanned` is where its scan stopped.
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

void stomp_collect_register(void);
