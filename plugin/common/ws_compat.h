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
#include <utility>

#include <ws_version.h>

#define STOMP_WS_VERSION \
  (WIRESHARK_VERSION_MAJOR * 100 + WIRESHARK_VERSION_MINOR)

// 4.0's epan headers lack extern "C" guards; 4.4's have them and hold C++
// templates (wsutil's jtckdint.h) that must not get C linkage.
#if STOMP_WS_VERSION < 404
extern "C" {
#endif
#include <epan/column-info.h>
#include <epan/conversation.h>
#include <epan/conversation_filter.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto_data.h>
#include <epan/reassemble.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/unit_strings.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wmem/wmem.h>
#if __has_include(<epan/dissectors/packet-media-type.h>)
#include <epan/dissectors/packet-media-type.h>
#else
#include <epan/dissectors/packet-http.h>
#endif
#if STOMP_WS_VERSION < 404
}
#endif

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

// What a media_type table dissector gets as data: http_message_info_t in
// 4.0, media_content_info_t (packet-media-type.h) in newer releases. The
// container type "other HTTP" is the same value in both.
#if __has_include(<epan/dissectors/packet-media-type.h>)
using media_info_t = media_content_info_t;
constexpr media_container_type_t media_other_http = MEDIA_CONTAINER_HTTP_OTHERS;
#else
using media_info_t = http_message_info_t;
constexpr http_type_t media_other_http = HTTP_OTHERS;
#endif

// The URI of the HTTP conversation's latest request: 4.0 keeps it in
// http_conv_t::request_uri, newer releases (4.4) in the tail of the
// conversation's request/response list (http_conv_t::req_res_tail).
template <class C, class = void>
struct http_conv_has_request_uri : std::false_type {};
template <class C>
struct http_conv_has_request_uri<C, std::void_t<decltype(std::declval<C&>().request_uri)>>
    : std::true_type {};
template <class C>  // C = http_conv_t (packet-http.h), deduced
inline const char* http_conv_request_uri(const C* h) {
  if (!h) return nullptr;
  if constexpr (http_conv_has_request_uri<C>::value) {
    return h->request_uri;
  } else {
    return h->req_res_tail ? h->req_res_tail->request_uri : nullptr;
  }
}

// The frame of the HTTP conversation's latest request (0 if none): the tail
// of its request/response list in every release.
template <class C>  // C = http_conv_t (packet-http.h), deduced
inline guint32 http_conv_request_frame(const C* h) {
  return h && h->req_res_tail ? h->req_res_tail->req_framenum : 0;
}

// register_follow_stream for a follower of TCP streams: 4.4 adds the stream
// count (for the GUI's stream chooser) and a sub-stream lookup (HTTP/2, QUIC
// only) after the tap handler; older releases end at the tap handler.
template <class... P, class... A>
inline void register_follow_tcp(void (*reg)(P...), A... a) {
  if constexpr (sizeof...(P) == sizeof...(A)) {
    reg(a...);
  } else {
    reg(a..., get_tcp_stream_count, nullptr);
  }
}

// Conversation filters ("Conversation Filter" menu): 4.0's callbacks take
// the packet only (gboolean / gchar*); newer releases (4.4, 4.6) pass a
// user_data pointer too (bool / char*) and register_conversation_filter takes
// it as a last argument. The plugin writes its callbacks one way,
// bool (*)(packet_info*) and char* (*)(packet_info*), and this adapts them.
template <auto Fn, class F>  // F = the callback type epan wants
struct conv_filter_cb;
template <auto Fn, class R, class... Rest>
struct conv_filter_cb<Fn, R (*)(packet_info*, Rest...)> {
  static R call(packet_info* pinfo, Rest...) { return static_cast<R>(Fn(pinfo)); }
};
template <class... P, class... A>
inline void register_conv_filter_with(void (*reg)(P...), A... a) {
  if constexpr (sizeof...(P) == sizeof...(A)) {
    reg(a...);
  } else {
    reg(a..., nullptr);  // user_data
  }
}
template <bool (*Valid)(packet_info*), char* (*Build)(packet_info*)>
inline void register_conv_filter(const char* proto_name, const char* display_name) {
  register_conv_filter_with(register_conversation_filter, proto_name, display_name,
                            &conv_filter_cb<Valid, is_filter_valid_func>::call,
                            &conv_filter_cb<Build, build_filter_string_func>::call);
}

// Newer releases (4.4, 4.6; their col_item_t has an hf_id) also put the
// columns in the tree as fields (_ws.col.info, ...), and the frame dissector
// adds them before it calls the postdissectors: Info or Protocol text that a
// postdissector writes reaches the column but not those fields, which
// `-T fields -e _ws.col.info` and display filters read. A postdissector that
// wrote them calls this to bring the fields up to date. 4.0 has no such
// fields (tshark reads the columns themselves): nothing to do.
template <class C, class = void>
struct col_item_has_hf : std::false_type {};
template <class C>
struct col_item_has_hf<C, std::void_t<decltype(std::declval<C&>().hf_id)>> : std::true_type {};
template <class Item = col_item_t, class Field = field_info>  // dependent: 4.0 lacks hf_id
inline void refresh_column_fields(packet_info* pinfo, proto_tree* tree) {
  if constexpr (col_item_has_hf<Item>::value) {
    column_info* cinfo = pinfo->cinfo;
    if (!cinfo || !tree) return;
    for (int i = 0; i < cinfo->num_cols; i++) {
      const Item& c = cinfo->columns[i];
      if (c.hf_id <= 0 || !c.col_data || (c.col_fmt != COL_INFO && c.col_fmt != COL_PROTOCOL))
        continue;
      GPtrArray* found = proto_find_finfo(tree, c.hf_id);
      if (!found) continue;
      for (guint k = 0; k < found->len; k++) {
        Field* fi = static_cast<Field*>(g_ptr_array_index(found, k));
        if (fi && fi->value) fvalue_set_string(fi->value, c.col_data);
      }
      g_ptr_array_free(found, TRUE);
    }
  } else {
    static_cast<void>(pinfo);
    static_cast<void>(tree);
  }
}

// A string dissector table lookup with data; 4.6 deprecates
// dissector_try_string for dissector_try_string_with_data(.., add_proto_name).
inline int try_string(dissector_table_t table, const char* s, tvbuff_t* tvb,
                      packet_info* pinfo, proto_tree* tree, void* data) {
#if STOMP_WS_VERSION >= 406
  return dissector_try_string_with_data(table, s, tvb, pinfo, tree, true, data);
#else
  return dissector_try_string(table, s, tvb, pinfo, tree, data);
#endif
}

// stat_tap_ui init callbacks return void up to 4.4 and bool (success) in 4.6.
using tap_init_ret_t = std::invoke_result_t<stat_tap_init_cb, const char*, void*>;
template <class R = tap_init_ret_t>
inline R tap_init_result(bool ok) {
  if constexpr (std::is_void_v<R>) {
    static_cast<void>(ok);
  } else {
    return ok;
  }
}

// Per-packet scratch pool (wmem_packet_scope() is gone in 4.6).
inline wmem_allocator_t* packet_pool(packet_info* pinfo) { return pinfo->pool; }

// A callback run when a wmem pool is freed: 4.0's returns gboolean, 4.4's
// and 4.6's bool. The plugin writes bool (*)(wmem_allocator_t*,
// wmem_cb_event_t, void*) and registers it through this.
template <bool (*Fn)(wmem_allocator_t*, wmem_cb_event_t, void*)>
inline guint register_pool_callback(wmem_allocator_t* pool, void* data) {
  using R = decltype(std::declval<wmem_user_cb_t>()(nullptr, WMEM_CB_FREE_EVENT, nullptr));
  struct Adapter {
    static R call(wmem_allocator_t* a, wmem_cb_event_t e, void* d) {
      return static_cast<R>(Fn(a, e, d));
    }
  };
  return wmem_register_callback(pool, &Adapter::call, data);
}

inline guint8 tvb_u8(tvbuff_t* tvb, gint offset) {
#if STOMP_WS_VERSION >= 404
  return tvb_get_uint8(tvb, offset);
#else
  return tvb_get_guint8(tvb, offset);
#endif
}

// A growing string in a wmem pool (4.0: wmem_strbuf_sized_new, with a size
// limit, 0 = none; 4.2 renamed it wmem_strbuf_new_sized, without one).
inline wmem_strbuf_t* strbuf_new(wmem_allocator_t* pool, gsize size) {
#if STOMP_WS_VERSION >= 402
  return wmem_strbuf_new_sized(pool, size);
#else
  return wmem_strbuf_sized_new(pool, size, 0);
#endif
}

// TCP's analysis of a conversation, read only (null if TCP has none). The
// reads of packet-tcp.h's structures below are kept here because newer
// releases may rearrange them.
inline const struct tcp_analysis* tcp_analysis_of(conversation_t* conv) {
  static int proto_tcp = -1;
  if (proto_tcp < 0) proto_tcp = proto_get_id_by_filter_name("tcp");
  return static_cast<const struct tcp_analysis*>(conversation_get_proto_data(conv, proto_tcp));
}

// Whether the conversation's TCP handshake (a SYN) is in the capture.
inline bool tcp_handshake_seen(conversation_t* conv) {
  const struct tcp_analysis* tcpd = tcp_analysis_of(conv);
  return tcpd && !nstime_is_zero(&tcpd->ts_mru_syn);
}

// The time of the conversation's latest packet so far (after the first
// pass: its last; 0 when tcp.calculate_timestamps is off). False if TCP
// has no analysis of it.
inline bool tcp_last_packet_time(conversation_t* conv, double* t) {
  const struct tcp_analysis* tcpd = tcp_analysis_of(conv);
  if (!tcpd) return false;
  *t = static_cast<double>(tcpd->ts_prev.secs) + tcpd->ts_prev.nsecs / 1e9;
  return true;
}

// The raw TCP sequence number one past the newest segment TCP's sequence
// analysis recorded for this packet's sender, if that segment is this
// packet's (a segment that takes sequence space: data, SYN or FIN; a FIN
// counts one past its data). False when the analysis is off or the packet
// took no sequence space. (get_tcp_conversation_data: it points fwd at
// this packet's direction.)
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
