// packet-sockjs.cpp - SockJS framing inside WebSocket messages, with the
// STOMP frames it carries handed to the STOMP dissector.
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
// MCollective hand-off apply. The framing itself is parsed by
// dissector/sockjs/sockjs_frame.*.
#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/dissectors/packet-http.h>
}

#include <cstring>

#include "dissector/sockjs/sockjs_frame.h"
#include "dissector/stomp/stomp_frame.h"
#include "plugin/common/plugin_protocols.h"

namespace {

int proto_sockjs = -1;
int proto_http = -1;
int hf_sockjs_type = -1;
int hf_sockjs_count = -1;
int hf_sockjs_message = -1;
int hf_sockjs_close_code = -1;
int hf_sockjs_close_reason = -1;
int hf_sockjs_url = -1;
gint ett_sockjs = -1;
expert_field ei_sockjs_bad = EI_INIT;
expert_field ei_sockjs_truncated = EI_INIT;
expert_field ei_sockjs_surrogate = EI_INIT;
dissector_handle_t stomp_handle;

// p_add_proto_data key (file scope): the first pass's verdict, 1 = SockJS.
constexpr guint32 kKeyVerdict = 1;
// Strings looked at per message (each takes at least 2 input bytes).
constexpr size_t kMaxStrings = 4096;

const value_string frame_type_vals[] = {
    {static_cast<guint32>(sockjs::FrameType::kOpen), "Open (o)"},
    {static_cast<guint32>(sockjs::FrameType::kHeartbeat), "Heartbeat (h)"},
    {static_cast<guint32>(sockjs::FrameType::kPrelude), "Prelude (h...)"},
    {static_cast<guint32>(sockjs::FrameType::kArray), "Array (a[...])"},
    {static_cast<guint32>(sockjs::FrameType::kClose), "Close (c[...])"},
    {static_cast<guint32>(sockjs::FrameType::kClientArray), "Client array ([...])"},
    {static_cast<guint32>(sockjs::FrameType::kClientString), "Client string"},
    {0, NULL}};

// Per TCP conversation: the connection is known to be SockJS.
struct SockjsConv {
  bool known;
  bool url_checked;
  const char* url;  // the Upgrade request's URI when it has SockJS's shape
};

SockjsConv* conv_data(packet_info* pinfo) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv) return nullptr;
  SockjsConv* c = static_cast<SockjsConv*>(conversation_get_proto_data(conv, proto_sockjs));
  if (!c) {
    c = wmem_new0(wmem_file_scope(), SockjsConv);
    conversation_add_proto_data(conv, proto_sockjs, c);
  }
  if (!c->url_checked && proto_http > 0) {
    // The HTTP dissector keeps the request of the Upgrade in its
    // conversation data (http_conv_t, packet-http.h).
    const http_conv_t* h = static_cast<const http_conv_t*>(
        conversation_get_proto_data(conv, proto_http));
    const char* uri = wsc::http_conv_request_uri(h);
    if (uri) {
      c->url_checked = true;
      size_t len = 0;
      if (sockjs::is_websocket_url(uri, std::strlen(uri), &len)) {
        c->known = true;
        c->url = wmem_strndup(wmem_file_scope(), uri, len);
      }
    }
  }
  return c;
}

bool accept_first_pass(packet_info* pinfo, const sockjs::Frame& f, size_t n,
                       const uint8_t* out, const sockjs::StringSpan* spans, bool cut) {
  SockjsConv* c = conv_data(pinfo);
  const bool whole = (f.status == sockjs::Status::kOk && f.length == n) ||
                     (cut && f.status == sockjs::Status::kTruncated);
  if (!whole) return false;
  bool yes = c && c->known;
  if (!yes) {
    switch (f.type) {
      case sockjs::FrameType::kOpen:
      case sockjs::FrameType::kArray:
      case sockjs::FrameType::kClose:
        yes = true;
        break;
      case sockjs::FrameType::kClientArray:
      case sockjs::FrameType::kClientString:
        yes = f.strings > 0 &&
              stomp::looks_like_stream_start(out + spans[0].out_offset, spans[0].out_length) ==
                  stomp::Verdict::kYes;
        break;
      default:
        break;
    }
  }
  if (yes && c) c->known = true;
  return yes;
}

wsc::heur_ret_t dissect_sockjs_heur_ws(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                       void*) {
  const guint n = tvb_captured_length(tvb);
  if (n == 0) return FALSE;
  const guint8 k = wsc::tvb_u8(tvb, 0);
  if (!(k == 'o' || k == 'h' || k == 'a' || k == 'c' || k == '[' || k == '"')) return FALSE;
  const bool visited = PINFO_FD_VISITED(pinfo);
  if (visited && !p_get_proto_data(wmem_file_scope(), pinfo, proto_sockjs, kKeyVerdict))
    return FALSE;

  const guint8* in = tvb_get_ptr(tvb, 0, static_cast<gint>(n));
  sockjs::Limits limits;
  limits.max_strings = MIN(kMaxStrings, static_cast<size_t>(n) / 2 + 1);
  guint8* out = static_cast<guint8*>(wmem_alloc(pinfo->pool, n));
  sockjs::StringSpan* spans = static_cast<sockjs::StringSpan*>(
      wmem_alloc(pinfo->pool, sizeof(sockjs::StringSpan) * limits.max_strings));
  const sockjs::Frame f = sockjs::parse(in, n, out, n, spans, limits);
  const bool cut = n < tvb_reported_length(tvb);
  if (!visited) {
    if (!accept_first_pass(pinfo, f, n, out, spans, cut)) return FALSE;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_sockjs, kKeyVerdict, GUINT_TO_POINTER(1));
  }

  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SockJS");
  proto_item* ti = proto_tree_add_item(tree, proto_sockjs, tvb, 0, -1, ENC_NA);
  proto_item_append_text(ti, ", %s", sockjs::frame_type_name(f.type));
  proto_tree* st = proto_item_add_subtree(ti, ett_sockjs);
  proto_tree_add_uint(st, hf_sockjs_type, tvb, 0, 1, static_cast<guint32>(f.type));
  SockjsConv* c = conv_data(pinfo);
  if (c && c->url) {
    proto_item* ui = proto_tree_add_string(st, hf_sockjs_url, tvb, 0, 0, c->url);
    proto_item_set_generated(ui);
  }
  if (f.status == sockjs::Status::kBad)
    expert_add_info(pinfo, ti, &ei_sockjs_bad);
  else if (f.status != sockjs::Status::kOk)
    expert_add_info(pinfo, ti, &ei_sockjs_truncated);
  if (f.lone_surrogates) expert_add_info(pinfo, ti, &ei_sockjs_surrogate);

  tvbuff_t* child = NULL;
  if (f.out_length > 0) {
    guint8* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, out, f.out_length));
    child = tvb_new_child_real_data(tvb, copy, static_cast<guint>(f.out_length),
                                    static_cast<gint>(f.out_length));
    add_new_data_source(pinfo, child, "SockJS decoded");
  }
  switch (f.type) {
    case sockjs::FrameType::kOpen:
      col_append_sep_str(pinfo->cinfo, COL_INFO, " ", "SockJS open");
      break;
    case sockjs::FrameType::kHeartbeat:
    case sockjs::FrameType::kPrelude:
      col_append_sep_str(pinfo->cinfo, COL_INFO, " ", "SockJS heartbeat");
      break;
    case sockjs::FrameType::kClose:
      proto_tree_add_uint(st, hf_sockjs_close_code, tvb, 2,
                          static_cast<gint>(f.strings ? spans[0].src_offset - 3 : 0),
                          f.close_code);
      if (f.strings && child)
        proto_tree_add_item(st, hf_sockjs_close_reason, child,
                            static_cast<gint>(spans[0].out_offset),
                            static_cast<gint>(spans[0].out_length), ENC_UTF_8);
      proto_item_append_text(ti, " %u", f.close_code);
      col_append_sep_fstr(pinfo->cinfo, COL_INFO, " ", "SockJS close %u", f.close_code);
      break;
    case sockjs::FrameType::kArray:
    case sockjs::FrameType::kClientArray:
    case sockjs::FrameType::kClientString: {
      proto_tree_add_uint(st, hf_sockjs_count, tvb, 0, static_cast<gint>(n),
                          static_cast<guint32>(f.strings));
      proto_item_append_text(ti, ", %u message%s", static_cast<unsigned>(f.strings),
                             f.strings == 1 ? "" : "s");
      for (size_t i = 0; i < f.strings; i++) {
        if (child && spans[i].out_length)
          proto_tree_add_item(st, hf_sockjs_message, child,
                              static_cast<gint>(spans[i].out_offset),
                              static_cast<gint>(spans[i].out_length), ENC_UTF_8);
        else
          proto_tree_add_string(st, hf_sockjs_message, tvb,
                                static_cast<gint>(spans[i].src_offset),
                                static_cast<gint>(spans[i].src_length), "");
      }
      // The messages of one SockJS frame are one stream of STOMP bytes.
      if (child && stomp_handle) call_dissector(stomp_handle, child, pinfo, tree);
      break;
    }
    case sockjs::FrameType::kInvalid:
      break;
  }
  return TRUE;
}

}  // namespace

void proto_register_sockjs(void) {
  static hf_register_info hf[] = {
      {&hf_sockjs_type,
       {"Frame type", "sockjs.type", FT_UINT8, BASE_DEC, VALS(frame_type_vals), 0, NULL,
        HFILL}},
      {&hf_sockjs_count,
       {"Messages", "sockjs.messages", FT_UINT32, BASE_DEC, NULL, 0,
        "Strings in the frame's JSON array", HFILL}},
      {&hf_sockjs_message,
       {"Message", "sockjs.message", FT_STRING, BASE_NONE, NULL, 0,
        "One string of the array, JSON-unescaped", HFILL}},
      {&hf_sockjs_close_code,
       {"Close code", "sockjs.close.code", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_sockjs_close_reason,
       {"Close reason", "sockjs.close.reason", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_sockjs_url,
       {"Session URL", "sockjs.url", FT_STRING, BASE_NONE, NULL, 0,
        "The WebSocket Upgrade request's path", HFILL}},
  };
  static gint* ett[] = {&ett_sockjs};
  static ei_register_info ei[] = {
      {&ei_sockjs_bad,
       {"sockjs.malformed", PI_MALFORMED, PI_ERROR, "Not valid SockJS/JSON", EXPFILL}},
      {&ei_sockjs_truncated,
       {"sockjs.truncated", PI_MALFORMED, PI_WARN, "SockJS frame cut short or over the limits",
        EXPFILL}},
      {&ei_sockjs_surrogate,
       {"sockjs.lone_surrogate", PI_PROTOCOL, PI_WARN,
        "Unpaired UTF-16 surrogate in a JSON string (shown as U+FFFD)", EXPFILL}},
  };
  proto_sockjs = proto_register_protocol("SockJS", "SockJS", "sockjs");
  proto_register_field_array(proto_sockjs, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_sockjs);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
}

void proto_reg_handoff_sockjs(void) {
  stomp_handle = find_dissector("stomp");
  proto_http = proto_get_id_by_filter_name("http");
  heur_dissector_add("ws", dissect_sockjs_heur_ws, "SockJS over WebSocket", "sockjs_ws",
                     proto_sockjs, HEURISTIC_ENABLE);
}
