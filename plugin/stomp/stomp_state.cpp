// stomp_state.cpp - see stomp_state.h.
#include "plugin/stomp/stomp_state.h"

#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "plugin/stomp/stomp_fields.h"

namespace {

stomp::Tracker* g_tracker = nullptr;
// where each (connection, sender) is, for mid-stream starts (first pass)
std::unordered_map<uint64_t, StompSenderStart>* g_starts = nullptr;
// connections seen carrying STOMP inside WebSocket (first pass)
std::unordered_set<uint64_t>* g_stomp_conns = nullptr;
// TCP connections the heuristic chose, mapped to whether a frame of theirs
// has completed (first pass)
std::unordered_map<uint64_t, bool>* g_heuristic_conns = nullptr;

// stomp_begin_carrier_session: the sender id of the frames being dissected
// (dissection is single-threaded; a global keeps stomp_sender_id cheap).
bool g_carrier_active = false;
uint64_t g_carrier_sender = 0;

// Keys of proto_stomp's per-packet (pinfo->pool) data.
enum : guint32 { kKeyPacketState = 1 };

}  // namespace

// Lives for one dissection of one packet.
struct StompPacketState {
  guint32 next_idx;    // FrameRef::idx of the next frame
  gboolean info_used;  // the Info column holds (or will hold) a STOMP item
  gboolean info_full;  // ... and is as long as Wireshark lets it be
  guint32 info_len;    // what we wrote to it so far, pending text included
  wmem_strbuf_t* info_pending;  // items not yet written to the column
  gboolean have_conn;
  guint64 conn;        // stomp_connection_id, looked up once per packet
};

namespace {
using PacketState = StompPacketState;

// Each append to a column rescans it (g_strlcat), so a packet's items are
// gathered here and written to the column once per call of the dissector
// (stomp_col_flush): linear in the frames of the packet. Items stop once the
// column holds what Wireshark can show anyway (COL_MAX_INFO_LEN).
constexpr guint32 kInfoRoom = COL_MAX_INFO_LEN - 8;

void state_init(void) {
  g_carrier_active = false;
  delete g_tracker;
  g_tracker = new stomp::Tracker();
  delete g_starts;
  g_starts = new std::unordered_map<uint64_t, StompSenderStart>();
  delete g_stomp_conns;
  g_stomp_conns = new std::unordered_set<uint64_t>();
  delete g_heuristic_conns;
  g_heuristic_conns = new std::unordered_map<uint64_t, bool>();
}

void state_cleanup(void) {
  delete g_tracker;
  g_tracker = nullptr;
  delete g_starts;
  g_starts = nullptr;
  delete g_stomp_conns;
  g_stomp_conns = nullptr;
  delete g_heuristic_conns;
  g_heuristic_conns = nullptr;
}

uint64_t started_key(uint64_t conn, uint64_t sender) {
  return conn * 0x9e3779b97f4a7c15ull ^ sender;
}

PacketState* packet_state(packet_info* pinfo) {
  auto* st = static_cast<PacketState*>(
      p_get_proto_data(wsc::packet_pool(pinfo), pinfo, proto_stomp, kKeyPacketState));
  if (!st) {
    st = wmem_new0(wsc::packet_pool(pinfo), PacketState);
    p_add_proto_data(wsc::packet_pool(pinfo), pinfo, proto_stomp, kKeyPacketState, st);
  }
  return st;
}

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

}  // namespace

stomp::Tracker& stomp_tracker(void) {
  if (!g_tracker) g_tracker = new stomp::Tracker();
  return *g_tracker;
}

StompPacketState* stomp_packet_state(packet_info* pinfo) { return packet_state(pinfo); }

stomp::FrameRef stomp_next_frame_ref_in(StompPacketState* st, packet_info* pinfo) {
  stomp::FrameRef r;
  r.num = pinfo->num;
  r.idx = st->next_idx++;
  return r;
}

stomp::FrameRef stomp_next_frame_ref(packet_info* pinfo) {
  return stomp_next_frame_ref_in(packet_state(pinfo), pinfo);
}

void stomp_col_append(packet_info* pinfo, const char* text) {
  stomp_col_append_in(packet_state(pinfo), pinfo, text, strlen(text));
}

void stomp_col_append_in(StompPacketState* st, packet_info* pinfo, const char* text,
                         size_t len) {
  const guint32 n = static_cast<guint32>(len);
  if (!st->info_used) {
    // The first item of a packet replaces what lower layers wrote.
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "STOMP");
    col_clear(pinfo->cinfo, COL_INFO);
    st->info_used = TRUE;
    st->info_pending = wsc::strbuf_new(wsc::packet_pool(pinfo), 256);
    wmem_strbuf_append_len(st->info_pending, text, n);
    st->info_len = n;
    return;
  }
  if (st->info_full) return;
  if (st->info_len + 2 + n > kInfoRoom) {
    wmem_strbuf_append(st->info_pending, ", \xe2\x80\xa6");
    st->info_full = TRUE;
    return;
  }
  wmem_strbuf_append_len(st->info_pending, ", ", 2);
  wmem_strbuf_append_len(st->info_pending, text, n);
  st->info_len += 2 + n;
}

gboolean stomp_col_used(packet_info* pinfo) { return packet_state(pinfo)->info_used; }

void stomp_col_extend(packet_info* pinfo, const char* text) {
  PacketState* st = packet_state(pinfo);
  const guint32 n = static_cast<guint32>(strlen(text));
  if (!st->info_used || st->info_full || st->info_len + n > kInfoRoom) return;
  wmem_strbuf_append_len(st->info_pending, text, n);
  st->info_len += n;
}

void stomp_col_flush(packet_info* pinfo) {
  PacketState* st = static_cast<PacketState*>(
      p_get_proto_data(wsc::packet_pool(pinfo), pinfo, proto_stomp, kKeyPacketState));
  if (!st || !st->info_pending || wmem_strbuf_get_len(st->info_pending) == 0) return;
  col_append_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(st->info_pending));
  // What later layers or calls write goes after the frames listed so far.
  col_set_fence(pinfo->cinfo, COL_INFO);
  wmem_strbuf_truncate(st->info_pending, 0);
}

uint64_t stomp_connection_id(packet_info* pinfo) {
  PacketState* st = packet_state(pinfo);
  if (!st->have_conn) {
    st->conn = find_or_create_conversation(pinfo)->conv_index;
    st->have_conn = TRUE;
  }
  return st->conn;
}

uint64_t stomp_sender_id(packet_info* pinfo) {
  if (g_carrier_active) return g_carrier_sender;
  uint64_t h = pinfo->srcport;
  h = mix(h, add_address_to_hash64(0, &pinfo->src));
  return h;
}

void stomp_begin_carrier_session(packet_info* pinfo, uint64_t conn, uint64_t sender) {
  PacketState* st = packet_state(pinfo);
  st->conn = conn;
  st->have_conn = TRUE;
  g_carrier_active = true;
  g_carrier_sender = sender;
}

void stomp_end_carrier_session(packet_info* pinfo) {
  packet_state(pinfo)->have_conn = FALSE;  // looked up from the conversation again
  g_carrier_active = false;
}

StompSenderStart stomp_sender_start(uint64_t conn, uint64_t sender) {
  if (!g_starts) return StompSenderStart::kStarted;
  auto it = g_starts->find(started_key(conn, sender));
  return it == g_starts->end() ? StompSenderStart::kUnknown : it->second;
}

void stomp_set_sender_start(uint64_t conn, uint64_t sender, StompSenderStart state) {
  if (g_starts) (*g_starts)[started_key(conn, sender)] = state;
}

void stomp_mark_stomp_connection(uint64_t conn) {
  if (g_stomp_conns) g_stomp_conns->insert(conn);
}

bool stomp_is_stomp_connection(uint64_t conn) {
  return g_stomp_conns && g_stomp_conns->count(conn) != 0;
}

void stomp_mark_heuristic_connection(uint64_t conn) {
  if (g_heuristic_conns) g_heuristic_conns->emplace(conn, false);
}

void stomp_note_complete_frame(uint64_t conn) {
  if (!g_heuristic_conns || g_heuristic_conns->empty()) return;
  auto it = g_heuristic_conns->find(conn);
  if (it != g_heuristic_conns->end()) it->second = true;
}

bool stomp_unproven_connection(uint64_t conn) {
  if (!g_heuristic_conns || g_heuristic_conns->empty()) return false;
  auto it = g_heuristic_conns->find(conn);
  return it != g_heuristic_conns->end() && !it->second;
}

namespace {
void precheck_init(void);
}

void stomp_state_register(void) {
  register_init_routine(state_init);
  register_init_routine(precheck_init);
  register_cleanup_routine(state_cleanup);
}

bool stomp_expert_tap_listening(void) {
  static int expert_tap = -2;
  if (expert_tap == -2) expert_tap = find_tap_id("expert");
  return expert_tap >= 0 && have_tap_listener(expert_tap);
}

namespace {
const char* g_precheck_name = nullptr;
stomp_body_precheck_t g_precheck = nullptr;
stomp_body_precheck_t g_precheck_active = nullptr;  // decided per dissection

struct EnabledCount {
  guint enabled = 0;
  bool ours = false;
};
void count_enabled(const gchar*, struct heur_dtbl_entry* e, gpointer data) {
  EnabledCount* c = static_cast<EnabledCount*>(data);
  if (!e->enabled || (e->protocol && !proto_is_protocol_enabled(e->protocol))) return;
  c->enabled++;
  if (g_precheck_name && e->short_name && std::strcmp(e->short_name, g_precheck_name) == 0)
    c->ours = true;
}

// Run at every (re)dissection start: enabling or disabling a heuristic or
// protocol redissects, so the decision follows the user's choices.
void precheck_init(void) {
  g_precheck_active = nullptr;
  if (!g_precheck) return;
  EnabledCount c;
  heur_dissector_table_foreach("stomp.body", count_enabled, &c);
  if (c.enabled == 1 && c.ours) g_precheck_active = g_precheck;
}
}  // namespace

extern "C" void stomp_body_set_precheck(const char* heur_short_name, stomp_body_precheck_t check) {
  g_precheck_name = heur_short_name;
  g_precheck = check;
}

stomp_body_precheck_t stomp_body_precheck(void) { return g_precheck_active; }
