// stomp_stats.cpp - see stomp_stats.h. Both trees read the "stomp" tap.
#include "stomp_stats.h"

#include "ws_compat.h"

#include "stomp_tap.h"

int stomp_tap = -1;

namespace {

const char* const kByCommand = "Frames by command";
const char* const kBytesByCommand = "Bytes by command";
const char* const kByDestination = "Frames by destination";
const char* const kByDirection = "Frames by direction";
const char* const kErrors = "ERROR frames";

int node_command, node_bytes, node_destination, node_direction, node_errors;

void frames_init(stats_tree* st) {
  node_command = stats_tree_create_node(st, kByCommand, 0, STAT_DT_INT, TRUE);
  node_bytes = stats_tree_create_node(st, kBytesByCommand, 0, STAT_DT_INT, TRUE);
  node_destination = stats_tree_create_node(st, kByDestination, 0, STAT_DT_INT, TRUE);
  node_direction = stats_tree_create_node(st, kByDirection, 0, STAT_DT_INT, TRUE);
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
  }
  tick_stat_node(st, kByDirection, 0, TRUE);
  const char* dir = t->from_client < 0 ? "unknown" : t->from_client ? "client -> broker"
                                                                    : "broker -> client";
  int dn = tick_stat_node(st, dir, node_direction, TRUE);
  tick_stat_node(st, t->command, dn, FALSE);
  if (t->error_message || g_strcmp0(t->command, "ERROR") == 0) {
    tick_stat_node(st, kErrors, 0, TRUE);
    tick_stat_node(st, t->error_message ? t->error_message : "(no message header)", node_errors,
                   FALSE);
  }
  return TAP_PACKET_REDRAW;
}

const char* const kReceipt = "receipt -> RECEIPT (ms)";
const char* const kConnect = "CONNECT -> CONNECTED (ms)";
const char* const kAck = "MESSAGE -> ACK or NACK (ms)";
const char* const kTransit = "SEND -> MESSAGE broker transit (ms)";
int node_transit;

void srt_init(stats_tree* st) {
  stats_tree_create_node(st, kReceipt, 0, STAT_DT_FLOAT, FALSE);
  stats_tree_create_node(st, kConnect, 0, STAT_DT_FLOAT, FALSE);
  stats_tree_create_node(st, kAck, 0, STAT_DT_FLOAT, FALSE);
  node_transit = stats_tree_create_node(st, kTransit, 0, STAT_DT_FLOAT, TRUE);
}

tap_packet_status srt_packet(stats_tree* st, packet_info*, epan_dissect_t*, const void* p,
                             tap_flags_t) {
  const stomp_tap_info* t = static_cast<const stomp_tap_info*>(p);
  tap_packet_status r = TAP_PACKET_DONT_REDRAW;
  if (t->receipt_time >= 0) {
    avg_stat_node_add_value_float(st, kReceipt, 0, FALSE, static_cast<gfloat>(t->receipt_time * 1000));
    r = TAP_PACKET_REDRAW;
  }
  if (t->connect_time >= 0) {
    avg_stat_node_add_value_float(st, kConnect, 0, FALSE, static_cast<gfloat>(t->connect_time * 1000));
    r = TAP_PACKET_REDRAW;
  }
  if (t->ack_time >= 0) {
    avg_stat_node_add_value_float(st, kAck, 0, FALSE, static_cast<gfloat>(t->ack_time * 1000));
    r = TAP_PACKET_REDRAW;
  }
  if (t->transit_time >= 0) {
    const gfloat ms = static_cast<gfloat>(t->transit_time * 1000);
    avg_stat_node_add_value_float(st, kTransit, 0, TRUE, ms);
    if (t->destination) avg_stat_node_add_value_float(st, t->destination, node_transit, FALSE, ms);
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
