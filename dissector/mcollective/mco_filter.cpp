// mco_filter.cpp - the request :filter Hash (wire-format section 3.6) mapped
// to mco::Filter. Keys are Strings in every MCollective version; the entries
// are Arrays, except 1.0/1.2 registration which used a bare String for
// "agent". Values are read defensively: anything may be a Link.
#include <cstring>

#include "dissector/mcollective/mco_mapping.h"

namespace mco {

namespace {

FilterItem item_of(const ruby::Value* node) {
  FilterItem it;
  it.node = node;
  const ruby::Value* v = ruby::deref(node);
  if (!v) return it;
  if (v->kind == ruby::Kind::Regexp) {
    it.text = v->text;
    it.regexp = true;
  } else if (v->kind == ruby::Kind::String || v->kind == ruby::Kind::Symbol) {
    it.text = v->text;
  }
  return it;
}

// An Array of entries, or a single bare entry, as FilterItems.
bool items(const ruby::Value* list, core::Arena& arena, const FilterItem** out, size_t* n) {
  *out = nullptr;
  *n = 0;
  const ruby::Value* v = ruby::deref(list);
  if (!v || v->kind == ruby::Kind::Nil) return true;
  if (v->kind != ruby::Kind::Array) {
    FilterItem* one = arena.make<FilterItem>();
    if (!one) return false;
    *one = item_of(list);
    *out = one;
    *n = 1;
    return true;
  }
  if (v->count == 0) return true;
  FilterItem* arr = arena.make_array<FilterItem>(v->count);
  if (!arr) return false;
  for (size_t i = 0; i < v->count; ++i) arr[i] = item_of(v->items[i]);
  *out = arr;
  *n = v->count;
  return true;
}

bool facts(const ruby::Value* list, core::Arena& arena, Filter* f) {
  const ruby::Value* v = ruby::deref(list);
  if (!v || v->kind != ruby::Kind::Array || v->count == 0) return true;
  FactFilter* arr = arena.make_array<FactFilter>(v->count);
  if (!arr) return false;
  for (size_t i = 0; i < v->count; ++i) {
    arr[i].node = v->items[i];
    const ruby::Value* e = ruby::deref(v->items[i]);
    if (e && e->kind == ruby::Kind::Hash) {
      arr[i].fact = read_field(e, "fact");
      arr[i].op = read_field(e, "operator");
      arr[i].value = read_field(e, "value");
    }
  }
  f->facts = arr;
  f->fact_count = v->count;
  return true;
}

}  // namespace

bool map_filter(const ruby::Value* filter, core::Arena& arena, Filter* out) {
  *out = Filter();
  const ruby::Value* h = ruby::deref(filter);
  if (!h || h->kind != ruby::Kind::Hash) return true;
  out->node = h;
  bool ok = facts(ruby::hash_get(h, "fact"), arena, out) &&
            items(ruby::hash_get(h, "cf_class"), arena, &out->classes, &out->class_count) &&
            items(ruby::hash_get(h, "agent"), arena, &out->agents, &out->agent_count) &&
            items(ruby::hash_get(h, "identity"), arena, &out->identities, &out->identity_count);
  out->compound = ruby::hash_get(h, "compound");
  out->collective = read_field(h, "collective");
  return ok;
}

}  // namespace mco
