// sockjs_frame_tree.h - SockJS frames parsed once (dissector/sockjs/
// sockjs_frame.*), then shown as tree items, with each frame's strings
// handed to the STOMP dissector. Shared by every transport: a WebSocket
// message holds one frame, an HTTP body or chunk one or more "\n"-ended ones.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/sockjs/sockjs_frame.h"

struct SockjsParsedFrame {
  guint offset;            // in the parsed bytes
  sockjs::Frame f;
  guint out_base;          // f's strings: at out + out_base ...
  guint span_base;         // ... described by spans[span_base, + f.strings)
};

struct SockjsRun {
  guint count;             // frames parsed
  SockjsParsedFrame* frames;
  guint8* out;             // the decoded strings of every frame
  sockjs::StringSpan* spans;
  bool whole;              // every byte is in a frame that parsed completely
};

// Parses up to max_frames frames from in[0, n), in the pinfo pool.
SockjsRun sockjs_parse_run(packet_info* pinfo, const guint8* in, guint n, guint max_frames);

// Whether a frame's shape alone says SockJS: exactly "o", a[...] or c[...]
// parsed whole, or a client array whose first string starts like STOMP.
bool sockjs_shape_says_sockjs(const SockjsRun& run, guint i);

// Where a frame's STOMP goes. With shared set, one STOMP session spread over
// several TCP connections (SockJS over HTTP): conn and sender name it and
// this side (stomp_begin_carrier_session); else the TCP connection is the
// session, as for STOMP over WebSocket.
struct SockjsCarrier {
  bool shared;
  guint64 conn;
  guint64 sender;
  const char* url;        // sockjs.url, or null
  const char* session;    // sockjs.session ("<server>/<session>"), or null
  const char* transport;  // sockjs.transport, or null
};

// Shows the frames of a run parsed from tvb[offset, ...): one "SockJS" item
// each, and their strings as a "SockJS decoded" data source handed to STOMP.
void sockjs_show_run(tvbuff_t* tvb, guint offset, const SockjsRun& run, packet_info* pinfo,
                     proto_tree* tree, const SockjsCarrier& carrier);

// The carrier ids of a SockJS session named by its "<server>/<session>".
guint64 sockjs_session_conn(const char* session, size_t len);
guint64 sockjs_session_sender(guint64 conn, bool client);

void sockjs_frame_tree_handoff(void);
