// stomp_follow.cpp - see stomp_follow.h.
//
// The follow tap ("stomp_follow") carries a tvb holding exactly one STOMP
// frame or heart-beat, cut from the tvb the frame was dissected in (so TLS
// and WebSocket payloads and reassembled frames come out as the frame's
// bytes, not the TCP segments); epan's follow_tvb_tap_listener() records it
// and tells the directions apart by the first record's source. A stream is a
// TCP connection: its filter is tcp.stream, as TCP's own follow uses.
#include "plugin/stomp/stomp_follow.h"

#include "plugin/common/ws_compat.h"
#include "plugin/stomp/stomp_tap.h"

extern "C" {
#include <epan/follow.h>
#include <epan/to_str.h>
}

namespace {

int follow_tap = -1;

gchar* conv_filter(epan_dissect_t*, packet_info* pinfo, guint* stream, guint*) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv || pinfo->ptype != PT_TCP) return NULL;
  struct tcp_analysis* tcpd = get_tcp_conversation_data(conv, pinfo);
  if (!tcpd) return NULL;
  if (stream) *stream = tcpd->stream;
  return g_strdup_printf("tcp.stream eq %u", tcpd->stream);
}

gchar* index_filter(guint stream, guint) { return g_strdup_printf("tcp.stream eq %u", stream); }

gchar* address_filter(address* src, address* dst, int sport, int dport) {
  const char* ip = src->type == AT_IPv6 ? "ipv6" : "ip";
  gchar* s = address_to_str(NULL, src);
  gchar* d = address_to_str(NULL, dst);
  gchar* f = g_strdup_printf(
      "((%s.src eq %s and tcp.srcport eq %d and %s.dst eq %s and tcp.dstport eq %d) or "
      "(%s.src eq %s and tcp.srcport eq %d and %s.dst eq %s and tcp.dstport eq %d))",
      ip, s, sport, ip, d, dport, ip, d, dport, ip, s, sport);
  wmem_free(NULL, s);
  wmem_free(NULL, d);
  return f;
}

gchar* port_to_display(wmem_allocator_t* scope, guint port) {
  return wmem_strdup_printf(scope, "%u", port);
}

}  // namespace

void stomp_follow_register(int proto_stomp) {
  follow_tap = register_tap("stomp_follow");
  wsc::register_follow_tcp(&register_follow_stream, proto_stomp, "stomp_follow", conv_filter,
                           index_filter, address_filter, port_to_display, follow_tvb_tap_listener);
}

bool stomp_follow_listening(void) { return follow_tap >= 0 && have_tap_listener(follow_tap); }

void stomp_follow_queue(packet_info* pinfo, const stomp_tap_info* tap) {
  if (follow_tap < 0 || !have_tap_listener(follow_tap) || !tap->tvb || tap->frame_bytes == 0)
    return;
  const guint avail = tvb_captured_length(tap->tvb);
  if (tap->frame_off >= avail) return;
  guint64 len = tap->frame_bytes;
  if (len > avail - tap->frame_off) len = avail - tap->frame_off;
  tvbuff_t* one = tvb_new_subset_length(tap->tvb, static_cast<gint>(tap->frame_off),
                                        static_cast<gint>(len));
  tap_queue_packet(follow_tap, pinfo, one);
}
