// ruby_yaml.h - decoder for the YAML that Ruby's Psych (and Syck) write,
// into the shared ruby::Value tree.
//
// libyaml's event parser does the syntax; this layer builds the tree and
// gives scalars their Ruby meaning (ruby_yaml_scalar.h): `:name` is a Symbol,
// quoted text and block literals are Strings (exact bytes, final-LF rules
// kept), `!binary` is Base64, `!ruby/regexp`, `!ruby/sym`, `!ruby/object:X`,
// `!ruby/struct:X` ... map to the matching node kinds.
//
// Aliases are never expanded: `*a` becomes a Link node to the anchored node,
// so alias bombs ("billion laughs") stay small. Nesting, node count and anchor
// count are bounded by Limits; only the first document of a stream is read.
// Offsets are byte offsets into the input (libyaml counts characters; they
// are converted). Scalar text lives in the arena.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_value.h"

namespace ruby {

// Decodes the first YAML document of data[0..len). The input must be UTF-8
// (MCollective's is); anything else is a syntax error. On an error the result
// has the byte offset of the problem and the partial tree built so far.
DecodeResult decode_yaml(const uint8_t* data, size_t len, core::Arena& arena,
                         const Limits& lim = Limits());

}  // namespace ruby
