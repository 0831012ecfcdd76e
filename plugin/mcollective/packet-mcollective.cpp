// packet-mcollective.cpp - MCollective (Marionette Collective) messages in
// STOMP bodies: registration, preferences, the heuristic in the "stomp.body"
// table, and one message's dissection. Decoding is done by the pure cores
// (dissector/mcollective/mco_envelope.*, ruby_marshal.*, ruby_yaml.*); tree building in
// mco_envelope_tree.cpp and mco_pairing_tree.cpp; request/reply pairing in
// dissector/mcollective/mco_correlate.*.
#include "plugin/common/ws_compat.h"

#include <cstdio>
#include <cstring>
#include <string_view>
#include <new>

#include "dissector/common/arena.h"
#include "plugin/common/glue_time.h"
#include "dissector/mcollective/mco_client_start.h"
#include "dissector/mcollective/mco_envelope.h"
#include "plugin/mcollective/mco_crypto.h"
#include "plugin/mcollective/mco_envelope_tree.h"
#include "plugin/mcollective/mco_fields.h"
#include "plugin/mcollective/mco_pairing_tree.h"
#include "plugin/mcollective/mco_state.h"
#include "plugin/mcollective/mco_stats.h"
#include "plugin/mcollective/mco_value_tree.h"
#include "plugin/common/plugin_protocols.h"
#include "plugin/stomp/stomp_body_info.h"
#include "plugin/stomp/stomp_state.h"

namespace {

// preferences
wsc::pref_bool_t pref_enabled = TRUE;
const char* pref_psk = "";
const char* pref_collectives = "mcollective";
guint pref_max_value_items = 500;
guint pref_max_decode_mb = 64;
const char* pref_ssl_key_dir = "";
const char* pref_ssl_server_public = "";
const char* pref_aes_key_dir = "";

// The keys of the three key preferences: read in the prefs apply callback,
// once per change of those preferences (never per packet).
mco_crypto::KeyRing* key_ring = nullptr;
char* loaded_ssl_dir = nullptr;
char* loaded_server_public = nullptr;
char* loaded_aes_dir = nullptr;

bool pref_changed(const char* pref, const char* loaded) {
  const char* a = pref ? pref : "";
  const char* b = loaded ? loaded : "";
  return std::strcmp(a, b) != 0;
}

// When no server public key file is named, <ssl folder>/server-public.pem
// (plugin.ssl_server_public's usual name) is used if it is there.
// A producer or consumer names one destination frame after frame: the last
// answer is kept (forgotten when preferences change).
struct DestinationMemo {
  bool valid = false;
  bool ours = false;
  size_t len = 0;
  char dest[128];
};
DestinationMemo destination_memo;

void mcollective_prefs_apply(void) {
  destination_memo.valid = false;  // the collectives may have changed
  if (key_ring && !pref_changed(pref_ssl_key_dir, loaded_ssl_dir) &&
      !pref_changed(pref_ssl_server_public, loaded_server_public) &&
      !pref_changed(pref_aes_key_dir, loaded_aes_dir))
    return;
  g_free(loaded_ssl_dir);
  g_free(loaded_server_public);
  g_free(loaded_aes_dir);
  loaded_ssl_dir = g_strdup(pref_ssl_key_dir ? pref_ssl_key_dir : "");
  loaded_server_public = g_strdup(pref_ssl_server_public ? pref_ssl_server_public : "");
  loaded_aes_dir = g_strdup(pref_aes_key_dir ? pref_aes_key_dir : "");
  char* server = nullptr;
  if (loaded_server_public[0]) {
    server = g_strdup(loaded_server_public);
  } else if (loaded_ssl_dir[0]) {
    server = g_build_filename(loaded_ssl_dir, "server-public.pem", NULL);
    if (!g_file_test(server, G_FILE_TEST_EXISTS)) {
      g_free(server);
      server = nullptr;
    }
  }
  mco_crypto::keyring_free(key_ring);
  key_ring = mco_crypto::keyring_load(loaded_ssl_dir, server, loaded_aes_dir);
  g_free(server);
}

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

// Is the destination one of MCollective's (wire-format section 2.8), for the
// collectives in the preference? /topic/<c>.*, /queue/<c>.* (activemq and
// stomp connectors), /exchange/<c>_broadcast, /exchange/<c>_directed
// (rabbitmq), and the rabbitmq connector's fixed reply names
// /temp-queue/mcollective_reply_<agent>, /exchange/mcollective_reply/...
// RabbitMQ's /reply-queue/ is anyone's: those bodies go through the heuristic.
bool mcollective_destination_uncached(const char* dest);

bool mcollective_destination(const char* dest) {
  if (!dest) return false;
  DestinationMemo& m = destination_memo;
  const size_t len = std::strlen(dest);
  if (m.valid && m.len == len && std::memcmp(m.dest, dest, len) == 0) return m.ours;
  const bool ours = mcollective_destination_uncached(dest);
  if (len < sizeof m.dest) {
    std::memcpy(m.dest, dest, len);
    m.len = len;
    m.ours = ours;
    m.valid = true;
  }
  return ours;
}

bool mcollective_destination_uncached(const char* dest) {
  // Called for every SEND and MESSAGE: find the destination's kind from its
  // first bytes once, and give up early on the many that can't be ours.
  const std::string_view d(dest);
  auto starts = [&d](std::string_view pre) { return d.substr(0, pre.size()) == pre; };
  if (starts("/temp-queue/mcollective_reply_") || starts("/exchange/mcollective_reply/"))
    return true;
  size_t skip = 0;  // length of /topic/, /queue/ or /exchange/
  const bool exchange = starts("/exchange/");
  if (exchange) skip = 10;
  else if (starts("/topic/")) skip = 7;
  else if (starts("/queue/")) skip = 7;
  else return false;
  const std::string_view rest_all = d.substr(skip);
  const char* names = pref_collectives ? pref_collectives : "";
  while (*names) {
    while (*names == ',' || *names == ' ') names++;
    const char* end = names;
    while (*end && *end != ',' && *end != ' ') end++;
    const std::string_view name(names, static_cast<size_t>(end - names));
    names = end;
    if (name.empty() || rest_all.substr(0, name.size()) != name) continue;
    const std::string_view rest = rest_all.substr(name.size());
    if (!exchange) {
      if (rest.size() >= 2 && rest[0] == '.') return true;
    } else {
      if (rest == "_broadcast" || rest.substr(0, 11) == "_broadcast/") return true;
      if (rest.substr(0, 10) == "_directed/") return true;
    }
  }
  return false;
}

// Nobody waits for replies to registration messages and to SimpleRPC
// requests sent with :process_results => false.
bool expects_replies(const mco::Envelope* env) {
  if (env->registration) return false;
  const ruby::Value* pr = ruby::deref(env->rpc.process_results.node);
  return !(pr && pr->kind == ruby::Kind::False);
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
  m.expects_replies = m.is_request && expects_replies(env);
  if (sn) {
    m.sent_in = sn->sent_in();
    if (m.sent_in.ref.valid()) {
      const stomp::FrameNotes* send = stomp_tracker().find(m.sent_in.ref);
      if (send) m.sent_in_time = send->time;
    }
  }
  mco::Correlator& correlator = mco_correlator();
  if (m.is_request && m.is_send && !correlator.conn_seen(m.conn)) {
    const char* reply_to = stomp_body_header(info, "reply-to");
    const mco::ClientStart cs =
        mco::find_client_start(stomp_tracker(), ref, m.conn, reply_to ? reply_to : "");
    if (cs.found()) {
      m.client_start = cs.ref;
      m.client_start_time = cs.time;
    }
  }
  *notes = correlator.observe(m);
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
  opt.keys = key_ring;
  opt.max_value_items = pref_max_value_items;
  mco_add_pairing(tvb, pinfo, mt, top, notes, ref);
  mco_add_envelope(mt, pinfo, &src, env, &opt, top);

  McoTapInfo* tap = wmem_new0(wsc::packet_pool(pinfo), McoTapInfo);
  tap->notes = notes;
  tap->ref = ref;
  tap_queue_packet(mco_tap, pinfo, tap);
  return static_cast<int>(tvb_captured_length(tvb));
}

// A body on an MCollective destination that is not an MCollective message
// (a third-party JSON registration, a foreign or corrupt body): claimed, so
// that it is not mistaken for something else, and flagged.
int dissect_undecodable(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                        const mco::Envelope* env) {
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MCollective");
  stomp_col_extend(pinfo, ": not a decodable MCollective message");
  proto_item* top = proto_tree_add_item(tree, proto_mcollective, tvb, 0, -1, ENC_NA);
  proto_item_append_text(top, ", not a decodable MCollective message");
  proto_tree* mt = proto_item_add_subtree(top, ett_mco);
  const char* why = "arena exhausted";
  if (env) {
    if (env->serializer == mco::Serializer::Unknown)
      why = "neither Ruby Marshal (04 08) nor YAML (---), also after Base64";
    else if (!env->root)
      why = env->outer.ok() ? "not a Hash" : env->outer.error.message;
    else
      why = "no Symbol-keyed envelope with :body, :senderid, :requestid and :msgtime";
  }
  expert_add_info_format(pinfo, top, &ei_mco_not_decodable,
                         "Not a decodable MCollective message: %s", why);
  if (env && env->serializer != mco::Serializer::Unknown && !env->outer.ok())
    expert_add_info_format(pinfo, top, &ei_mco_decode_error, "Envelope: %s (offset %u)",
                           env->outer.error.message,
                           static_cast<unsigned>(env->outer.error.offset));
  // a :body that was there and did not decode either
  if (env && env->root && env->body_serializer != mco::Serializer::Unknown && !env->inner.ok())
    expert_add_info_format(pinfo, top, &ei_mco_decode_error, "Inner body: %s (offset %u)",
                           env->inner.error.message,
                           static_cast<unsigned>(env->inner.error.offset));
  if (env && env->outer.root) {
    const McoSources src = mco_sources(tvb, pinfo, env);
    const gint all = static_cast<gint>(tvb_captured_length(src.outer));
    McoValueTree vt{src.outer, 0, all, pref_max_value_items, false};
    proto_tree* rt = proto_tree_add_subtree(mt, src.outer, 0, all, ett_mco_value, NULL,
                                            "Body as Ruby");
    mco_add_value(&vt, rt, nullptr, env->outer.root, 0);
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

// Registered in "stomp.body". On an MCollective destination (preference
// "collectives") every SEND/MESSAGE body is MCollective's: decoded, and
// claimed even when it does not decode. Elsewhere only bodies that pass the
// cheap pre-check and decode into an MCollective envelope are claimed.
// The heuristic's first tests, on the body bytes alone: SEND or MESSAGE, on
// an MCollective destination or starting like an envelope. Also the STOMP
// dissector's pre-check (stomp_body_info.h), so a body these turn down
// costs no heuristic dispatch.
bool worth_decoding(const stomp_body_info* info, const guint8* p, size_t len, bool* ours) {
  if (!pref_enabled || !info || info->magic != STOMP_BODY_INFO_MAGIC) return false;
  if (std::strcmp(info->command, "SEND") != 0 && std::strcmp(info->command, "MESSAGE") != 0)
    return false;
  *ours = mcollective_destination(info->destination);
  return *ours || (len >= 4 && mco::looks_like_mcollective(p, len));
}

int mcollective_precheck(const stomp_body_info* info, const uint8_t* body, size_t len) {
  bool ours = false;
  return worth_decoding(info, body, len, &ours) ? 1 : 0;
}

wsc::heur_ret_t dissect_mcollective_heur(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                         void* data) {
  const stomp_body_info* info = static_cast<const stomp_body_info*>(data);
  const guint len = tvb_captured_length(tvb);
  const guint8* p = len ? tvb_get_ptr(tvb, 0, static_cast<gint>(len)) : nullptr;
  bool ours = false;
  if (!worth_decoding(info, p, len, &ours)) return FALSE;
  // aes_security bodies are decrypted only when a private/public key folder
  // is configured; the decryptor is a plain struct (no destructor).
  mco::BodyDecryptor dec = mco_crypto::aes_decryptor(key_ring);
  const bool decrypt = key_ring && pref_aes_key_dir && pref_aes_key_dir[0];
  const mco::Envelope* env = mco::decode_envelope(p, len, *packet_arena(pinfo), ruby::Limits(),
                                                  decrypt ? &dec : nullptr);
  if (!env || !env->is_mcollective) {
    if (!ours) return FALSE;
    dissect_undecodable(tvb, pinfo, tree, env);
    return TRUE;
  }
  dissect_message(tvb, pinfo, tree, info, env);
  return TRUE;
}

}  // namespace

void proto_register_mcollective(void) {
  proto_mcollective = proto_register_protocol("Marionette Collective", "MCollective",
                                              "mcollective");
  mco_register_fields();
  module_t* m = prefs_register_protocol(proto_mcollective, mcollective_prefs_apply);
  prefs_register_bool_preference(m, "enabled", "Decode MCollective messages in STOMP bodies",
                                 "Look for MCollective (Ruby Marshal / YAML envelopes) in "
                                 "STOMP SEND and MESSAGE bodies", &pref_enabled);
  prefs_register_string_preference(
      m, "psk", "Pre-shared key (psk security plugin)",
      "plugin.psk of the site: when set, each psk message's :hash is checked "
      "(MD5 of :body followed by the key)", &pref_psk);
  prefs_register_string_preference(
      m, "collectives", "Collective names / destination prefixes",
      "Comma-separated collective names. Every SEND/MESSAGE body on /topic/<name>.*, "
      "/queue/<name>.*, /exchange/<name>_broadcast, /exchange/<name>_directed/* (and "
      "/temp-queue/mcollective_reply_*, /exchange/mcollective_reply/*) is MCollective's: "
      "decoded, and flagged when it does not decode. Other destinations: only bodies that "
      "decode into an MCollective envelope", &pref_collectives);
  prefs_register_directory_preference(
      m, "ssl_key_dir", "ssl plugin: public key folder",
      "Like plugin.ssl_client_cert_dir: PEM public keys or certificates named <callerid>.pem "
      "(cert=<name> -> <name>.pem). Each ssl message's :hash is checked as RSA-SHA1 over "
      ":body: requests with the key the callerid names, replies with the server public key",
      &pref_ssl_key_dir);
  prefs_register_filename_preference(
      m, "ssl_server_public", "ssl plugin: server public key",
      "plugin.ssl_server_public (PEM); empty: server-public.pem of the ssl key folder, if "
      "there", &pref_ssl_server_public, FALSE);
  prefs_register_directory_preference(
      m, "aes_key_dir", "aes_security plugin: key folder",
      "PEM private keys (the client's, to read replies; the server's) and public keys "
      "(<callerid>.pem, to read requests). aes_security :body is decrypted and decoded",
      &pref_aes_key_dir);
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
  stomp_body_set_precheck("mcollective_stomp", mcollective_precheck);
}
