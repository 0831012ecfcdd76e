// ws_compat.h - every epan include and every epan call that differs between
// Wireshark 4.0 (the target, Debian bookworm) and 4.2/4.4/4.6 goes through
// here, so a port to a newer release is a matter of this one file.
//
// Rules for the glue code (see ../README.md "Design"):
//  * epan exceptions are longjmp: functions that call tvb_*/proto_tree_add_*
//    must not own C++ objects with destructors. Parse first (pure cores),
//    keep results in arena/wmem memory, then build the tree.
//  * Some epan headers lack extern "C" guards; include them only from here.
#pragma once

#include <type_traits>

#include <ws_version.h>

extern "C" {
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto_data.h>
#include <epan/reassemble.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/unit_strings.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wmem/wmem.h>
}

#define STOMP_WS_VERSION \
  (WIRESHARK_VERSION_MAJOR * 100 + WIRESHARK_VERSION_MINOR)

namespace wsc {

// Heuristic dissectors return gboolean up to 4.2 and bool from 4.4.
using heur_ret_t =
    std::invoke_result_t<heur_dissector_t, tvbuff_t*, packet_info*, proto_tree*, void*>;

// Boolean preference variables: gboolean up to 4.2, bool from 4.4.
template <class F>
struct bool_pref_arg;
template <class R, class A, class B, class C, class D, class E>
struct bool_pref_arg<R (*)(A, B, C, D, E)> {
  using type = std::remove_pointer_t<E>;
};
using pref_bool_t = typename bool_pref_arg<decltype(&prefs_register_bool_preference)>::type;

// Per-packet scratch pool (wmem_packet_scope() is gone in 4.6).
inline wmem_allocator_t* packet_pool(packet_info* pinfo) { return pinfo->pool; }

inline guint8 tvb_u8(tvbuff_t* tvb, gint offset) {
#if STOMP_WS_VERSION >= 404
  return tvb_get_uint8(tvb, offset);
#else
  return tvb_get_guint8(tvb, offset);
#endif
}

// The raw TCP sequence number one past the newest segment TCP's sequence
// analysis recorded for this packet's sender, if that segment is this
// packet's (a segment that takes sequence space: data, SYN or FIN; a FIN
// counts one past its data). False when the analysis is off or the packet
// took no sequence space. Reads packet-tcp.h's flow structures, which
// newer releases may rearrange: kept here for that reason.
inline bool tcp_segment_end(conversation_t* conv, packet_info* pinfo, guint32* end,
                            guint32* base_seq) {
  const struct tcp_analysis* tcpd = get_tcp_conversation_data(conv, pinfo);
  if (!tcpd || !tcpd->fwd || !tcpd->fwd->tcp_analyze_seq_info) return false;
  const tcp_unacked_t* seg = tcpd->fwd->tcp_analyze_seq_info->segments;  // newest first
  if (!seg || seg->frame != pinfo->num) return false;
  *end = seg->nextseq;
  *base_seq = tcpd->fwd->base_seq;
  return true;
}

}  // namespace wsc
