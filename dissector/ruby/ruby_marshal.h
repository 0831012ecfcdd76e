// ruby_marshal.h - decoder for Ruby Marshal format 4.8 (Marshal.dump of Ruby
// 1.8 .. 3.x) into the shared ruby::Value tree.
//
// A pure parser: nothing is instantiated or executed. It follows the wire
// rules of mcollective-wire-format.md section 5: every type code, the packed
// long, object-table slots reserved exactly when Ruby reserves them (so `@n`
// resolves to the right node), the symbol table, the `I` wrapper and its
// encoding ivars.
//
// Hostile input is bounded: lengths and counts are checked against the bytes
// left before anything is allocated, nesting stops at Limits::max_depth (so
// recursion stays shallow), tables and node counts are capped, and the arena
// budget is honoured. Time is O(n) in the input size. On an error the result
// carries the byte offset and a message, and `root` holds whatever was built
// up to that point (containers cut short are flagged `incomplete`).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_value.h"

namespace ruby {

// Decodes one Marshal stream starting at data[0] (the 04 08 header).
// String-ish nodes point into `data`, which must outlive the tree. Offsets
// are relative to `data`. Bytes after the top-level value are reported as a
// warning (result.consumed says where the value ended).
DecodeResult decode_marshal(const uint8_t* data, size_t len, core::Arena& arena,
                            const Limits& lim = Limits());

// True when data starts with a Marshal header Ruby would accept (4.0 .. 4.8).
bool has_marshal_header(const uint8_t* data, size_t len);

}  // namespace ruby
