// packet-sockjs.cpp - SockJS: registration, and SockJS framing inside
// WebSocket messages, with the STOMP frames it carries handed to the STOMP
// dissector. The HTTP transports (xhr_streaming, xhr, xhr_send) are in
// sockjs_http_glue.cpp; showing frames in sockjs_frame_tree.cpp; parsing in
// dissector/sockjs/.
//
// A heuristic on the "ws" list (WebSocket messages of a connection whose
// sub-protocol no dissector claimed; SockJS offers none). A message is SockJS:
//   * in a connection whose HTTP Upgrade went to .../<server>/<session>/websocket
//     (the SockJS websocket transport's URL), or one already seen as SockJS,
//     when it parses as a whole SockJS frame (o, h, a[...], c[...], [...]);
//   * else by its shape alone: exactly "o" (the server's first message),
//     a[...] or c[...] that parse completely, or a client array ["..."]
//     whose first string starts like a STOMP frame.
// The strings of a message (a[...] or [...]) are decoded into one new data
// source ("SockJS decoded") and handed, concatenated, to the "stomp"
// dissector: the same path as STOMP over WebSocket, so sessions, Info and the
// MCollective hand-off apply.
#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/dissectors/packet-http.h>
}

#include <cstring>

#include "dissector/sockjs/sockjs_frame.h"
#include "plugin/common/plugin_protocols.h"
#include "plugin/sockjs/sockjs_conv.h"
#include "plugin/sockjs/sockjs_fields.h"
#include "plugin/sockjs/sockjs_frame_tree.h"
#include "plugin/sockjs/sockjs_http_glue.h"

namespace {

int proto_http = -1;

// p_add_proto_data key (file scope): the first pass's verdict, 1 = SockJS.
constexpr guint32 kKeyVerdict = 1;

// The WebSocket Upgrade's URL, once HTTP has seen it (first use).
void check_upgrade_url(packet_info* pinfo, SockjsConv* c) {
  if (c->url_checked) return;
  // The HTTP dissector keeps the request of the Upgrade in its
  // conversation data.
  const char* uri = wsc::http_conv_request_uri(sockjs_http_conv(pinfo));
  if (!uri) return;
  c->url_checked = true;
  size_t len = 0;
  if (sockjs::is_websocket_url(uri, std::strlen(uri), &len)) {
    c->known = true;
    c->url = wmem_strndup(wmem_file_scope(), uri, len);
  }
}

bool accept_first_pass(packet_info* pinfo, const SockjsRun& run, bool cut) {
  SockjsConv* c = sockjs_conv(pinfo);
  if (c) check_upgrade_url(pinfo, c);
  const bool whole =
      run.whole || (cut && run.count == 1 && run.frames[0].f.status == sockjs::Status::kTruncated);
  if (!whole) return false;
  const bool yes = (c && c->known) || sockjs_shape_says_sockjs(run, 0);
  if (yes && c) c->known = true;
  return yes;
}

wsc::heur_ret_t dissect_sockjs_heur_ws(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                       void*) {
  const guint n = tvb_captured_length(tvb);
  if (n == 0) return FALSE;
  if (!sockjs::can_start_frame(wsc::tvb_u8(tvb, 0))) return FALSE;
  const bool visited = PINFO_FD_VISITED(pinfo);
  if (visited && !p_get_proto_data(wmem_file_scope(), pinfo, proto_sockjs, kKeyVerdict))
    return FALSE;
  // One WebSocket message is one SockJS frame.
  const SockjsRun run = sockjs_parse_run(pinfo, tvb_get_ptr(tvb, 0, static_cast<gint>(n)), n, 1);
  if (!visited) {
    if (!accept_first_pass(pinfo, run, n < tvb_reported_length(tvb))) return FALSE;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_sockjs, kKeyVerdict, GUINT_TO_POINTER(1));
  }
  SockjsConv* c = sockjs_conv(pinfo);
  SockjsCarrier carrier{};
  carrier.url = c ? c->url : nullptr;
  sockjs_show_run(tvb, 0, run, pinfo, tree, carrier);
  return TRUE;
}

}  // namespace

SockjsConv* sockjs_conv(packet_info* pinfo) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv) return nullptr;
  SockjsConv* c = static_cast<SockjsConv*>(conversation_get_proto_data(conv, proto_sockjs));
  if (!c) {
    c = wmem_new0(wmem_file_scope(), SockjsConv);
    conversation_add_proto_data(conv, proto_sockjs, c);
  }
  return c;
}

const http_conv_t* sockjs_http_conv(packet_info* pinfo) {
  if (proto_http <= 0) return nullptr;
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  return conv ? static_cast<const http_conv_t*>(conversation_get_proto_data(conv, proto_http))
              : nullptr;
}

void proto_register_sockjs(void) {
  sockjs_register_fields();
  sockjs_http_register();
}

void proto_reg_handoff_sockjs(void) {
  proto_http = proto_get_id_by_filter_name("http");
  sockjs_frame_tree_handoff();
  heur_dissector_add("ws", dissect_sockjs_heur_ws, "SockJS over WebSocket", "sockjs_ws",
                     proto_sockjs, HEURISTIC_ENABLE);
  sockjs_http_handoff();
}
