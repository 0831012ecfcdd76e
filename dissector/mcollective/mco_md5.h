// mco_md5.h - MD5 (RFC 1321), written for the psk provider's
// MD5(body || key) check. Not for anything security-relevant: MCollective
// chose MD5, the dissector only has to recompute it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mco {

class Md5 {
 public:
  Md5();
  void update(const void* data, size_t len);
  // Finishes and writes the 16-byte digest; the object is spent afterwards.
  void final(uint8_t out[16]);

 private:
  void block(const uint8_t* p);

  uint32_t state_[4];
  uint64_t bytes_ = 0;   // total message length so far
  uint8_t buf_[64];
  size_t used_ = 0;      // bytes waiting in buf_
};

// Lower-case hex of a 16-byte digest into out (33 bytes: 32 digits + NUL).
void digest_hex(const uint8_t digest[16], char out[33]);

// Lower-case hex of MD5(data).
void md5_hex(const void* data, size_t len, char out[33]);

}  // namespace mco
