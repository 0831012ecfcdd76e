// mco_envelope_tree.cpp - see mco_envelope_tree.h.
#include "plugin/mcollective/mco_envelope_tree.h"

#include <cstdio>
#include <cstring>

#include "plugin/mcollective/mco_fields.h"
#include "dissector/mcollective/mco_psk.h"
#include "plugin/mcollective/mco_value_tree.h"

namespace {

// Clamped highlight span of a node (or of a pair: key through value).
void span_of(tvbuff_t* tvb, const ruby::Pair* pair, const ruby::Value* node, gint* off,
             gint* len) {
  const size_t avail = tvb ? tvb_captured_length(tvb) : 0;
  size_t start = node ? node->offset : 0, length = node ? node->length : 0;
  if (pair && pair->key && pair->value) {
    start = pair->key->offset;
    size_t end = pair->value->offset + pair->value->length;
    length = end > start ? end - start : 0;
  }
  if (start > avail) start = avail;
  if (length > avail - start) length = avail - start;
  *off = static_cast<gint>(start);
  *len = static_cast<gint>(length);
}

const char* copy_text(packet_info* pinfo, std::string_view s) {
  return wmem_strndup(wsc::packet_pool(pinfo), s.data(), s.size());
}

// A text Field as a string item (copied: it may lack a terminator).
proto_item* add_text(proto_tree* tree, packet_info* pinfo, int hf, tvbuff_t* tvb,
                     const mco::Field& f) {
  if (!f.present()) return nullptr;
  gint off, len;
  span_of(tvb, f.pair, f.node, &off, &len);
  if (f.is_text) return proto_tree_add_string(tree, hf, tvb, off, len, copy_text(pinfo, f.text));
  char buf[160];
  ruby::render_ruby(f.node, buf, sizeof buf);
  return proto_tree_add_string(tree, hf, tvb, off, len, wmem_strdup(wsc::packet_pool(pinfo), buf));
}

proto_item* add_int(proto_tree* tree, int hf, tvbuff_t* tvb, const mco::Field& f) {
  if (!f.present() || !f.is_int) return nullptr;
  gint off, len;
  span_of(tvb, f.pair, f.node, &off, &len);
  return proto_tree_add_int64(tree, hf, tvb, off, len, f.integer);
}

proto_item* add_abs_time(proto_tree* tree, int hf, tvbuff_t* tvb, const mco::Field& f) {
  if (!f.present() || !f.is_int) return nullptr;
  gint off, len;
  span_of(tvb, f.pair, f.node, &off, &len);
  nstime_t t;
  t.secs = static_cast<time_t>(f.integer);
  t.nsecs = 0;
  return proto_tree_add_time(tree, hf, tvb, off, len, &t);
}

void add_item_list(proto_tree* tree, packet_info* pinfo, int hf, tvbuff_t* tvb,
                   const mco::FilterItem* items, size_t n) {
  for (size_t i = 0; i < n; i++) {
    gint off, len;
    span_of(tvb, nullptr, items[i].node, &off, &len);
    const char* s = copy_text(pinfo, items[i].text);
    if (items[i].regexp) s = wmem_strdup_printf(wsc::packet_pool(pinfo), "/%s/", s);
    proto_tree_add_string(tree, hf, tvb, off, len, s);
  }
}

void add_filter(proto_tree* tree, packet_info* pinfo, tvbuff_t* tvb, const mco::Filter& f) {
  gint off, len;
  span_of(tvb, nullptr, f.node, &off, &len);
  proto_tree* ft = proto_tree_add_subtree_format(
      tree, tvb, off, len, ett_mco_filter, NULL,
      "Filter: %u fact, %u class, %u agent, %u identity", static_cast<unsigned>(f.fact_count),
      static_cast<unsigned>(f.class_count), static_cast<unsigned>(f.agent_count),
      static_cast<unsigned>(f.identity_count));
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  for (size_t i = 0; i < f.fact_count; i++) {
    const mco::FactFilter& ff = f.facts[i];
    span_of(tvb, nullptr, ff.node, &off, &len);
    const char* text = wmem_strdup_printf(pool, "%s %s %s", copy_text(pinfo, ff.fact.text),
                                          copy_text(pinfo, ff.op.text),
                                          copy_text(pinfo, ff.value.text));
    proto_item* fi = proto_tree_add_string(ft, hf_mco_filter_fact, tvb, off, len, text);
    proto_tree* sub = proto_item_add_subtree(fi, ett_mco_fact);
    add_text(sub, pinfo, hf_mco_filter_fact_name, tvb, ff.fact);
    add_text(sub, pinfo, hf_mco_filter_fact_operator, tvb, ff.op);
    add_text(sub, pinfo, hf_mco_filter_fact_value, tvb, ff.value);
  }
  add_item_list(ft, pinfo, hf_mco_filter_class, tvb, f.classes, f.class_count);
  add_item_list(ft, pinfo, hf_mco_filter_agent, tvb, f.agents, f.agent_count);
  add_item_list(ft, pinfo, hf_mco_filter_identity, tvb, f.identities, f.identity_count);
  const ruby::Value* compound = ruby::deref(f.compound);
  if (compound && compound->count) {
    char buf[512];
    ruby::render_ruby(f.compound, buf, sizeof buf);
    span_of(tvb, nullptr, f.compound, &off, &len);
    proto_tree_add_string(ft, hf_mco_filter_compound, tvb, off, len, wmem_strdup(pool, buf));
  }
  add_text(ft, pinfo, hf_mco_filter_collective, tvb, f.collective);
}

// Each pair of a :data Hash as "key => value" with key and value fields.
void add_rpc_data(proto_tree* tree, packet_info* pinfo, tvbuff_t* tvb, const mco::Field& data) {
  const ruby::Value* h = ruby::deref(data.node);
  if (!h || h->kind != ruby::Kind::Hash) return;
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  gint off, len;
  span_of(tvb, data.pair, data.node, &off, &len);
  proto_tree* dt = proto_tree_add_subtree_format(tree, tvb, off, len, ett_mco_rpc_data, NULL,
                                                 "Data (%u items)", static_cast<unsigned>(h->count));
  const size_t shown = h->count < 200 ? h->count : 200;
  for (size_t i = 0; i < shown; i++) {
    const ruby::Pair& p = h->pairs[i];
    char key[128], value[384], line[512];
    ruby::render_ruby(p.key, key, sizeof key);
    ruby::render_ruby(p.value, value, sizeof value);
    ruby::render_pair_summary(p, line, sizeof line);
    span_of(tvb, &p, p.value, &off, &len);
    proto_item* it = proto_tree_add_string(dt, hf_mco_rpc_data, tvb, off, len, wmem_strdup(pool, line));
    proto_tree* sub = proto_item_add_subtree(it, ett_mco_rpc_data);
    // keys without the Symbol colon, values as Ruby prints them
    const char* k = key[0] == ':' ? key + 1 : key;
    span_of(tvb, nullptr, p.key, &off, &len);
    proto_tree_add_string(sub, hf_mco_rpc_data_key, tvb, off, len, wmem_strdup(pool, k));
    span_of(tvb, nullptr, p.value, &off, &len);
    const ruby::Value* pv = ruby::deref(p.value);
    const char* v = (pv && ruby::is_text(pv)) ? copy_text(pinfo, ruby::as_text(pv)) : value;
    proto_tree_add_string(sub, hf_mco_rpc_data_value, tvb, off, len, wmem_strdup(pool, v));
  }
}

void add_inner(proto_tree* tree, packet_info* pinfo, tvbuff_t* tvb, const mco::Envelope* env,
               const McoTreeOptions* opt) {
  gint off = 0, len = tvb ? static_cast<gint>(tvb_captured_length(tvb)) : 0;
  proto_item* bi = proto_tree_add_string(tree, hf_mco_body_kind, tvb, off, len,
                                         mco::body_kind_name(env->body_kind));
  proto_tree* bt = proto_item_add_subtree(bi, ett_mco_body);
  switch (env->body_kind) {
    case mco::BodyKind::DiscoveryPing:
      proto_tree_add_string(bt, hf_mco_discovery, tvb, off, len, "ping");
      break;
    case mco::BodyKind::DiscoveryPong:
      proto_tree_add_string(bt, hf_mco_discovery, tvb, off, len, "pong");
      break;
    case mco::BodyKind::RpcRequest:
      add_text(bt, pinfo, hf_mco_rpc_agent, tvb, env->rpc.agent);
      add_text(bt, pinfo, hf_mco_rpc_action, tvb, env->rpc.action);
      add_text(bt, pinfo, hf_mco_rpc_caller, tvb, env->rpc.caller);
      if (env->rpc.process_results.present()) {
        const ruby::Value* v = ruby::deref(env->rpc.process_results.node);
        gint o, l;
        span_of(tvb, env->rpc.process_results.pair, v, &o, &l);
        if (v && (v->kind == ruby::Kind::True || v->kind == ruby::Kind::False))
          proto_tree_add_boolean(bt, hf_mco_rpc_process_results, tvb, o, l,
                                 v->kind == ruby::Kind::True);
      }
      add_rpc_data(bt, pinfo, tvb, env->rpc.data);
      break;
    case mco::BodyKind::RpcReply: {
      proto_item* sc = nullptr;
      if (env->rpc.statuscode.present() && env->rpc.statuscode.is_int) {
        gint o, l;
        span_of(tvb, env->rpc.statuscode.pair, env->rpc.statuscode.node, &o, &l);
        const gint32 code = static_cast<gint32>(env->rpc.statuscode.integer);
        sc = proto_tree_add_int(bt, hf_mco_rpc_statuscode, tvb, o, l, code);
        if (code != 0)
          expert_add_info_format(pinfo, sc, &ei_mco_statuscode, "SimpleRPC reply status %d: %s",
                                 code, copy_text(pinfo, env->rpc.statusmsg.text));
      }
      add_text(bt, pinfo, hf_mco_rpc_statusmsg, tvb, env->rpc.statusmsg);
      add_rpc_data(bt, pinfo, tvb, env->rpc.data);
      break;
    }
    case mco::BodyKind::Registration: {
      const ruby::Value* r = ruby::deref(env->registration_data);
      if (r && r->kind == ruby::Kind::Array) {
        for (size_t i = 0; i < r->count; i++) {
          const ruby::Value* a = ruby::deref(r->items[i]);
          if (!a || !ruby::is_text(a)) continue;
          gint o, l;
          span_of(tvb, nullptr, r->items[i], &o, &l);
          proto_tree_add_string(bt, hf_mco_registration_agent, tvb, o, l,
                                copy_text(pinfo, ruby::as_text(a)));
        }
      }
      break;
    }
    case mco::BodyKind::Encrypted: {
      proto_item* e = proto_tree_add_boolean(bt, hf_mco_encrypted, tvb, off, len, TRUE);
      proto_tree_add_uint(bt, hf_mco_ciphertext_len, tvb, off, len,
                          static_cast<guint32>(env->ciphertext_len));
      expert_add_info(pinfo, e, &ei_mco_encrypted);
      break;
    }
    default:
      break;
  }
  if (env->wrapped) {
    add_int(bt, hf_mco_wrapper_ttl, tvb, env->wrap_ttl);
    add_abs_time(bt, hf_mco_wrapper_msgtime, tvb, env->wrap_msgtime);
  }
  if (!env->inner.ok() && env->body_kind != mco::BodyKind::Encrypted &&
      env->body_kind != mco::BodyKind::None)
    expert_add_info_format(pinfo, bi, &ei_mco_decode_error, "Inner body: %s (offset %u)",
                           env->inner.error.message,
                           static_cast<unsigned>(env->inner.error.offset));
  if (env->inner_root) {
    McoValueTree vt{tvb, 0, len, opt->max_value_items, false};
    proto_tree* rt = proto_tree_add_subtree(bt, tvb, off, len, ett_mco_value, NULL,
                                            "Body as Ruby");
    mco_add_value(&vt, rt, nullptr, env->inner_root, 0);
    if (vt.truncated) expert_add_info(pinfo, bi, &ei_mco_tree_truncated);
  }
}

// ssl plugin: the RSA-SHA1 signature in :hash checked with the configured
// keys (GnuTLS, plugin/mcollective/mco_crypto.cpp). No key configured: "no
// key". SigResult is a plain struct (no destructor: epan exceptions).
void add_signature(proto_tree* et, packet_info* pinfo, tvbuff_t* tvb, const mco::Envelope* env,
                   const McoTreeOptions* opt) {
  const mco_crypto::SigResult r = mco_crypto::verify_ssl(opt->keys, *env);
  proto_item* si = proto_tree_add_string(et, hf_mco_sig_status, tvb, 0, 0,
                                         mco_crypto::sig_status_name(r.status));
  proto_item_set_generated(si);
  if (r.key && r.key[0]) {
    proto_item* ki = proto_tree_add_string(et, hf_mco_sig_key, tvb, 0, 0, r.key);
    proto_item_set_generated(ki);
  }
  switch (r.status) {
    case mco_crypto::SigStatus::Good:
      expert_add_info_format(pinfo, si, &ei_mco_sig_good, "%s", r.detail);
      break;
    case mco_crypto::SigStatus::Bad:
    case mco_crypto::SigStatus::Malformed:
      expert_add_info_format(pinfo, si, &ei_mco_sig_bad, "%s", r.detail);
      break;
    case mco_crypto::SigStatus::NoKey:
      expert_add_info_format(pinfo, si, &ei_mco_sig_nokey, "%s", r.detail);
      break;
    case mco_crypto::SigStatus::KeyUnreadable:
      expert_add_info_format(pinfo, si, &ei_mco_key_unreadable, "%s", r.detail);
      break;
  }
}

}  // namespace

McoSources mco_sources(tvbuff_t* body_tvb, packet_info* pinfo, const mco::Envelope* env) {
  McoSources s{body_tvb, nullptr};
  if (env->base64_layer && env->bytes) {
    s.outer = tvb_new_child_real_data(body_tvb, env->bytes, static_cast<guint>(env->bytes_len),
                                      static_cast<gint>(env->bytes_len));
    add_new_data_source(pinfo, s.outer, "Base64-decoded MCollective message");
  }
  if (env->decrypted && env->plain) {
    s.inner = tvb_new_child_real_data(body_tvb, env->plain, static_cast<guint>(env->plain_len),
                                      static_cast<gint>(env->plain_len));
    add_new_data_source(pinfo, s.inner, "Decrypted MCollective :body");
  } else if (env->body.present() && env->body.is_text) {
    if (env->body_in_bytes &&
        env->body_offset + env->body.text.size() <= tvb_captured_length(s.outer)) {
      s.inner = tvb_new_subset_length(s.outer, static_cast<gint>(env->body_offset),
                                      static_cast<gint>(env->body.text.size()));
    } else {
      s.inner = tvb_new_child_real_data(
          s.outer, reinterpret_cast<const guint8*>(env->body.text.data()),
          static_cast<guint>(env->body.text.size()), static_cast<gint>(env->body.text.size()));
      add_new_data_source(pinfo, s.inner, "MCollective :body");
    }
  }
  return s;
}

void mco_add_envelope(proto_tree* tree, packet_info* pinfo, const McoSources* src,
                      const mco::Envelope* env, const McoTreeOptions* opt, proto_item* top) {
  tvbuff_t* tvb = src->outer;
  const gint all = static_cast<gint>(tvb_captured_length(tvb));
  const char* kind = env->registration ? "registration" : mco::direction_name(env->direction);
  proto_item* ki = proto_tree_add_string(tree, hf_mco_kind, tvb, 0, 0, kind);
  proto_item_set_generated(ki);
  proto_item* si = proto_tree_add_string(tree, hf_mco_security, tvb, 0, 0,
                                         mco::security_name(env->security));
  proto_item_set_generated(si);
  proto_item* zi = proto_tree_add_string(tree, hf_mco_serializer, tvb, 0, 0,
                                         mco::serializer_name(env->serializer));
  proto_item_set_generated(zi);
  if (env->base64_layer) {
    proto_item* b = proto_tree_add_boolean(tree, hf_mco_base64, tvb, 0, 0, TRUE);
    proto_item_set_generated(b);
  }

  proto_tree* et = proto_tree_add_subtree(tree, tvb, 0, all, ett_mco_envelope, NULL, "Envelope");
  add_text(et, pinfo, hf_mco_senderid, tvb, env->senderid);
  add_text(et, pinfo, hf_mco_requestid, tvb, env->requestid);
  add_text(et, pinfo, hf_mco_senderagent, tvb, env->senderagent);
  add_text(et, pinfo, hf_mco_agent, tvb, env->agent);
  add_text(et, pinfo, hf_mco_collective, tvb, env->collective);
  add_text(et, pinfo, hf_mco_callerid, tvb, env->callerid);
  add_int(et, hf_mco_ttl, tvb, env->ttl);
  add_abs_time(et, hf_mco_msgtime, tvb, env->msgtime);
  add_text(et, pinfo, hf_mco_msgtarget, tvb, env->msgtarget);
  if (env->has_filter) add_filter(et, pinfo, tvb, env->filter);

  if (env->hash.present()) {
    const bool ssl = env->security == mco::Security::Ssl;
    proto_item* hi = add_text(et, pinfo, ssl ? hf_mco_signature : hf_mco_hash, tvb, env->hash);
    if (env->security == mco::Security::Psk && opt->psk && opt->psk[0]) {
      const mco::HashStatus st = mco::verify_psk(*env, opt->psk);
      const char* text = st == mco::HashStatus::Valid     ? "good"
                         : st == mco::HashStatus::Invalid ? "bad"
                                                          : mco::hash_status_name(st);
      proto_item* hs = proto_tree_add_string(et, hf_mco_hash_status, tvb, 0, 0, text);
      proto_item_set_generated(hs);
      if (st == mco::HashStatus::Invalid) expert_add_info(pinfo, hi ? hi : hs, &ei_mco_hash_bad);
      if (st == mco::HashStatus::Valid) expert_add_info(pinfo, hi ? hi : hs, &ei_mco_hash_good);
    }
  }
  if (env->security == mco::Security::Ssl) add_signature(et, pinfo, tvb, env, opt);
  if (env->decrypted) {
    proto_item* d = proto_tree_add_boolean(et, hf_mco_decrypted, tvb, 0, 0, TRUE);
    proto_item_set_generated(d);
  } else if (env->decrypt_error) {
    proto_item* d = proto_tree_add_boolean(et, hf_mco_decrypted, tvb, 0, 0, FALSE);
    proto_item_set_generated(d);
    expert_add_info_format(pinfo, d, &ei_mco_decrypt_failed, "aes_security: :body not decrypted: %s",
                           env->decrypt_error);
  }
  add_text(et, pinfo, hf_mco_sslkey, tvb, env->sslkey);
  add_text(et, pinfo, hf_mco_sslpubkey, tvb, env->sslpubkey);

  if (!env->outer.ok())
    expert_add_info_format(pinfo, top, &ei_mco_decode_error, "Envelope: %s (offset %u)",
                           env->outer.error.message,
                           static_cast<unsigned>(env->outer.error.offset));
  for (size_t i = 0; i < env->outer.stored_warnings(); i++)
    expert_add_info_format(pinfo, top, &ei_mco_decode_warning, "Envelope: %s (offset %u)",
                           env->outer.warnings[i].message,
                           static_cast<unsigned>(env->outer.warnings[i].offset));

  if (src->inner) add_inner(tree, pinfo, src->inner, env, opt);

  McoValueTree vt{tvb, 0, all, opt->max_value_items, false};
  proto_tree* rt = proto_tree_add_subtree(tree, tvb, 0, all, ett_mco_value, NULL,
                                          "Envelope as Ruby");
  mco_add_value(&vt, rt, nullptr, env->root, 0);
  if (vt.truncated) expert_add_info(pinfo, top, &ei_mco_tree_truncated);
}

void mco_describe(const mco::Envelope* env, char* out, size_t cap) {
  auto sv = [](const mco::Field& f) { return f.is_text ? f.text : std::string_view(); };
  std::string_view id = sv(env->requestid);
  const int idlen = static_cast<int>(id.size() < 8 ? id.size() : 8);
  if (env->registration) {
    std::snprintf(out, cap, "MCollective registration from %.*s",
                  static_cast<int>(sv(env->senderid).size()), sv(env->senderid).data());
    return;
  }
  if (env->direction == mco::Direction::Request) {
    std::string_view agent = sv(env->agent);
    std::string_view what;
    if (env->body_kind == mco::BodyKind::DiscoveryPing) what = "ping";
    else if (env->rpc.action.is_text) what = env->rpc.action.text;
    else if (env->body_kind == mco::BodyKind::Encrypted) what = "(encrypted)";
    std::snprintf(out, cap, "MCollective request %.*s%s%.*s %.*s%s",
                  static_cast<int>(agent.size()), agent.data(),
                  what.empty() ? "" : (env->body_kind == mco::BodyKind::DiscoveryPing ? " " : "."),
                  static_cast<int>(what.size()), what.data(), idlen, id.data(),
                  id.size() > 8 ? "\xe2\x80\xa6" : "");
    return;
  }
  std::string_view from = sv(env->senderid);
  // Only :senderagent makes a reply; neither request nor reply keys: say so.
  std::snprintf(out, cap, "MCollective %s from %.*s",
                env->direction == mco::Direction::Reply ? "reply" : "message of unknown kind",
                static_cast<int>(from.size()), from.data());
}
