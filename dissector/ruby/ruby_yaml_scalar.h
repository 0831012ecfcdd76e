// ruby_yaml_scalar.h - what a YAML scalar means to Ruby: Psych 4's implicit
// typing of plain scalars (ScalarScanner#tokenize) and the explicit tags
// MCollective-era Ruby writes (!binary, !ruby/regexp, !ruby/sym, ...).
//
// Used by the YAML decoder; kept apart so the typing rules can be tested
// one string at a time against Ruby's own answers.
#pragma once

#include <string_view>

#include "dissector/ruby/ruby_value.h"

namespace core {
class Arena;
}

namespace ruby {

// Types a plain (unquoted, untagged) scalar the way Psych does:
//   ""/~/null -> nil, true/yes/on / false/no/off (short words only) -> bool,
//   :name / :"name" -> Symbol, ints (0b 0 0x, 1_000, 1,000, base 60) ->
//   Fixnum/Bignum, floats (1.5, .5, 1.0e+3, .inf, .nan, base 60) -> Float,
//   timestamps and dates -> String tagged tag:yaml.org,2002:timestamp/date,
//   anything else -> String.
// `s` must stay alive as long as the tree (the decoder passes an arena copy):
// String and Symbol nodes point into it. Returns false only when the arena
// is exhausted.
bool resolve_plain_scalar(std::string_view s, Value* v, core::Arena& arena);

// Fills v from a scalar with an explicit tag (tag as libyaml reports it:
// "!binary", "tag:yaml.org,2002:str", "!ruby/regexp", ...). Tags it does not
// know leave a String with v->tag set. Returns false only on arena
// exhaustion.
bool resolve_tagged_scalar(std::string_view tag, std::string_view s, Value* v,
                           core::Arena& arena);

// Psych's integer forms (after removing ',' and '_'): decimal, 0b binary,
// 0 octal, 0x hex, optional sign. Sets Fixnum when the value fits int64,
// else Bignum (magnitude bytes in the arena). False if `s` is not one.
bool parse_yaml_integer(std::string_view s, Value* v, core::Arena& arena, bool* arena_failed);

}  // namespace ruby
