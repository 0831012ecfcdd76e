// mco_envelope_tree.h - one decoded MCollective message (mco::Envelope)
// into tree items: envelope fields, filter, inner body (discovery, SimpleRPC
// request/reply, registration), PSK verification and the Ruby value trees.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/mcollective/mco_envelope.h"
#include "plugin/mcollective/mco_crypto.h"

struct McoTreeOptions {
  const char* psk;        // pre-shared key; empty: don't verify
  guint max_value_items;  // per value tree
  const mco_crypto::KeyRing* keys;  // ssl / aes_security keys (may be null)
};

// Where the envelope's and the inner body's node offsets point: the tvbs
// and base offsets to highlight them in.
struct McoSources {
  tvbuff_t* outer;  // env->bytes
  tvbuff_t* inner;  // the :body stream (nullptr when none)
};

// Makes the tvbs for env (child data sources for Base64-decoded and YAML
// unescaped bytes).
McoSources mco_sources(tvbuff_t* body_tvb, packet_info* pinfo, const mco::Envelope* env);

void mco_add_envelope(proto_tree* tree, packet_info* pinfo, const McoSources* src,
                      const mco::Envelope* env, const McoTreeOptions* opt, proto_item* top);

// Short text for Info and the top item, e.g. "request discovery ping" or
// "reply from web01.example.net".
void mco_describe(const mco::Envelope* env, char* out, size_t cap);
