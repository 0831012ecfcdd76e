// mco_value_tree.h - shows a decoded Ruby value tree (Marshal or YAML) as
// Wireshark tree items that read like Ruby (`:senderid => "node1"`), each
// highlighting its bytes, bounded in depth and count.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/ruby/ruby_value.h"

struct McoValueTree {
  tvbuff_t* tvb;  // the bytes node offsets refer to
  gint base;      // where those bytes start in tvb
  gint length;    // and how many there are (offsets beyond are clamped)
  guint budget;   // items left to add
  bool truncated; // the budget ran out
};

// Adds `v` (as "key => value" when pair is given) and its children.
void mco_add_value(McoValueTree* ctx, proto_tree* tree, const ruby::Pair* pair,
                   const ruby::Value* v, unsigned depth);
