// stomp_stats.cpp - see stomp_stats.h. Both trees read the "stomp" tap.
#include "plugin/stomp/stomp_stats.h"

#include "plugin/common/ws_compat.h"

#include "plugin/stomp/stomp_fields.h"
#include "plugin/stomp/stomp_state.h"
#include "plugin/stomp/stomp_tap.h"

int stomp_tap = -1;

namespace {

const char* const kByCommand = "Frames by command";
const char* const kBytesByCommand = "Bytes by command";
const char* const kByDestination = "Frames by destination";
const char* const kBytesByDestination = "Bytes by destination";
const char* const kByDirection = "Frames by direction";
const char* const kBytesByDirection = "Bytes by direction";
const char* const kErrors = "ERROR frames";

int node_command, node_bytes, node_destination, node_dest_bytes, node_direction, node_dir_bytes,
    node_errors;

void frames_init(stats_tree* st) {
  node_command = stats_tree_create_node(st, kByCommand, 0, STAT_DT_INT, TRUE);
  node_bytes = stats_tree_create_node(st, kBytesByCommand, 0, STAT_DT_INT, TRUE);
  node_destination = stats_tree_create_node(st, kByDestination, 0, STAT_DT_INT, TRUE);
  node_dest_bytes = stats_tree_create_node(st, kBytesByDestination, 0, STAT_DT_INT, TRUE);
  node_direction = stats_tree_create_node(st, kByDirection, 0, STAT_DT_INT, TRUE);
  node_dir_bytes = stats_tree_create_node(st, kBytesByDirection, 0, STAT_DT_INT, TRUE);
  node_errors = stats_tree_create_node(st, kErrors, 0, STAT_DT_INT, TRUE);
}

tap_packet_status frames_packet(stats_tree* st, packet_info*, epan_dissect_t*, const void* p,
                                tap_flags_t) {
  const stomp_tap_info* t = static_cast<const stomp_tap_info*>(p);
  const gint bytes = static_cast<gint>(MIN(t->frame_bytes, static_cast<guint64>(G_MAXINT)));
  tick_stat_node(st, kByCommand, 0, TRUE);
  tick_stat_node(st, t->command, node_command, FALSE);
  increase_stat_node(st, kBytesByCommand, 0, TRUE, bytes);
  increase_stat_node(st, t->command, node_bytes, FALSE, bytes);
  if (t->destination) {
    tick_stat_node(st, kByDestination, 0, TRUE);
    int d = tick_stat_node(st, t->destination, node_destination, TRUE);
    tick_stat_node(st, t->command, d, FALSE);
    increase_stat_node(st, kBytesByDestination, 0, TRUE, bytes);
    int db = increase_stat_node(st, t->destination, node_dest_bytes, TRUE, bytes);
    increase_stat_node(st, t->command, db, FALSE, bytes);
  }
  const char* dir = t->from_client < 0 ? "unknown" : t->from_client ? "client -> broker"
                                                                    : "broker -> client";
  tick_stat_node(st, kByDirection, 0, TRUE);
  int dn = tick_stat_node(st, dir, node_direction, TRUE);
  tick_stat_node(st, t->command, dn, FALSE);
  increase_stat_node(st, kBytesByDirection, 0, TRUE, bytes);
  int dbn = increase_stat_node(st, dir, node_dir_bytes, TRUE, bytes);
  increase_stat_node(st, t->command, dbn, FALSE, bytes);
  if (t->error_message || g_strcmp0(t->command, "ERROR") == 0) {
    tick_stat_node(st, kErrors, 0, TRUE);
    tick_stat_node(st, t->error_message ? t->error_message : "(no message header)", node_errors,
                   FALSE);
  }
  return TAP_PACKET_REDRAW;
}

// Response times. Each row has one child per kind of answer.
const char* const kReceipt = "receipt -> RECEIPT or ERROR (ms)";
const char* const kConnect = "CONNECT -> CONNECTED or ERROR (ms)";
// one sample per acknowledged MESSAGE (a cumulative ACK of 3 gives 3)
const char* const kAck = "MESSAGE -> ACK or NACK (ms)";
const char* const kTransit = "SEND -> MESSAGE broker transit (ms)";
int node_receipt, node_connect, node_ack, node_transit;

void srt_init(stats_tree* st) {
  node_receipt = stats_tree_create_node(st, kReceipt, 0, STAT_DT_FLOAT, TRUE);
  node_connect = stats_tree_create_node(st, kConnect, 0, STAT_DT_FLOAT, TRUE);
  node_ack = stats_tree_create_node(st, kAck, 0, STAT_DT_FLOAT, TRUE);
  node_transit = stats_tree_create_node(st, kTransit, 0, STAT_DT_FLOAT, TRUE);
}

void sample(stats_tree* st, const char* row, int row_node, const char* child, double seconds) {
  const gfloat ms = static_cast<gfloat>(seconds * 1000);
  avg_stat_node_add_value_float(st, row, 0, TRUE, ms);
  if (child) avg_stat_node_add_value_float(st, child, row_node, FALSE, ms);
}

// The tap hands over one record per frame or heart-beat, in the order they
// were dissected; the Tracker's notes of a packet are in the same order
// (junk runs have notes but no tap record). Which note a record belongs to
// is counted per packet and per tree (several trees may be open at once).
struct SrtCursor {
  stats_tree* st;
  guint32 taps_seen;  // records of this packet this tree has had
  guint32 next_idx;   // FrameRef::idx to look at next
};
struct SrtPacketState {
  SrtCursor cursors[4];
  guint32 used;
};
// p_add_proto_data key (packet pool) of the state above
constexpr guint32 kKeySrtState = 0x53525400;

const stomp::FrameNotes* notes_for_tap(stats_tree* st, packet_info* pinfo,
                                       const stomp_tap_info* t) {
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  auto* ps = static_cast<SrtPacketState*>(p_get_proto_data(pool, pinfo, proto_stomp, kKeySrtState));
  if (!ps) {
    ps = wmem_new0(pool, SrtPacketState);
    p_add_proto_data(pool, pinfo, proto_stomp, kKeySrtState, ps);
  }
  SrtCursor* c = nullptr;
  for (guint32 i = 0; i < ps->used; i++)
    if (ps->cursors[i].st == st) c = &ps->cursors[i];
  if (!c) {
    if (ps->used == G_N_ELEMENTS(ps->cursors)) return nullptr;
    c = &ps->cursors[ps->used++];
    c->st = st;
  }
  c->taps_seen++;
  const stomp::Tracker& tracker = stomp_tracker();
  for (;;) {
    const stomp::FrameNotes* n = tracker.find({pinfo->num, c->next_idx});
    if (!n) return nullptr;
    c->next_idx++;
    if (n->junk()) continue;
    // the record and the note must agree on what the item is
    const char* what = n->heartbeat() ? "heart-beat" : stomp::command_name(n->command);
    return g_strcmp0(what, t->command) == 0 ? n : nullptr;
  }
}

tap_packet_status srt_packet(stats_tree* st, packet_info* pinfo, epan_dissect_t*, const void* p,
                             tap_flags_t) {
  const stomp_tap_info* t = static_cast<const stomp_tap_info*>(p);
  const stomp::FrameNotes* n = notes_for_tap(st, pinfo, t);
  const bool error = g_strcmp0(t->command, "ERROR") == 0;
  tap_packet_status r = TAP_PACKET_DONT_REDRAW;
  if (t->receipt_time >= 0) {
    sample(st, kReceipt, node_receipt, error ? "ERROR" : "RECEIPT", t->receipt_time);
    r = TAP_PACKET_REDRAW;
  }
  if (t->connect_time >= 0) {
    sample(st, kConnect, node_connect, error ? "ERROR" : "CONNECTED", t->connect_time);
    r = TAP_PACKET_REDRAW;
  }
  if (t->ack_time >= 0) {
    const char* kind = t->command;
    if (n && n->acks().ref.valid() && n->acked_count > 0) {
      // every MESSAGE it acknowledged, not only the one it names
      const stomp::Tracker& tracker = stomp_tracker();
      for (size_t i = 0; i < n->acked_count; i++) {
        const stomp::Link m = tracker.acked(n, i);
        if (m.ref.valid()) sample(st, kAck, node_ack, kind, m.time);
      }
    } else {
      sample(st, kAck, node_ack, kind, t->ack_time);
    }
    r = TAP_PACKET_REDRAW;
  }
  if (t->transit_time >= 0) {
    sample(st, kTransit, node_transit, t->destination, t->transit_time);
    r = TAP_PACKET_REDRAW;
  }
  return r;
}

}  // namespace

void stomp_stats_register(void) {
  stats_tree_register_plugin("stomp", "stomp", "STOMP/Frames and Bytes", 0, frames_packet,
                             frames_init, NULL);
  stats_tree_register_plugin("stomp", "stomp_srt", "STOMP/Response Times", 0, srt_packet,
                             srt_init, NULL);
}
