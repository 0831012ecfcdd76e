// sockjs_http_glue.cpp - SockJS over HTTP: the three HTTP transports of
// sockjs-client, with their STOMP frames handed to the STOMP dissector as
// one session (the client's frames and the server's travel on different
// TCP connections; the URL's <server>/<session> ties them together).
//
//   xhr_send   the client's messages, POST bodies ["...","..."] of type
//              text/plain: the "text/plain" media type is wrapped, so a
//              body that is SockJS (the request went to .../xhr_send, or its
//              shape says so) is shown as SockJS, any other goes on to
//              Line-based text as before.
//   xhr        polling: each response body is one frame, a[...]\n, of type
//              application/javascript, which nothing else claims: a
//              heuristic on HTTP bodies ("sockjs_http").
//   xhr_streaming  a response that stays open for the whole session, so
//              HTTP never completes it and hands nothing on: the plugin takes
//              the connection over from the request on and reads the
//              response itself, item by item (status line and headers, each
//              chunk; dissector/sockjs/sockjs_http.*); the client's side
//              stays with HTTP. Found after HTTP dissected the request, on
//              any port HTTP decodes (a postdissector: HTTP calls nothing
//              for a request without a body, and neither a TCP heuristic
//              nor a tap sees every first pass).
#include "plugin/sockjs/sockjs_http_glue.h"

#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/dissectors/packet-http.h>
#include <epan/dissectors/packet-tcp.h>
}

#include <cstring>

#include "dissector/sockjs/sockjs_http.h"
#include "plugin/sockjs/sockjs_conv.h"
#include "plugin/sockjs/sockjs_fields.h"
#include "plugin/sockjs/sockjs_frame_tree.h"

namespace {

dissector_handle_t stream_handle;      // an xhr_streaming connection, from the request on
dissector_handle_t text_plain_handle;  // ours, for media type text/plain
dissector_handle_t http_tcp_handle;    // HTTP on TCP: the client side of a stream
dissector_handle_t line_text_handle;   // what text/plain was before us
dissector_handle_t after_http_handle;  // dissect_after_http

// SockJS frames in one HTTP body or chunk.
constexpr guint kMaxFramesPerBody = 256;

// p_add_proto_data keys (file scope) of proto_sockjs: an HTTP body's verdict
// (kKeyBody + the body's index in the packet); 1 is packet-sockjs.cpp's.
constexpr guint32 kKeyBody = 0x100;
// ... and per packet (pinfo pool): how many bodies were looked at so far.
constexpr guint32 kKeyBodyCount = 2;

struct BodyVerdict {
  const char* url;      // the request's path, or null (found by shape)
  const char* session;  // "<server>/<session>", or null
  sockjs::Transport transport;
};

char* path_of(const char* uri, const sockjs::SessionUrl& u) {
  return wmem_strndup(wmem_file_scope(), uri, u.path_len);
}
char* session_of(const char* uri, const sockjs::SessionUrl& u) {
  return wmem_strndup(wmem_file_scope(), uri + u.session_off, u.session_len);
}

// The carrier of a session's frames: one STOMP session per SockJS session;
// without a known session, the TCP connection is the session.
SockjsCarrier carrier_for(const char* url, const char* session, sockjs::Transport t,
                          bool client) {
  SockjsCarrier c{};
  c.url = url;
  c.session = session;
  c.transport = t == sockjs::Transport::kNone ? nullptr : sockjs::transport_name(t);
  if (session) {
    c.shared = true;
    c.conn = sockjs_session_conn(session, std::strlen(session));
    c.sender = sockjs_session_sender(c.conn, client);
  }
  return c;
}

bool client_frames(const SockjsRun& run) {
  return run.count && (run.frames[0].f.type == sockjs::FrameType::kClientArray ||
                       run.frames[0].f.type == sockjs::FrameType::kClientString);
}

// ---- HTTP bodies: xhr_send requests, xhr polling responses ----------------

// The URI of the HTTP request this body belongs to (the HTTP conversation's
// latest: right on the first pass, for requests on every pass).
const char* current_request_uri(packet_info* pinfo) {
  return wsc::http_conv_request_uri(sockjs_http_conv(pinfo));
}

// Whether the body is SockJS: the first pass decides (from the request's
// URL, or the frames' shape when the URL says nothing), later passes read
// the decision back. Returns the verdict, or null; *run gets the frames.
const BodyVerdict* body_verdict(tvbuff_t* tvb, packet_info* pinfo, SockjsRun* run) {
  const guint n = tvb_captured_length(tvb);
  if (n == 0) return nullptr;
  if (!sockjs::can_start_frame(wsc::tvb_u8(tvb, 0))) return nullptr;
  guint idx = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_sockjs, kKeyBodyCount));
  p_set_proto_data(pinfo->pool, pinfo, proto_sockjs, kKeyBodyCount, GUINT_TO_POINTER(idx + 1));
  const guint32 key = kKeyBody + MIN(idx, 0xffu);
  const bool visited = PINFO_FD_VISITED(pinfo);
  const BodyVerdict* v = nullptr;
  if (visited) {
    v = static_cast<const BodyVerdict*>(p_get_proto_data(wmem_file_scope(), pinfo, proto_sockjs, key));
    if (!v) return nullptr;
  }
  *run = sockjs_parse_run(pinfo, tvb_get_ptr(tvb, 0, static_cast<gint>(n)), n, kMaxFramesPerBody);
  if (visited) return v;
  if (!run->whole) return nullptr;
  const char* uri = current_request_uri(pinfo);
  const sockjs::SessionUrl u = uri ? sockjs::parse_session_url(uri, std::strlen(uri))
                                   : sockjs::SessionUrl{};
  const bool by_url = u.transport == sockjs::Transport::kXhr ||
                      u.transport == sockjs::Transport::kXhrSend ||
                      u.transport == sockjs::Transport::kXhrStreaming;
  if (!by_url && !sockjs_shape_says_sockjs(*run, 0)) return nullptr;
  BodyVerdict* nv = wmem_new0(wmem_file_scope(), BodyVerdict);
  if (by_url) {
    nv->url = path_of(uri, u);
    nv->session = session_of(uri, u);
    nv->transport = u.transport;
  }
  p_add_proto_data(wmem_file_scope(), pinfo, proto_sockjs, key, nv);
  return nv;
}

bool dissect_body(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  SockjsRun run{};
  const BodyVerdict* v = body_verdict(tvb, pinfo, &run);
  if (!v) return false;
  sockjs_show_run(tvb, 0, run, pinfo, tree,
                  carrier_for(v->url, v->session, v->transport, client_frames(run)));
  return true;
}

// The heuristic on HTTP bodies (application/javascript polling responses,
// and any body of a media type nobody claims).
wsc::heur_ret_t dissect_sockjs_heur_http(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                         void*) {
  return dissect_body(tvb, pinfo, tree) ? TRUE : FALSE;
}

// Media type text/plain: xhr_send bodies are SockJS, every other text/plain
// body goes where it went before (Line-based text).
int dissect_text_plain(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  if (dissect_body(tvb, pinfo, tree)) return static_cast<int>(tvb_captured_length(tvb));
  if (!line_text_handle) return 0;
  return call_dissector_with_data(line_text_handle, tvb, pinfo, tree, data);
}

// ---- xhr_streaming ----------------------------------------------------------

// From the next frame on, the plugin reads the connection's response.
void take_stream(packet_info* pinfo, guint32 from, const char* uri) {
  const sockjs::SessionUrl u = sockjs::parse_session_url(uri, std::strlen(uri));
  if (u.transport != sockjs::Transport::kXhrStreaming) return;
  conversation_t* conv = find_or_create_conversation(pinfo);
  SockjsConv* c = sockjs_conv(pinfo);
  if (!c || c->stream) return;
  c->stream = true;
  copy_address_wmem(wmem_file_scope(), &c->client, &pinfo->src);
  c->client_port = pinfo->srcport;
  c->stream_url = path_of(uri, u);
  c->stream_session = session_of(uri, u);
  conversation_set_dissector_from_frame_number(conv, from, stream_handle);
}

// Run after every packet (a postdissector; HTTP calls no sub-dissector for
// a request without a body): on the first pass, a packet in which HTTP
// dissected an xhr_streaming request hands the connection's later frames to
// the plugin. Returns at once for packets without HTTP.
int dissect_after_http(tvbuff_t*, packet_info* pinfo, proto_tree*, void*) {
  if (PINFO_FD_VISITED(pinfo) || pinfo->ptype != PT_TCP ||
      !proto_is_frame_protocol(pinfo->layers, "http") ||
      proto_is_frame_protocol(pinfo->layers, "tls"))  // TLS owns that conversation
    return 0;
  const http_conv_t* h = sockjs_http_conv(pinfo);
  if (!h || wsc::http_conv_request_frame(h) != pinfo->num) return 0;
  const char* uri = wsc::http_conv_request_uri(h);
  if (uri) take_stream(pinfo, pinfo->num + 1, uri);
  return 0;
}

void show_headers(tvbuff_t* tvb, guint off, const sockjs::StreamItem& it, proto_tree* st,
                  packet_info* pinfo) {
  guint line = off;
  const guint end = off + static_cast<guint>(it.length);
  bool first = true;
  while (line < end) {
    gint next = 0;
    const gint len = tvb_find_line_end(tvb, static_cast<gint>(line),
                                       static_cast<gint>(end - line), &next, FALSE);
    if (len <= 0 || next <= static_cast<gint>(line)) break;
    if (first) {
      proto_tree_add_item(st, hf_sockjs_http_status_line, tvb, static_cast<gint>(line), len,
                          ENC_ASCII);
      col_append_sep_fstr(pinfo->cinfo, COL_INFO, " ", "%s (SockJS xhr_streaming)",
                          tvb_format_text(pinfo->pool, tvb, static_cast<gint>(line), len));
      if (it.status)
        proto_tree_add_uint(st, hf_sockjs_http_status, tvb, static_cast<gint>(line + 9), 3,
                            it.status);
      first = false;
    } else {
      proto_tree_add_item(st, hf_sockjs_http_header, tvb, static_cast<gint>(line), len,
                          ENC_ASCII);
    }
    line = static_cast<guint>(next);
  }
}

// The server's side of an xhr_streaming connection, item by item; items
// cut by the segment's end are desegmented (exact length for chunks).
int dissect_stream_response(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                            const SockjsConv* c) {
  const guint avail = tvb_captured_length(tvb);
  const guint8* buf = tvb_get_ptr(tvb, 0, static_cast<gint>(avail));
  const bool can_desegment = pinfo->can_desegment && avail == tvb_reported_length(tvb);
  static const sockjs::StreamLimits limits;
  const SockjsCarrier carrier =
      carrier_for(c->stream_url, c->stream_session, sockjs::Transport::kXhrStreaming, false);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SockJS");
  col_clear(pinfo->cinfo, COL_INFO);
  guint offset = 0;
  while (offset < avail) {
    const guint left = avail - offset;
    const sockjs::StreamItem it = sockjs::scan_stream_item(buf + offset, left, limits);
    if (it.kind == sockjs::ItemKind::kNeedMore && can_desegment) {
      pinfo->desegment_offset = offset;
      pinfo->desegment_len = it.need > left ? static_cast<guint32>(it.need - left)
                                            : DESEGMENT_ONE_MORE_SEGMENT;
      return static_cast<int>(avail);
    }
    if (it.kind == sockjs::ItemKind::kNeedMore || it.kind == sockjs::ItemKind::kBad) {
      proto_item* ti = proto_tree_add_item(tree, proto_sockjs, tvb, static_cast<gint>(offset),
                                           static_cast<gint>(left), ENC_NA);
      proto_item_append_text(ti, ", streaming response (not readable)");
      expert_add_info(pinfo, ti, it.kind == sockjs::ItemKind::kBad ? &ei_sockjs_http_bad
                                                                    : &ei_sockjs_truncated);
      return static_cast<int>(avail);
    }
    proto_item* hi = proto_tree_add_item(tree, proto_sockjs, tvb, static_cast<gint>(offset),
                                         static_cast<gint>(it.length), ENC_NA);
    proto_tree* st = proto_item_add_subtree(hi, ett_sockjs_http);
    switch (it.kind) {
      case sockjs::ItemKind::kHeaders:
        proto_item_append_text(hi, ", xhr_streaming response headers");
        show_headers(tvb, offset, it, st, pinfo);
        break;
      case sockjs::ItemKind::kLastChunk:
        proto_item_append_text(hi, ", last chunk");
        proto_tree_add_item(st, hf_sockjs_http_last_chunk, tvb, static_cast<gint>(offset),
                            static_cast<gint>(it.length), ENC_NA);
        break;
      case sockjs::ItemKind::kChunk:
      case sockjs::ItemKind::kLines: {
        if (it.kind == sockjs::ItemKind::kChunk) {
          proto_item_append_text(hi, ", chunk of %u bytes", static_cast<unsigned>(it.data_len));
          proto_tree_add_uint(st, hf_sockjs_http_chunk_size, tvb, static_cast<gint>(offset),
                              static_cast<gint>(it.data_off), static_cast<guint32>(it.data_len));
        } else {
          proto_item_append_text(hi, ", response body");
        }
        const guint doff = offset + static_cast<guint>(it.data_off);
        proto_tree_add_item(st, hf_sockjs_http_chunk_data, tvb, static_cast<gint>(doff),
                            static_cast<gint>(it.data_len), ENC_NA);
        const SockjsRun run = sockjs_parse_run(pinfo, buf + doff, static_cast<guint>(it.data_len),
                                               kMaxFramesPerBody);
        sockjs_show_run(tvb, doff, run, pinfo, tree, carrier);
        break;
      }
      default:
        break;
    }
    offset += static_cast<guint>(it.length);
  }
  return static_cast<int>(avail);
}

// The conversation dissector of an xhr_streaming connection.
int dissect_sockjs_stream(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  const SockjsConv* c = sockjs_conv(pinfo);
  const bool client = c && c->stream && pinfo->srcport == c->client_port &&
                      addresses_equal(&pinfo->src, &c->client);
  if (!c || !c->stream || client) {
    if (!http_tcp_handle) return 0;
    return call_dissector_with_data(http_tcp_handle, tvb, pinfo, tree, data);
  }
  return dissect_stream_response(tvb, pinfo, tree, c);
}

}  // namespace

void sockjs_http_register(void) {
  stream_handle = create_dissector_handle(dissect_sockjs_stream, proto_sockjs);
  text_plain_handle = create_dissector_handle(dissect_text_plain, proto_sockjs);
  after_http_handle = create_dissector_handle(dissect_after_http, proto_sockjs);
}

void sockjs_http_handoff(void) {
  http_tcp_handle = find_dissector("http-over-tcp");
  dissector_table_t media = find_dissector_table("media_type");
  if (media) {
    line_text_handle = dissector_get_string_handle(media, "text/plain");
    if (line_text_handle) dissector_add_string("media_type", "text/plain", text_plain_handle);
  }
  heur_dissector_add("http", dissect_sockjs_heur_http, "SockJS in HTTP bodies", "sockjs_http",
                     proto_sockjs, HEURISTIC_ENABLE);
  register_postdissector(after_http_handle);
}
