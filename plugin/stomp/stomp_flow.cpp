// stomp_flow.cpp - see stomp_flow.h.
//
// The flow listens on the "stomp" tap itself (register_seq_analysis with tap
// name "stomp"), so queue_tap's have_tap_listener(stomp_tap) check already
// builds the record whenever the Flow Graph (or -z flow,stomp) is open.
#include "plugin/stomp/stomp_flow.h"

#include <cstring>
#include <string>

#include "dissector/stomp/stomp_filter_string.h"
#include "plugin/common/ws_compat.h"
#include "plugin/common/ws_seq_analysis.h"
#include "plugin/stomp/stomp_tap.h"

namespace {

int flow_proto = -1;
// p_add_proto_data key (file scope): the packet's first destination.
// (keys of proto_stomp in use elsewhere: 1 state, 20-22 collect, 30-31
// packet-stomp.cpp, 0x53525400 stats)
enum : guint32 { kKeyDestination = 40 };

bool tcp_stream_of(packet_info* pinfo, guint32* stream) {
  if (pinfo->ptype != PT_TCP) return false;
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv) return false;
  struct tcp_analysis* tcpd = get_tcp_conversation_data(conv, pinfo);
  if (!tcpd) return false;
  *stream = tcpd->stream;
  return true;
}

#if STOMP_HAVE_SEQ_ANALYSIS
void append(GString* s, const char* name, const char* value) {
  if (!value) return;
  if (s->len) g_string_append(s, "  ");
  g_string_append_printf(s, "%s: %s", name, value);
}

tap_packet_status flow_packet(void* ptr, packet_info* pinfo, epan_dissect_t*, const void* data,
                              tap_flags_t) {
  seq_analysis_info_t* sainfo = static_cast<seq_analysis_info_t*>(ptr);
  const stomp_tap_info* t = static_cast<const stomp_tap_info*>(data);
  if (!t || !t->command || std::strcmp(t->command, "heart-beat") == 0)
    return TAP_PACKET_DONT_REDRAW;
  seq_analysis_item_t* sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
  if (!sai) return TAP_PACKET_DONT_REDRAW;
  sai->frame_number = pinfo->num;
  sai->port_src = static_cast<guint16>(pinfo->srcport);
  sai->port_dst = static_cast<guint16>(pinfo->destport);
  sai->frame_label = t->destination ? g_strdup_printf("%s %s", t->command, t->destination)
                                    : g_strdup(t->command);
  GString* c = g_string_new(NULL);
  append(c, "message-id", t->message_id);
  append(c, "subscription", t->subscription);
  append(c, "receipt", t->receipt);
  append(c, "receipt-id", t->receipt_id);
  if (t->error_message) append(c, "message", t->error_message);
  sai->comment = g_string_free(c, FALSE);
  guint32 stream = 0;
  if (tcp_stream_of(pinfo, &stream)) sai->conv_num = static_cast<guint16>(stream);
  sai->line_style = 1;
  sai->display = TRUE;
  g_queue_push_tail(sainfo->items, sai);
  return TAP_PACKET_REDRAW;
}
#endif

bool connection_valid(packet_info* pinfo) {
  guint32 stream = 0;
  return proto_is_frame_protocol(pinfo->layers, "stomp") && tcp_stream_of(pinfo, &stream);
}

char* connection_filter(packet_info* pinfo) {
  guint32 stream = 0;
  if (!connection_valid(pinfo) || !tcp_stream_of(pinfo, &stream)) return NULL;
  return g_strdup_printf("tcp.stream eq %u", stream);
}

const char* destination_of(packet_info* pinfo) {
  if (flow_proto < 0) return nullptr;
  return static_cast<const char*>(
      p_get_proto_data(wmem_file_scope(), pinfo, flow_proto, kKeyDestination));
}

bool destination_valid(packet_info* pinfo) {
  return proto_is_frame_protocol(pinfo->layers, "stomp") && destination_of(pinfo) != nullptr;
}

char* destination_filter(packet_info* pinfo) {
  const char* d = destination_valid(pinfo) ? destination_of(pinfo) : nullptr;
  if (!d) return NULL;
  // no epan call below: the std::string cannot be skipped by a longjmp
  const std::string f = stomp::destination_filter(d, std::strlen(d));
  return g_strdup(f.c_str());
}

}  // namespace

void stomp_flow_register(int proto_stomp) {
  flow_proto = proto_stomp;
#if STOMP_HAVE_SEQ_ANALYSIS
  register_seq_analysis("stomp", "STOMP Flows", proto_stomp, "stomp", TL_REQUIRES_NOTHING,
                        flow_packet);
#endif
  wsc::register_conv_filter<connection_valid, connection_filter>("stomp", "STOMP connection");
  wsc::register_conv_filter<destination_valid, destination_filter>("stomp", "STOMP destination");
}

void stomp_flow_note_destination(packet_info* pinfo, const char* destination) {
  if (!destination || flow_proto < 0) return;
  if (p_get_proto_data(wmem_file_scope(), pinfo, flow_proto, kKeyDestination)) return;
  p_add_proto_data(wmem_file_scope(), pinfo, flow_proto, kKeyDestination,
                   wmem_strdup(wmem_file_scope(), destination));
}
