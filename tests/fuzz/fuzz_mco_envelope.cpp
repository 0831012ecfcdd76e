// fuzz_mco_envelope.cpp - libFuzzer target for the MCollective mapping: the
// heuristic pre-check, Base64 layer, envelope + nested body decode, filter
// and RPC fields, psk verification, rendering.
#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "fuzz_ruby_support.h"
#include "dissector/mcollective/mco_envelope.h"
#include "dissector/mcollective/mco_psk.h"

namespace {

void field(const mco::Field& f) {
  if (!f.present()) return;
  fuzzsupport::check(f.pair != nullptr);
  char buf[128];
  ruby::render_pair_summary(*f.pair, buf, sizeof buf);
  if (f.is_text) fuzzsupport::check(f.text.data() != nullptr || f.text.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mco::looks_like_mcollective(data, size);
  core::Arena arena(16u << 20);
  const mco::Envelope* e = mco::decode_envelope(data, size, arena);
  if (!e) return 0;
  using fuzzsupport::check;
  check(e->bytes_len <= size);  // Base64 only shrinks
  bool marshal = e->serializer == mco::Serializer::Marshal;
  fuzzsupport::check_result(e->outer, e->bytes, e->bytes_len, marshal);
  if (e->inner_root || !e->inner.ok()) {
    const ruby::Value* b = ruby::deref(e->body.node);
    if (b && b->kind == ruby::Kind::String)
      fuzzsupport::check_result(e->inner, reinterpret_cast<const uint8_t*>(b->text.data()),
                                b->text.size(), e->body_serializer == mco::Serializer::Marshal);
  }
  if (e->body_in_bytes) check(e->body_offset + e->body.text.size() <= e->bytes_len);
  for (const mco::Field* f :
       {&e->body, &e->senderid, &e->requestid, &e->senderagent, &e->agent, &e->collective,
        &e->callerid, &e->ttl, &e->msgtime, &e->hash, &e->sslkey, &e->sslpubkey, &e->msgtarget,
        &e->wrap_msg, &e->wrap_ttl, &e->wrap_msgtime, &e->rpc.agent, &e->rpc.action,
        &e->rpc.caller, &e->rpc.statuscode, &e->rpc.statusmsg, &e->rpc.data,
        &e->rpc.process_results, &e->filter.collective})
    field(*f);
  for (size_t i = 0; i < e->filter.fact_count; ++i) {
    field(e->filter.facts[i].fact);
    field(e->filter.facts[i].op);
    field(e->filter.facts[i].value);
  }
  const mco::FilterItem* lists[] = {e->filter.classes, e->filter.agents, e->filter.identities};
  size_t counts[] = {e->filter.class_count, e->filter.agent_count, e->filter.identity_count};
  for (int l = 0; l < 3; ++l)
    for (size_t i = 0; i < counts[l]; ++i) check(lists[l][i].node != nullptr);
  mco::verify_psk(*e, "example-dev-psk");
  char out[1024];
  ruby::render_ruby(e->payload, out, sizeof out);
  ruby::render_ruby(e->registration_data, out, sizeof out);
  mco::body_kind_name(e->body_kind);
  return 0;
}
