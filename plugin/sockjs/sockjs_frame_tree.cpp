// sockjs_frame_tree.cpp - see sockjs_frame_tree.h.
#include "plugin/sockjs/sockjs_frame_tree.h"

extern "C" {
#include <epan/exceptions.h>
}

#include "dissector/stomp/stomp_frame.h"
#include "plugin/sockjs/sockjs_fields.h"
#include "plugin/stomp/stomp_state.h"

namespace {

// Strings looked at per run (each takes at least 2 input bytes).
constexpr size_t kMaxStrings = 4096;

dissector_handle_t stomp_handle;

// The STOMP dissector on one frame's strings. A shared session is named for
// the call; STOMP gets no desegmentation from a carrier that does its own
// (a STOMP frame cut at a SockJS frame's end shows as unterminated).
void call_stomp(tvbuff_t* child, packet_info* pinfo, proto_tree* tree,
                const SockjsCarrier& carrier) {
  if (!stomp_handle) return;
  if (!carrier.shared) {
    call_dissector(stomp_handle, child, pinfo, tree);
    return;
  }
  const guint16 saved = pinfo->can_desegment;
  pinfo->can_desegment = 0;
  stomp_begin_carrier_session(pinfo, carrier.conn, carrier.sender);
  TRY { call_dissector(stomp_handle, child, pinfo, tree); }
  FINALLY {
    stomp_end_carrier_session(pinfo);
    pinfo->can_desegment = saved;
  }
  ENDTRY;
}

void show_frame(tvbuff_t* tvb, guint base, const SockjsRun& run, const SockjsParsedFrame& pf,
                packet_info* pinfo, proto_tree* tree, const SockjsCarrier& carrier) {
  const sockjs::Frame& f = pf.f;
  const guint at = base + pf.offset;
  const sockjs::StringSpan* spans = run.spans + pf.span_base;
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SockJS");
  proto_item* ti = proto_tree_add_item(tree, proto_sockjs, tvb, static_cast<gint>(at),
                                       static_cast<gint>(f.length), ENC_NA);
  proto_item_append_text(ti, ", %s", sockjs::frame_type_name(f.type));
  proto_tree* st = proto_item_add_subtree(ti, ett_sockjs);
  proto_tree_add_uint(st, hf_sockjs_type, tvb, static_cast<gint>(at), 1,
                      static_cast<guint32>(f.type));
  if (carrier.url)
    proto_item_set_generated(proto_tree_add_string(st, hf_sockjs_url, tvb, 0, 0, carrier.url));
  if (carrier.transport)
    proto_item_set_generated(
        proto_tree_add_string(st, hf_sockjs_transport, tvb, 0, 0, carrier.transport));
  if (carrier.session)
    proto_item_set_generated(
        proto_tree_add_string(st, hf_sockjs_session, tvb, 0, 0, carrier.session));
  if (f.status == sockjs::Status::kBad)
    expert_add_info(pinfo, ti, &ei_sockjs_bad);
  else if (f.status != sockjs::Status::kOk)
    expert_add_info(pinfo, ti, &ei_sockjs_truncated);
  if (f.lone_surrogates) expert_add_info(pinfo, ti, &ei_sockjs_surrogate);

  tvbuff_t* child = NULL;
  if (f.out_length > 0) {
    guint8* copy = static_cast<guint8*>(
        wmem_memdup(pinfo->pool, run.out + pf.out_base, f.out_length));
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
      proto_tree_add_uint(st, hf_sockjs_close_code, tvb, static_cast<gint>(at + 2),
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
      proto_tree_add_uint(st, hf_sockjs_count, tvb, static_cast<gint>(at),
                          static_cast<gint>(f.length), static_cast<guint32>(f.strings));
      proto_item_append_text(ti, ", %u message%s", static_cast<unsigned>(f.strings),
                             f.strings == 1 ? "" : "s");
      for (size_t i = 0; i < f.strings; i++) {
        if (child && spans[i].out_length)
          proto_tree_add_item(st, hf_sockjs_message, child,
                              static_cast<gint>(spans[i].out_offset),
                              static_cast<gint>(spans[i].out_length), ENC_UTF_8);
        else
          proto_tree_add_string(st, hf_sockjs_message, tvb,
                                static_cast<gint>(at + spans[i].src_offset),
                                static_cast<gint>(spans[i].src_length), "");
      }
      // The messages of one SockJS frame are one stream of STOMP bytes.
      if (child) call_stomp(child, pinfo, tree, carrier);
      break;
    }
    case sockjs::FrameType::kInvalid:
      break;
  }
}

}  // namespace

SockjsRun sockjs_parse_run(packet_info* pinfo, const guint8* in, guint n, guint max_frames) {
  SockjsRun run{};
  const size_t max_spans = MIN(kMaxStrings, static_cast<size_t>(n) / 2 + 1);
  run.out = static_cast<guint8*>(wmem_alloc(pinfo->pool, n ? n : 1));
  run.spans = static_cast<sockjs::StringSpan*>(
      wmem_alloc(pinfo->pool, sizeof(sockjs::StringSpan) * max_spans));
  run.frames = static_cast<SockjsParsedFrame*>(
      wmem_alloc(pinfo->pool, sizeof(SockjsParsedFrame) * MAX(max_frames, 1u)));
  guint pos = 0;
  guint out_used = 0;
  guint spans_used = 0;
  bool ok = true;
  while (pos < n && run.count < max_frames) {
    sockjs::Limits lim;
    lim.max_strings = max_spans - spans_used;
    lim.max_input = n - pos;
    SockjsParsedFrame& pf = run.frames[run.count++];
    pf.offset = pos;
    pf.out_base = out_used;
    pf.span_base = spans_used;
    pf.f = sockjs::parse(in + pos, n - pos, run.out + out_used, n - out_used,
                         run.spans + spans_used, lim);
    if (pf.f.status != sockjs::Status::kOk || pf.f.length == 0) {
      // what is left is one bad or cut frame
      if (pf.f.length == 0) pf.f.length = n - pos;
      ok = false;
      break;
    }
    pos += static_cast<guint>(pf.f.length);
    out_used += static_cast<guint>(pf.f.out_length);
    spans_used += static_cast<guint>(pf.f.strings);
  }
  run.whole = ok && pos == n && n > 0;
  return run;
}

bool sockjs_shape_says_sockjs(const SockjsRun& run, guint i) {
  if (i >= run.count) return false;
  const SockjsParsedFrame& pf = run.frames[i];
  if (pf.f.status != sockjs::Status::kOk) return false;
  switch (pf.f.type) {
    case sockjs::FrameType::kOpen:
    case sockjs::FrameType::kArray:
    case sockjs::FrameType::kClose:
      return true;
    case sockjs::FrameType::kClientArray:
    case sockjs::FrameType::kClientString: {
      if (pf.f.strings == 0) return false;
      const sockjs::StringSpan& s = run.spans[pf.span_base];
      return stomp::looks_like_stream_start(run.out + pf.out_base + s.out_offset,
                                            s.out_length) == stomp::Verdict::kYes;
    }
    default:
      return false;
  }
}

void sockjs_show_run(tvbuff_t* tvb, guint offset, const SockjsRun& run, packet_info* pinfo,
                     proto_tree* tree, const SockjsCarrier& carrier) {
  for (guint i = 0; i < run.count; i++)
    show_frame(tvb, offset, run, run.frames[i], pinfo, tree, carrier);
}

guint64 sockjs_session_conn(const char* session, size_t len) {
  // FNV-1a; the top bit keeps it apart from conversation indexes
  guint64 h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < len; i++) {
    h ^= static_cast<guint8>(session[i]);
    h *= 0x100000001b3ull;
  }
  return h | (1ull << 63);
}

guint64 sockjs_session_sender(guint64 conn, bool client) {
  return (conn * 0x9e3779b97f4a7c15ull) ^ (client ? 0x5c11e47ull : 0x5e77e4ull);
}

void sockjs_frame_tree_handoff(void) { stomp_handle = find_dissector("stomp"); }
