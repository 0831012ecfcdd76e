// mco_pairing_tree.h - generated items linking a request with its replies
// (one per node, with its time and where the time went) and a reply with
// its request, plus the TTL and unknown-request expert info.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/mcollective/mco_correlate.h"

void mco_add_pairing(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, proto_item* top,
                     const mco::MessageNotes* notes, stomp::FrameRef self);

// " (12.34 ms)" style suffix for the Info column of a reply, or "".
void mco_reply_time_text(const mco::MessageNotes* notes, stomp::FrameRef self, char* out,
                         size_t cap);
