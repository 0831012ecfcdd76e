// sockjs_fields.cpp - hf/ett/expert registration of the SockJS protocol.
#include "plugin/sockjs/sockjs_fields.h"

#include "dissector/sockjs/sockjs_frame.h"

int proto_sockjs = -1;
int hf_sockjs_type = -1;
int hf_sockjs_count = -1;
int hf_sockjs_message = -1;
int hf_sockjs_close_code = -1;
int hf_sockjs_close_reason = -1;
int hf_sockjs_url = -1;
int hf_sockjs_transport = -1;
int hf_sockjs_session = -1;
int hf_sockjs_http_status_line = -1;
int hf_sockjs_http_status = -1;
int hf_sockjs_http_header = -1;
int hf_sockjs_http_chunk_size = -1;
int hf_sockjs_http_chunk_data = -1;
int hf_sockjs_http_last_chunk = -1;
gint ett_sockjs = -1;
gint ett_sockjs_http = -1;
expert_field ei_sockjs_bad = EI_INIT;
expert_field ei_sockjs_truncated = EI_INIT;
expert_field ei_sockjs_surrogate = EI_INIT;
expert_field ei_sockjs_http_bad = EI_INIT;

namespace {

const value_string frame_type_vals[] = {
    {static_cast<guint32>(sockjs::FrameType::kOpen), "Open (o)"},
    {static_cast<guint32>(sockjs::FrameType::kHeartbeat), "Heartbeat (h)"},
    {static_cast<guint32>(sockjs::FrameType::kPrelude), "Prelude (h...)"},
    {static_cast<guint32>(sockjs::FrameType::kArray), "Array (a[...])"},
    {static_cast<guint32>(sockjs::FrameType::kClose), "Close (c[...])"},
    {static_cast<guint32>(sockjs::FrameType::kClientArray), "Client array ([...])"},
    {static_cast<guint32>(sockjs::FrameType::kClientString), "Client string"},
    {0, NULL}};

}  // namespace

void sockjs_register_fields(void) {
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
        "The path of the request that opened the transport (WebSocket Upgrade, xhr_streaming, "
        "xhr, xhr_send)", HFILL}},
      {&hf_sockjs_transport,
       {"Transport", "sockjs.transport", FT_STRING, BASE_NONE, NULL, 0,
        "websocket, xhr_streaming, xhr (polling) or xhr_send", HFILL}},
      {&hf_sockjs_session,
       {"Session", "sockjs.session", FT_STRING, BASE_NONE, NULL, 0,
        "<server>/<session> of the URL: the frames of every connection of one session",
        HFILL}},
      {&hf_sockjs_http_status_line,
       {"Status line", "sockjs.http.status_line", FT_STRING, BASE_NONE, NULL, 0,
        "Of the streaming response (HTTP never completes it, so the plugin reads it)", HFILL}},
      {&hf_sockjs_http_status,
       {"Status code", "sockjs.http.status", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_sockjs_http_header,
       {"Header", "sockjs.http.header", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_sockjs_http_chunk_size,
       {"Chunk size", "sockjs.http.chunk_size", FT_UINT32, BASE_DEC, NULL, 0,
        "Bytes of one chunk of the streaming response", HFILL}},
      {&hf_sockjs_http_chunk_data,
       {"Chunk data", "sockjs.http.chunk_data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_sockjs_http_last_chunk,
       {"Last chunk", "sockjs.http.last_chunk", FT_NONE, BASE_NONE, NULL, 0,
        "The response's end (0-size chunk)", HFILL}},
  };
  static gint* ett[] = {&ett_sockjs, &ett_sockjs_http};
  static ei_register_info ei[] = {
      {&ei_sockjs_bad,
       {"sockjs.malformed", PI_MALFORMED, PI_ERROR, "Not valid SockJS/JSON", EXPFILL}},
      {&ei_sockjs_truncated,
       {"sockjs.truncated", PI_MALFORMED, PI_WARN, "SockJS frame cut short or over the limits",
        EXPFILL}},
      {&ei_sockjs_surrogate,
       {"sockjs.lone_surrogate", PI_PROTOCOL, PI_WARN,
        "Unpaired UTF-16 surrogate in a JSON string (shown as U+FFFD)", EXPFILL}},
      {&ei_sockjs_http_bad,
       {"sockjs.http.malformed", PI_MALFORMED, PI_ERROR,
        "Streaming response is neither a header block, a chunk nor SockJS lines", EXPFILL}},
  };
  proto_sockjs = proto_register_protocol("SockJS", "SockJS", "sockjs");
  proto_register_field_array(proto_sockjs, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_sockjs);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
}
