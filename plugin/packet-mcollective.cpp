// packet-mcollective.cpp - MCollective (Marionette Collective) messages in
// STOMP bodies: registration, preferences, the heuristic in the "stomp.body"
// table, and one message's dissection. Decoding is done by the pure cores
// (dissector/mco_envelope.*, ruby_marshal.*, ruby_yaml.*); tree building in
// mco_envelope_tree.cpp and mco_pairing_tree.cpp; request/reply pairing in
// dissector/mco_correlate.*.
#include "ws_compat.h"

#include <cstdio>
#include <cstring>
#include <new>

#include "arena.h"
#include "glue_time.h"
#include "mco_envelope.h"
#include "mco_envelope_tree.h"
#include "mco_fields.h"
#include "mco_pairing_tree.h"
#include "mco_state.h"
#include "mco_stats.h"
#include "plugin_protocols.h"
#include "stomp_body_info.h"
#include "stomp_state.h"

namespace {

// preferences
wsc::pref_bool_t pref_enabled = TRUE;
const char* pref_psk = "";
const char* pref_collectives = "mcollective";
guint pref_max_value_items = 500;
guint pref_max_decode_mb = 64;

void* wmem_arena_alloc(void* ctx, size_t size) {
  return wmem_alloc(static_cast<wmem_allocator_t*>(ctx), size);
}

// A packet-pool Arena. Placement-new'd into wmem memory and never destroyed:
// with an external allocator it owns nothing, and no destructor may be
// pending in a frame that an epan exception can unwind.
core::Arena* packet_arena(packet_info* pinfo) {
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  void* mem = wmem_alloc(pool, sizeof(core::Arena));
  return new (mem) core::Arena(wmem_arena_alloc, pool, size_t{pref_max_decode_mb} << 20);
}

// Does the destination look like one of MCollective's (section 2.8 of the
// wire-format notes), for the collectives / prefixes in the preference?
bool mcollective_destination(const char* dest) {
  if (!dest) return false;
  if (std::strncmp(dest, "/reply-queue/", 13) == 0 ||
      std::strncmp(dest, "/temp-queue/mcollective", 23) == 0 ||
      std::strncmp(dest, "/exchange/mcollective_reply", 27) == 0)
    return true;
  const char* names = pref_collectives ? pref_collectives : "";
  while (*names) {
    while (*names == ',' || *names == ' ') names++;
    const char* end = names;
    while (*end && *end != ',' && *end != ' ') end++;
    const size_t n = static_cast<size_t>(end - names);
    if (n) {
      for (const char* prefix : {"/topic/", "/queue/", "/exchange/"}) {
        const size_t p = std::strlen(prefix);
        if (std::strncmp(dest, prefix, p) == 0 && std::strncmp(dest + p, names, n) == 0 &&
            (dest[p + n] == '.' || dest[p + n] == '_'))
          return true;
      }
    }
    names = end;
  }
  return false;
}

void feed_correlator(packet_info* pinfo, const stomp_body_info* info, const mco::Envelope* env,
                     stomp::FrameRef ref, const mco::MessageNotes** notes) {
  if (PINFO_FD_VISITED(pinfo)) {
    *notes = mco_correlator().find(ref);
    return;
  }
  if (!env->requestid.is_text || env->direction == mco::Direction::Unknown) return;
  const stomp::FrameNotes* sn = stomp_tracker().find(ref);
  mco::Observed m;
  m.ref = ref;
  m.conn = info->conversation;
  m.time = packet_time(pinfo);
  m.is_send = std::strcmp(info->command, "SEND") == 0;
  m.is_request = env->direction == mco::Direction::Request;
  m.requestid = env->requestid.text;
  if (env->senderid.is_text) m.senderid = env->senderid.text;
  if (m.is_request) {
    if (env->agent.is_text) m.agent = env->agent.text;
  } else if (env->senderagent.is_text) {
    m.agent = env->senderagent.text;
  }
  if (env->body_kind == mco::BodyKind::DiscoveryPing) m.action = "ping";
  else if (env->body_kind == mco::BodyKind::DiscoveryPong) m.action = "pong";
  else if (env->rpc.action.is_text) m.action = env->rpc.action.text;
  if (env->collective.is_text) m.collective = env->collective.text;
  if (env->ttl.is_int) m.has_ttl = true, m.ttl = env->ttl.integer;
  if (env->msgtime.is_int) m.has_msgtime = true, m.msgtime = env->msgtime.integer;
  if (sn) m.sent_in = sn->sent_in();
  *notes = mco_correlator().observe(m);
}

int dissect_message(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                    const stomp_body_info* info, const mco::Envelope* env) {
  const stomp::FrameRef ref = {pinfo->num, info->frame_index};
  const mco::MessageNotes* notes = nullptr;
  feed_correlator(pinfo, info, env, ref, &notes);

  char what[256];
  mco_describe(env, what, sizeof what);
  char when[48];
  mco_reply_time_text(notes, ref, when, sizeof when);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MCollective");
  char col_text[320];
  std::snprintf(col_text, sizeof col_text, ": %s%s", what, when);
  stomp_col_extend(pinfo, col_text);

  proto_item* top = proto_tree_add_item(tree, proto_mcollective, tvb, 0, -1, ENC_NA);
  proto_item_append_text(top, ", %s%s", what, when);
  proto_tree* mt = proto_item_add_subtree(top, ett_mco);
  const McoSources src = mco_sources(tvb, pinfo, env);
  McoTreeOptions opt;
  opt.psk = pref_psk;
  opt.max_value_items = pref_max_value_items;
  mco_add_pairing(tvb, pinfo, mt, top, notes, ref);
  mco_add_envelope(mt, pinfo, &src, env, &opt, top);

  McoTapInfo* tap = wmem_new0(wsc::packet_pool(pinfo), McoTapInfo);
  tap->notes = notes;
  tap->ref = ref;
  tap_queue_packet(mco_tap, pinfo, tap);
  return static_cast<int>(tvb_captured_length(tvb));
}

wsc::heur_ret_t dissect_mcollective_heur(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                         void* data) {
  const stomp_body_info* info = static_cast<const stomp_body_info*>(data);
  if (!pref_enabled || !info || info->magic != STOMP_BODY_INFO_MAGIC) return FALSE;
  if (std::strcmp(info->command, "SEND") != 0 && std::strcmp(info->command, "MESSAGE") != 0)
    return FALSE;
  const guint len = tvb_captured_length(tvb);
  if (len < 4) return FALSE;
  const guint8* p = tvb_get_ptr(tvb, 0, static_cast<gint>(len));
  if (!mco::looks_like_mcollective(p, len) && !mcollective_destination(info->destination))
    return FALSE;
  const mco::Envelope* env = mco::decode_envelope(p, len, *packet_arena(pinfo));
  // Only what decodes into an MCollective envelope is claimed.
  if (!env || !env->is_mcollective) return FALSE;
  dissect_message(tvb, pinfo, tree, info, env);
  return TRUE;
}

}  // namespace

void proto_register_mcollective(void) {
  proto_mcollective = proto_register_protocol("Marionette Collective", "MCollective",
                                              "mcollective");
  mco_register_fields();
  module_t* m = prefs_register_protocol(proto_mcollective, NULL);
  prefs_register_bool_preference(m, "enabled", "Decode MCollective messages in STOMP bodies",
                                 "Look for MCollective (Ruby Marshal / YAML envelopes) in "
                                 "STOMP SEND and MESSAGE bodies", &pref_enabled);
  prefs_register_string_preference(
      m, "psk", "Pre-shared key (psk security plugin)",
      "plugin.psk of the site: when set, each psk message's :hash is checked "
      "(MD5 of :body followed by the key)", &pref_psk);
  prefs_register_string_preference(
      m, "collectives", "Collective names / destination prefixes",
      "Comma-separated collective names; bodies on destinations such as "
      "/topic/<name>.*, /queue/<name>.*, /exchange/<name>_* are tried as MCollective even "
      "without a recognisable header", &pref_collectives);
  prefs_register_uint_preference(m, "max_value_items", "Maximum Ruby value items shown",
                                 "Per value tree (envelope, body)", 10, &pref_max_value_items);
  prefs_register_uint_preference(m, "max_decode_mb", "Maximum decode memory (MiB) per message",
                                 "A message needing more is shown as truncated", 10,
                                 &pref_max_decode_mb);
  mco_state_register();
  mco_stats_register();
}

void proto_reg_handoff_mcollective(void) {
  heur_dissector_add("stomp.body", dissect_mcollective_heur, "MCollective over STOMP",
                     "mcollective_stomp", proto_mcollective, HEURISTIC_ENABLE);
}
