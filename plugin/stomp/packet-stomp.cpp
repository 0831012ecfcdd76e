// packet-stomp.cpp - STOMP (Simple Text Oriented Messaging Protocol) 1.0,
// 1.1 and 1.2: protocol registration, preferences, heuristics and the
// desegmentation loop. The frame grammar lives in dissector/stomp/stomp_frame.*,
// tree building in stomp_frame_tree.cpp, session state in stomp_state.cpp.
//
// Where STOMP is found:
//   * TCP heuristic (any port): a payload that starts, after optional
//     heart-beat EOLs, with a STOMP command line followed by a header line or
//     the blank line. On a match the whole conversation becomes STOMP.
//   * TCP port 61613 (preference, Decode As).
//   * TLS: port 61614 and a heuristic on decrypted application data.
//   * WebSocket: sub-protocols v10.stomp, v11.stomp, v12.stomp and a
//     heuristic on WebSocket payloads.
#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/dissectors/packet-tls.h>
#include <epan/dissectors/packet-tls-utils.h>
#include <epan/exceptions.h>
}

#include <cstdio>

#include "plugin/common/glue_time.h"
#include "plugin/common/plugin_protocols.h"
#include "plugin/stomp/stomp_collect.h"
#include "plugin/stomp/stomp_fields.h"
#include "dissector/stomp/stomp_frame.h"
#include "dissector/stomp/stomp_format.h"
#include "plugin/stomp/stomp_frame_tree.h"
#include "plugin/stomp/stomp_state.h"
#include "plugin/stomp/stomp_stats.h"
#include "plugin/stomp/stomp_flow.h"
#include "plugin/stomp/stomp_tap.h"
#include "plugin/stomp/stomp_export.h"
#include "plugin/stomp/stomp_follow.h"

namespace {

dissector_handle_t stomp_handle;
dissector_handle_t tls_handle;
dissector_handle_t close_watch_handle;  // dissect_stomp_at_close
heur_dissector_list_t stomp_body_heuristics;

// preferences
wsc::pref_bool_t pref_desegment = TRUE;
wsc::pref_bool_t pref_dissect_body = TRUE;
guint pref_max_headers_shown = 1000;
wsc::pref_bool_t pref_track_sessions = TRUE;
// ActiveMQ's own heart-beats arrive up to ~2.1x the negotiated interval apart
// (it skips one after any write), and brokers drop a peer after 1.5-2.5x:
// flag a silence beyond 2.5x by default.
guint pref_heartbeat_tolerance_pct = 150;

StompFrameOptions frame_options(void) {
  StompFrameOptions o;
  o.dissect_body = pref_dissect_body;
  o.max_headers_shown = pref_max_headers_shown ? pref_max_headers_shown : 1;
  o.media_types = find_dissector_table("media_type");
  o.body_heuristics = stomp_body_heuristics;
  o.data_handle = NULL;
  o.session.heartbeat_tolerance_pct = pref_heartbeat_tolerance_pct;
  o.have_ids = false;
  o.conn = o.sender = 0;
  o.packet = nullptr;
  return o;
}

// TCP's "relative sequence numbers" preference (on by default): with it,
// the first byte a side sends after its SYN is sequence number 1.
pref_t* tcp_relative_seq_pref = nullptr;

// Whether the TCP handshake of this packet's connection is in the capture.
bool handshake_captured(packet_info* pinfo) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  return conv && wsc::tcp_handshake_seen(conv);
}

// A stream is STOMP only if STOMP is how it starts: the payload must be the
// first its side sent, unless the capture missed the connection's start
// (then any payload may be the first we see). Otherwise a text protocol that
// carries the word SEND on a line of its own (SMTP DATA, say) would turn
// into STOMP halfway.
bool at_stream_start(packet_info* pinfo, const struct tcpinfo* tcp) {
  if (!tcp || !tcp_relative_seq_pref || !prefs_get_bool_value(tcp_relative_seq_pref, pref_current))
    return true;  // nothing to tell by: accept as before
  if (tcp->seq == 1) return true;
  return !handshake_captured(pinfo);
}

// Directly on TCP (not inside TLS or WebSocket), TCP hands us its tcpinfo.
const struct tcpinfo* tcp_below(packet_info* pinfo, void* data) {
  if (!data || proto_is_frame_protocol(pinfo->layers, "tls") ||
      proto_is_frame_protocol(pinfo->layers, "websocket"))
    return nullptr;
  return static_cast<const struct tcpinfo*>(data);
}

// p_add_proto_data key (file scope): bytes at the start of a packet that end
// a frame sent before the capture began (stored + 1, so 0 means none).
constexpr guint32 kKeyMidstream = 30;
constexpr guint kMidstreamFirst = 0x80000000u;  // ... and it is the sender's first data

// At the first data of each side of a connection whose start the capture
// missed, the bytes before the first frame start are the end of a frame we
// cannot decode: how many (first pass decides, later passes read it back).
// Inside such a frame a new one can only begin after its NUL, so until a NUL
// is seen nothing is taken for a frame start, not even a line that looks
// like one (ruby-stomp writes every header line as its own segment).
guint midstream_skip(packet_info* pinfo, const struct tcpinfo* tcp, const guint8* buf,
                     guint avail, uint64_t conn, uint64_t sender, bool* first) {
  using Start = StompSenderStart;
  if (PINFO_FD_VISITED(pinfo)) {
    const guint v = GPOINTER_TO_UINT(p_get_proto_data(wmem_file_scope(), pinfo, proto_stomp,
                                                      kKeyMidstream));
    *first = (v & kMidstreamFirst) != 0;
    return v & ~kMidstreamFirst;
  }
  if (!tcp) return 0;
  Start state = stomp_sender_start(conn, sender);
  *first = state == Start::kUnknown;
  if (state == Start::kStarted) return 0;
  guint eols = 0;
  while (eols < avail && (buf[eols] == '\n' || buf[eols] == '\r')) eols++;
  guint skip = avail;  // unless a frame start is found below
  bool found = false;
  if (state == Start::kUnknown) {
    // The sender's first data: a frame start or heart-beats begin STOMP
    // here, as does everything when the connection's start was captured.
    if (eols == avail || stomp::looks_like_stream_start(buf, avail) != stomp::Verdict::kNo ||
        handshake_captured(pinfo)) {
      skip = 0;
      found = true;
    }
  } else if (state == Start::kAfterNul && eols < avail &&
             stomp::looks_like_stream_start(buf + eols, avail - eols) != stomp::Verdict::kNo) {
    skip = eols;  // the earlier frame's trailing EOLs, then a frame
    found = true;
  }
  if (!found) {
    const size_t k = stomp::find_stream_resume(buf, avail);
    if (k != SIZE_MAX) {
      skip = static_cast<guint>(k);
      found = true;
    }
  }
  if (found) {
    state = Start::kStarted;
  } else if (eols < avail || state == Start::kUnknown) {
    // All of it is the earlier frame: did that frame's NUL come last?
    guint end = avail;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r')) end--;
    state = end > 0 && buf[end - 1] == 0 ? Start::kAfterNul : Start::kInside;
  }
  stomp_set_sender_start(conn, sender, state);
  if (skip)
    p_add_proto_data(wmem_file_scope(), pinfo, proto_stomp, kKeyMidstream,
                     GUINT_TO_POINTER(skip | (*first ? kMidstreamFirst : 0)));
  return skip;
}

void show_midstream(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint len, bool first) {
  char size[32];
  stomp::format_size(len, size, sizeof size);
  char text[96];
  std::snprintf(text, sizeof text, "[End of a frame sent before the capture, %s]", size);
  stomp_col_append(pinfo, text);
  proto_item* ti = proto_tree_add_item(tree, proto_stomp, tvb, 0, static_cast<gint>(len), ENC_NA);
  proto_item_append_text(ti, ", %s", text);
  proto_tree* st = proto_item_add_subtree(ti, ett_stomp);
  proto_item* mi = proto_tree_add_item(st, hf_stomp_midstream, tvb, 0, static_cast<gint>(len),
                                       ENC_NA);
  if (first) expert_add_info(pinfo, mi, &ei_stomp_midstream);  // once per side
}

// A postdissector is called for every packet of every capture, STOMP or
// not, and that call alone costs about 1% of tshark's instructions on
// non-STOMP TCP (measured, tests/bench (b)): it is registered only once a
// frame first needs collecting (there is no way to unregister it).
void watch_for_close(void) {
  static bool registered = false;
  if (registered) return;
  register_postdissector(close_watch_handle);
  registered = true;
}

// Walks the buffer item by item. Returns the number of bytes handled (all of
// them). Directly on TCP an incomplete item is collected by the dissector
// (stomp_collect.h says why); inside TLS it is left to TLS reassembly
// (desegment_*, with the exact length when content-length tells it).
int dissect_stomp_items(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  const guint avail = tvb_captured_length(tvb);
  if (avail == 0) return 0;
  const guint8* buf = tvb_get_ptr(tvb, 0, static_cast<gint>(avail));
  // A snaplen-cut packet can't be reassembled: parse what is there.
  const bool short_capture = avail < tvb_reported_length(tvb);
  const bool can_desegment = pinfo->can_desegment && pref_desegment && !short_capture;
  static const stomp::ScanLimits limits;
  stomp::Tracker& tracker = stomp_tracker();
  const uint64_t conn = stomp_connection_id(pinfo);
  const uint64_t sender = stomp_sender_id(pinfo);
  StompFrameOptions options = frame_options();
  options.have_ids = true;
  options.conn = conn;
  options.sender = sender;
  options.packet = stomp_packet_state(pinfo);
  const StompFrameOptions& opt = options;
  const bool visited = PINFO_FD_VISITED(pinfo);
  tracker.keep_notes(pref_track_sessions);
  // Any bytes count as a sign of life for heart-beat checks.
  if (!visited) tracker.activity(conn, sender, packet_time(pinfo));
  const struct tcpinfo* tcp = can_desegment ? tcp_below(pinfo, data) : nullptr;

  // The rest of an item collected from earlier segments, if any.
  guint offset = tcp ? stomp_collect_continue(tvb, pinfo, tree, tcp, &opt) : 0;
  if (offset == 0) {
    bool first = false;
    const guint skip = midstream_skip(pinfo, tcp, buf, avail, conn, sender, &first);
    if (skip) show_midstream(tvb, pinfo, tree, skip, first);
    offset = skip;
  }
  while (offset < avail) {
    const guint left = avail - offset;
    // On the second pass TCP hands over a reassembly that never completed
    // once, at its last packet: show it as the unterminated frame it is.
    const bool at_end = !can_desegment ||
                        (visited && tracker.unterminated_at(conn, sender, pinfo->num));
    // Where an incomplete item's scan stops: on TCP the collection carries it
    // on; inside TLS (first pass) the Tracker keeps it for the reassembled
    // buffer TLS hands over next.
    stomp::ScanResume here;
    stomp::ScanResume* resume =
        tcp ? &here
            : ((!visited && can_desegment) ? tracker.resume(conn, sender, buf + offset, left)
                                           : nullptr);
    stomp::Scan s = stomp::scan(buf + offset, left, at_end, limits, resume);
    if (!visited) {
      if (s.status == stomp::ScanStatus::kNeedMore)
        tracker.incomplete(conn, sender, pinfo->num);
      else
        tracker.consumed(conn, sender);
    }
    switch (s.status) {
      case stomp::ScanStatus::kNeedMore:
        if (tcp && stomp_collect_start(tvb, pinfo, tree, tcp, offset, buf + offset, left, &here)) {
          watch_for_close();
          return static_cast<int>(avail);
        }
        if (resume && !tcp) tracker.suspend(conn, sender, buf + offset, left);
        pinfo->desegment_offset = offset;
        pinfo->desegment_len = s.need > left
                                   ? static_cast<guint32>(MIN(s.need - left, G_MAXUINT32 - 1))
                                   : DESEGMENT_ONE_MORE_SEGMENT;
        return static_cast<int>(avail);
      case stomp::ScanStatus::kHeartbeat:
        stomp_dissect_heartbeat(tvb, pinfo, tree, offset, &s, &opt);
        break;
      case stomp::ScanStatus::kJunk:
        stomp_dissect_junk(tvb, pinfo, tree, offset, &s);
        break;
      case stomp::ScanStatus::kFrame:
        if ((s.flags & stomp::kFlagTruncated) && stomp_unproven_connection(conn)) {
          // Never ended, and nothing in the connection proved it STOMP
          // (stomp_state.h): leave the bytes as TCP data.
          call_data_dissector(tvb_new_subset_remaining(tvb, static_cast<gint>(offset)), pinfo,
                              tree);
          return static_cast<int>(avail);
        }
        stomp_dissect_frame(tvb, pinfo, tree, offset, buf + offset, &s, &opt);
        break;
    }
    if (s.length == 0) break;  // cannot happen; never loop forever
    offset += static_cast<guint>(s.length);
  }
  return static_cast<int>(avail);
}

// Every way into the STOMP dissector: the items of this call go to the Info
// column in one append, also when a malformed packet's exception unwinds
// the dissection (the frames before it stay listed).
int dissect_stomp_stream(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  volatile int handled = 0;
  TRY { handled = dissect_stomp_items(tvb, pinfo, tree, data); }
  FINALLY { stomp_col_flush(pinfo); }
  ENDTRY;
  return handled;
}

int dissect_stomp(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  return dissect_stomp_stream(tvb, pinfo, tree, data);
}

// Run after every packet (a postdissector): TCP hands no empty FIN to a
// dissector, yet a FIN from a side whose frame is still being collected
// means that frame will never end. TCP's sequence analysis (on by default)
// records each segment that takes sequence space; a FIN takes one number
// past its data, so a segment of this very packet ending one past the
// frame's next byte is a FIN (with or without data: data has already been
// collected by then). Bytes lost from the capture are not mistaken for one:
// they leave no segment of their own. Returns at once unless a frame is
// being collected (or, on later passes, some FIN ended one). What it writes
// to the columns is copied to their fields (wsc::refresh_column_fields:
// newer releases fill those in before postdissectors run).
int dissect_stomp_at_close(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  if (!stomp_collect_watching(pinfo)) return 0;
  if (PINFO_FD_VISITED(pinfo)) {
    const StompFrameOptions opt = frame_options();
    stomp_collect_closed(tvb, pinfo, tree, &opt);
    stomp_col_flush(pinfo);
    wsc::refresh_column_fields(pinfo, tree);
    return 0;
  }
  guint32 next_seq = 0;
  if (pinfo->ptype != PT_TCP || !stomp_collect_pending(pinfo, &next_seq)) return 0;
  const StompFrameOptions opt = frame_options();
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  guint32 end = 0, base_seq = 0;
  if (!conv || !wsc::tcp_segment_end(conv, pinfo, &end, &base_seq)) return 0;
  if (tcp_relative_seq_pref && prefs_get_bool_value(tcp_relative_seq_pref, pref_current))
    end -= base_seq;
  if (end != next_seq + 1) return 0;
  stomp_collect_closed(tvb, pinfo, tree, &opt);
  stomp_col_flush(pinfo);
  wsc::refresh_column_fields(pinfo, tree);
  return 0;
}

// The cheap test every TCP payload without a port dissector goes through.
stomp::Verdict stream_start_verdict(tvbuff_t* tvb) {
  const guint avail = tvb_captured_length(tvb);
  if (avail == 0) return stomp::Verdict::kNo;
  const guint8 first = wsc::tvb_u8(tvb, 0);
  // Every command starts with one of these capitals; heart-beats with EOL.
  if (!(first == 'C' || first == 'S' || first == 'U' || first == 'B' || first == 'A' ||
        first == 'N' || first == 'D' || first == 'M' || first == 'R' || first == 'E' ||
        first == '\n' || first == '\r'))
    return stomp::Verdict::kNo;
  return stomp::looks_like_stream_start(tvb_get_ptr(tvb, 0, static_cast<gint>(avail)), avail);
}

wsc::heur_ret_t dissect_stomp_heur_tcp(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                       void* data) {
  const struct tcpinfo* tcp = static_cast<const struct tcpinfo*>(data);
  const stomp::Verdict verdict = stream_start_verdict(tvb);
  if (verdict == stomp::Verdict::kNo) {
    // A capture that starts inside a frame: the stream is STOMP from the
    // first frame after a NUL. Only where the connection's start is missing.
    const guint avail = tvb_captured_length(tvb);
    if (avail == 0 ||
        stomp::find_stream_resume(tvb_get_ptr(tvb, 0, static_cast<gint>(avail)), avail) ==
            SIZE_MAX ||
        handshake_captured(pinfo))
      return FALSE;
  } else if (!at_stream_start(pinfo, tcp)) {
    return FALSE;
  }
  switch (verdict) {
    case stomp::Verdict::kNo:
      break;
    case stomp::Verdict::kMaybe:
      // A command line alone in a segment (the Ruby stomp gem writes every
      // line separately): ask for the next segment and decide then, without
      // claiming the conversation yet.
      if (!pinfo->can_desegment || !pref_desegment) return FALSE;
      pinfo->desegment_offset = 0;
      pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
      return TRUE;
    case stomp::Verdict::kYes:
      break;
  }
  conversation_t* conv = find_or_create_conversation(pinfo);
  conversation_set_dissector_from_frame_number(conv, pinfo->num, stomp_handle);
  if (!PINFO_FD_VISITED(pinfo)) stomp_mark_heuristic_connection(stomp_connection_id(pinfo));
  dissect_stomp_stream(tvb, pinfo, tree, data);
  return TRUE;
}

// Inside TLS: no conversation change (TLS owns the conversation); once
// STOMP is found, TLS hands every later record of the session to STOMP
// directly, heart-beats (lone EOLs, which no heuristic could tell) included.
wsc::heur_ret_t dissect_stomp_heur_tls(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                       void*) {
  if (stream_start_verdict(tvb) != stomp::Verdict::kYes) return FALSE;
  if (tls_handle) tls_set_appdata_dissector(tls_handle, pinfo, stomp_handle);
  dissect_stomp_stream(tvb, pinfo, tree, nullptr);
  return TRUE;
}

// p_add_proto_data key (file scope): a WebSocket message of only EOLs taken
// as STOMP heart-beats on the first pass.
constexpr guint32 kKeyWsHeartbeat = 31;

bool only_eols(tvbuff_t* tvb) {
  const guint n = tvb_captured_length(tvb);
  if (n == 0) return false;
  const guint8* p = tvb_get_ptr(tvb, 0, static_cast<gint>(n));
  for (guint i = 0; i < n; i++)
    if (p[i] != '\n' && p[i] != '\r') return false;
  return true;
}

// Inside WebSocket (a connection whose sub-protocol does not say STOMP):
// every message is offered to the heuristics, so a message of lone EOLs is
// a heart-beat only in a connection already seen carrying STOMP. The first
// pass decides; later passes read the decision back.
wsc::heur_ret_t dissect_stomp_heur_ws(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                      void*) {
  const uint64_t conn = stomp_connection_id(pinfo);
  if (stream_start_verdict(tvb) == stomp::Verdict::kYes) {
    if (!PINFO_FD_VISITED(pinfo)) stomp_mark_stomp_connection(conn);
  } else if (!only_eols(tvb)) {
    return FALSE;
  } else if (PINFO_FD_VISITED(pinfo)) {
    if (!p_get_proto_data(wmem_file_scope(), pinfo, proto_stomp, kKeyWsHeartbeat)) return FALSE;
  } else {
    if (!stomp_is_stomp_connection(conn)) return FALSE;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_stomp, kKeyWsHeartbeat, GUINT_TO_POINTER(1));
  }
  dissect_stomp_stream(tvb, pinfo, tree, nullptr);
  return TRUE;
}

}  // namespace

void proto_register_stomp(void) {
  proto_stomp = proto_register_protocol("Simple Text Oriented Messaging Protocol", "STOMP",
                                        "stomp");
  stomp_register_fields();
  stomp_handle = register_dissector("stomp", dissect_stomp, proto_stomp);
  close_watch_handle = create_dissector_handle(dissect_stomp_at_close, proto_stomp);
  stomp_body_heuristics = register_heur_dissector_list("stomp.body", proto_stomp);

  module_t* m = prefs_register_protocol(proto_stomp, NULL);
  prefs_register_bool_preference(
      m, "desegment", "Reassemble STOMP frames spanning multiple TCP segments",
      "Whether the STOMP dissector should reassemble frames spanning multiple TCP segments. "
      "To use this option, you must also enable \"Allow subdissectors to reassemble TCP "
      "streams\" in the TCP protocol settings.",
      &pref_desegment);
  prefs_register_bool_preference(
      m, "dissect_body", "Dissect frame bodies",
      "Hand SEND/MESSAGE/ERROR bodies to sub-dissectors (by content-type through the "
      "media_type table, and through the stomp.body heuristic table, e.g. MCollective)",
      &pref_dissect_body);
  prefs_register_uint_preference(m, "max_headers_shown", "Maximum headers shown per frame",
                                 "Header lines beyond this are counted but not shown", 10,
                                 &pref_max_headers_shown);
  prefs_register_bool_preference(
      m, "track_sessions", "Track sessions (links, times, statistics)",
      "Link receipts, acknowledgements, subscriptions, transactions and broker deliveries, "
      "with their times, and check heart-beats. Costs about 100 bytes of memory per frame; "
      "turn it off for very large captures (frames, headers, bodies and MCollective are still "
      "decoded)",
      &pref_track_sessions);
  prefs_register_uint_preference(
      m, "heartbeat_tolerance", "Heart-beat tolerance (% of the interval)",
      "A side silent longer than its negotiated heart-beat interval plus this share of it is "
      "flagged (150: more than 2.5 times the interval)", 10, &pref_heartbeat_tolerance_pct);
  stomp_state_register();
  stomp_collect_register();
  stomp_tap = register_tap("stomp");
  stomp_export_register(proto_stomp);
  stomp_follow_register(proto_stomp);
  stomp_flow_register(proto_stomp);
  stomp_stats_register();
}

void proto_reg_handoff_stomp(void) {
  if (module_t* tcp_module = prefs_find_module("tcp"))
    tcp_relative_seq_pref = prefs_find_preference(tcp_module, "relative_sequence_numbers");
  heur_dissector_add("tcp", dissect_stomp_heur_tcp, "STOMP over TCP", "stomp_tcp", proto_stomp,
                     HEURISTIC_ENABLE);
  dissector_add_uint_range_with_preference("tcp.port", "61613", stomp_handle);

  // STOMP over TLS ("stomp+ssl", 61614 by convention) and on any port by
  // heuristic on decrypted data.
  ssl_dissector_add(61614, stomp_handle);
  heur_dissector_add("tls", dissect_stomp_heur_tls, "STOMP over TLS", "stomp_tls", proto_stomp,
                     HEURISTIC_ENABLE);
  tls_handle = find_dissector("tls");

  // STOMP over WebSocket: the sub-protocol names of the STOMP 1.2 spec.
  dissector_add_string("ws.protocol", "v10.stomp", stomp_handle);
  dissector_add_string("ws.protocol", "v11.stomp", stomp_handle);
  dissector_add_string("ws.protocol", "v12.stomp", stomp_handle);
  heur_dissector_add("ws", dissect_stomp_heur_ws, "STOMP over WebSocket", "stomp_ws",
                     proto_stomp, HEURISTIC_ENABLE);
}
