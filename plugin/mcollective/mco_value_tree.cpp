// mco_value_tree.cpp - see mco_value_tree.h. Recursion is bounded by the
// decoders' depth limit; links are shown, never followed (cycles exist).
#include "plugin/mcollective/mco_value_tree.h"

#include "plugin/mcollective/mco_fields.h"

namespace {

void span(const McoValueTree* ctx, const ruby::Value* v, const ruby::Pair* pair, gint* off,
          gint* len) {
  size_t start = v ? v->offset : 0;
  size_t length = v ? v->length : 0;
  if (pair && pair->key && pair->value) {
    start = pair->key->offset;
    size_t end = pair->value->offset + pair->value->length;
    length = end > start ? end - start : 0;
  }
  if (start > static_cast<size_t>(ctx->length)) start = static_cast<size_t>(ctx->length);
  if (length > static_cast<size_t>(ctx->length) - start)
    length = static_cast<size_t>(ctx->length) - start;
  *off = ctx->base + static_cast<gint>(start);
  *len = static_cast<gint>(length);
}

bool has_children(const ruby::Value* v) {
  if (!v) return false;
  switch (v->kind) {
    case ruby::Kind::Array:
    case ruby::Kind::Hash:
    case ruby::Kind::Object:
    case ruby::Kind::Struct:
      return v->count > 0 || v->has_default;
    case ruby::Kind::UserMarshal:
    case ruby::Kind::Data:
    case ruby::Kind::Extended:
    case ruby::Kind::UserClass:
      return v->ref != nullptr;
    default:
      return false;
  }
}

}  // namespace

void mco_add_value(McoValueTree* ctx, proto_tree* tree, const ruby::Pair* pair,
                   const ruby::Value* v, unsigned depth) {
  if (!v || !tree) return;
  if (ctx->budget == 0) {
    ctx->truncated = true;
    return;
  }
  ctx->budget--;
  char text[320];
  if (pair)
    ruby::render_pair_summary(*pair, text, sizeof text);
  else
    ruby::render_summary(v, text, sizeof text);
  gint off, len;
  span(ctx, v, pair, &off, &len);
  // Labelled with the text alone so the tree reads like Ruby; the field
  // (mcollective.value) still holds it for filters.
  proto_item* it =
      proto_tree_add_string_format(tree, hf_mco_value, ctx->tvb, off, len, text, "%s", text);
  if (!has_children(v) || depth > 80) return;
  proto_tree* sub = proto_item_add_subtree(it, ett_mco_value);
  switch (v->kind) {
    case ruby::Kind::Array:
      for (size_t i = 0; i < v->count && ctx->budget; i++)
        mco_add_value(ctx, sub, nullptr, v->items[i], depth + 1);
      break;
    case ruby::Kind::Hash:
    case ruby::Kind::Object:
    case ruby::Kind::Struct:
      for (size_t i = 0; i < v->count && ctx->budget; i++)
        mco_add_value(ctx, sub, &v->pairs[i], v->pairs[i].value, depth + 1);
      if (v->has_default && v->ref) mco_add_value(ctx, sub, nullptr, v->ref, depth + 1);
      break;
    default:  // wrappers: the wrapped value
      mco_add_value(ctx, sub, nullptr, v->ref, depth + 1);
      break;
  }
}
