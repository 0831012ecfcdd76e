// ruby_base64.h - Base64 as Ruby's Base64.decode64 / unpack("m") reads it
// (used by YAML `!binary`, the MCollective Base64 body option and the aes
// ciphertext length).
//
// Ruby's reader is lenient: characters outside the alphabet (LF, blanks, any
// junk) are skipped, and '=' ends the data only where the 3rd or 4th
// character of a group is due. `is_base64_text`
// is the strict check MCollective receivers apply before decoding a body.
#pragma once

#include <cstddef>
#include <cstdint>

namespace core {
class Arena;
}

namespace ruby {

// Upper bound of the decoded size of n input characters.
inline size_t base64_max_decoded(size_t n) { return n / 4 * 3 + 3; }

// Decodes into out (at least base64_max_decoded(len) bytes); returns the
// number of bytes written.
size_t base64_decode(const uint8_t* in, size_t len, uint8_t* out);

// Decodes into an arena buffer (NUL-terminated). Returns nullptr only when
// the arena is exhausted; *out_len receives the decoded length.
const uint8_t* base64_decode_arena(const uint8_t* in, size_t len, core::Arena& arena,
                                   size_t* out_len);

// True when every byte is in [A-Za-z0-9+/=] or whitespace (LF, CR, blank,
// tab) and there is at least one alphabet character.
bool is_base64_text(const uint8_t* in, size_t len);

}  // namespace ruby
