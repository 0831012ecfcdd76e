// ws_seq_analysis.h - the part of epan's sequence analysis (Statistics >
// Flow Graph, tshark -z flow,NAME) that the STOMP flow tap uses.
//
// Why this file: libwireshark exports register_seq_analysis() and the
// seq_analysis_* helpers, but Debian's libwireshark-dev (4.0, 4.4, 4.6) does
// not install <epan/sequence_analysis.h>. Where the real header is installed
// it is used. Otherwise, for 4.0 only, the declarations below are copied in
// shape (not code) from Wireshark 4.0.17's epan/sequence_analysis.h and MUST
// match its ABI: the field order and types of seq_analysis_item_t and
// seq_analysis_info_t, and the function signatures. Newer releases changed
// the item (gboolean -> bool fields), so for them, without the header, the
// flow graph is left out: STOMP_HAVE_SEQ_ANALYSIS is 0.
#pragma once

#include "plugin/common/ws_compat.h"

#if __has_include(<epan/sequence_analysis.h>)
#if STOMP_WS_VERSION < 404
extern "C" {
#endif
#include <epan/sequence_analysis.h>
#if STOMP_WS_VERSION < 404
}
#endif
#define STOMP_HAVE_SEQ_ANALYSIS 1

#elif STOMP_WS_VERSION == 400
#define STOMP_HAVE_SEQ_ANALYSIS 1
extern "C" {
#define MAX_NUM_NODES 40

typedef struct _seq_analysis_item {
  guint32 frame_number;
  address src_addr;
  guint16 port_src;
  address dst_addr;
  guint16 port_dst;
  gchar* frame_label;  // g_malloc'd; freed by epan
  gchar* time_str;
  gchar* comment;      // g_malloc'd; freed by epan
  guint16 conv_num;
  unsigned fg_color;
  unsigned bg_color;
  gboolean has_color_filter;
  gboolean display;
  guint src_node;
  guint dst_node;
  guint16 line_style;
  guint32 info_type;
  gpointer info_ptr;
} seq_analysis_item_t;

typedef struct _seq_analysis_info {
  const char* name;
  gboolean any_addr;
  int nconv;
  GQueue* items;
  GHashTable* ht;
  address nodes[MAX_NUM_NODES];
  guint32 num_nodes;
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char* name, const char* ui_name,
                                         const int proto_id, const char* tap_listener,
                                         guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t* sequence_analysis_create_sai_with_addresses(
    packet_info* pinfo, seq_analysis_info_t* sainfo);
}

#else
#define STOMP_HAVE_SEQ_ANALYSIS 0
#endif
