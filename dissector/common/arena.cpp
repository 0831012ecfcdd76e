// arena.cpp - see arena.h.
#include "dissector/common/arena.h"

#include <cstdlib>

namespace core {

namespace {
// 8, not alignof(max_align_t): wmem pools hand out 8-byte aligned memory and
// nothing we allocate needs more (make() checks).
constexpr size_t kAlign = 8;
constexpr size_t kBlockSize = 32 * 1024;

size_t round_up(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }
}  // namespace

struct Arena::Block {
  Block* next;
};

Arena::Arena(size_t budget) : budget_(budget) {}

Arena::Arena(AllocFn fn, void* ctx, size_t budget)
    : fn_(fn), ctx_(ctx), budget_(budget) {}

Arena::~Arena() {
  while (blocks_) {
    Block* next = blocks_->next;
    std::free(blocks_);
    blocks_ = next;
  }
}

void* Arena::grab(size_t size) {
  if (fn_) return fn_(ctx_, size);
  // Header sized to keep the payload max-aligned.
  const size_t header = round_up(sizeof(Block));
  void* raw = std::malloc(header + size);
  if (!raw) return nullptr;
  Block* b = static_cast<Block*>(raw);
  b->next = blocks_;
  blocks_ = b;
  return static_cast<uint8_t*>(raw) + header;
}

void* Arena::alloc(size_t size) {
  if (exhausted_) return nullptr;
  size = round_up(size == 0 ? 1 : size);
  if (size > budget_ - used_ || size > max_size()) {
    exhausted_ = true;
    return nullptr;
  }
  used_ += size;
  if (size > left_) {
    // Big requests get a block of their own; small ones share a fresh block.
    if (size >= kBlockSize / 4) {
      void* p = grab(size);
      if (!p) {
        exhausted_ = true;
        return nullptr;
      }
      std::memset(p, 0, size);
      return p;
    }
    void* p = grab(kBlockSize);
    if (!p) {
      exhausted_ = true;
      return nullptr;
    }
    cur_ = static_cast<uint8_t*>(p);
    left_ = kBlockSize;
  }
  void* p = cur_;
  cur_ += size;
  left_ -= size;
  std::memset(p, 0, size);
  return p;
}

uint8_t* Arena::copy(const uint8_t* p, size_t n) {
  if (n >= max_size()) {
    exhausted_ = true;
    return nullptr;
  }
  uint8_t* out = static_cast<uint8_t*>(alloc(n + 1));
  if (!out) return nullptr;
  if (n) std::memcpy(out, p, n);
  out[n] = 0;
  return out;
}

}  // namespace core
