// stomp_big_frame.h - reassembly of large frames whose length is unknown
// (no usable content-length: the body ends at the first NUL).
//
// Asking TCP for "one more segment" until the NUL shows up makes TCP rebuild
// the whole growing buffer for every segment: quadratic in the body size
// (93 s for a 16 MB body in 1448-byte segments). So once such a frame has a
// complete header section and 64 KiB buffered, the glue collects the rest
// itself on the first pass: each new segment is appended (TCP sequence
// numbers skip retransmitted bytes and detect gaps) and searched for the NUL
// alone. The finished frame is kept with the packet it ended in, and every
// packet remembers its role, so later passes and GUI clicks replay exactly
// what the first pass did.
#pragma once

#include "ws_compat.h"

#include "stomp_frame_tree.h"

// From here on the frame at buf[0, len) (tvb offset `offset`), whose header
// section is complete and whose body has no NUL yet, is collected by the
// glue. Returns false when that is not possible (not directly on TCP, not
// the first pass): the caller then asks TCP for more as usual.
bool stomp_big_frame_start(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                           const struct tcpinfo* tcp, guint offset, const guint8* buf, guint len);

// At the start of each call on a TCP stream: if a frame is being collected
// for this sender (or was, on a later pass), takes this packet's share of it,
// dissects the frame when it ends here, and returns the tvb offset where
// ordinary scanning resumes (tvb length when the packet is all continuation).
guint stomp_big_frame_continue(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                               const struct tcpinfo* tcp, const StompFrameOptions* opt);

// Only frames at least this big are collected by the glue.
constexpr guint kStompBigFrameThreshold = 64 * 1024;

void stomp_big_frame_register(void);
