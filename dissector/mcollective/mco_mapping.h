// mco_mapping.h - internal helpers shared by the MCollective mapping files:
// reading a typed Field out of a Hash, mapping the :filter Hash, and decoding
// and classifying the nested :body. Not part of the glue-facing API.
#pragma once

#include <string_view>

#include "dissector/mcollective/mco_envelope.h"
#include "dissector/ruby/ruby_value.h"

namespace mco {

// hash[key] (Symbol or String key) as a Field; absent -> !present().
Field read_field(const ruby::Value* hash, std::string_view key);

// Fills env.filter from the :filter value (a Hash; anything else leaves it
// empty). Returns false when the arena is exhausted.
bool map_filter(const ruby::Value* filter, core::Arena& arena, Filter* out);

// Decodes env.body with a fresh decoder, unwraps the ssl/aes request wrapper
// and classifies the result into env.body_kind / rpc / registration_data.
void decode_body(Envelope& env, core::Arena& arena, const ruby::Limits& lim,
                 const BodyDecryptor* dec = nullptr);

}  // namespace mco
