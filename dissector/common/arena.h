// arena.h - bump allocator for parse results.
//
// Parse results (STOMP header views, Ruby value trees, MCollective envelopes)
// are plain structs allocated from an Arena. They have no destructors, so the
// epan glue can hold them across calls that may longjmp (epan exceptions), and
// the memory is released all at once: by the Arena destructor in tests and
// fuzzers, or by the wmem pool the glue plugs in with the external-allocator
// constructor.
//
// Every Arena has a byte budget. When it is spent, alloc() returns nullptr and
// exhausted() turns true; decoders treat that as "input too large", which is
// what keeps hostile input from eating memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

namespace core {

class Arena {
 public:
  using AllocFn = void* (*)(void* ctx, size_t size);

  static constexpr size_t kDefaultBudget = size_t{256} << 20;  // 256 MiB

  // Owns its memory (malloc'd blocks freed by the destructor).
  explicit Arena(size_t budget = kDefaultBudget);
  // Takes memory from fn(ctx, size) and never frees it (e.g. a wmem pool).
  // fn must return 8-byte aligned memory.
  Arena(AllocFn fn, void* ctx, size_t budget = kDefaultBudget);
  ~Arena();

  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Zeroed, 8-byte aligned memory or nullptr when the budget is spent.
  void* alloc(size_t size);

  // A value-initialised T (T must be trivially destructible).
  template <class T>
  T* make() {
    static_assert(std::is_trivially_destructible<T>::value,
                  "arena objects are never destroyed");
    static_assert(alignof(T) <= 8, "arena memory is 8-byte aligned");
    void* p = alloc(sizeof(T));
    return p ? new (p) T() : nullptr;
  }

  // n value-initialised Ts; nullptr when n == 0 or the budget is spent.
  template <class T>
  T* make_array(size_t n) {
    static_assert(std::is_trivially_destructible<T>::value,
                  "arena objects are never destroyed");
    static_assert(alignof(T) <= 8, "arena memory is 8-byte aligned");
    if (n == 0 || n > max_size() / sizeof(T)) return nullptr;
    void* p = alloc(n * sizeof(T));
    if (!p) return nullptr;
    T* arr = static_cast<T*>(p);
    for (size_t i = 0; i < n; ++i) new (arr + i) T();
    return arr;
  }

  // A copy of bytes [p, p+n) followed by a NUL (so text can be used as a C
  // string); nullptr when the budget is spent.
  uint8_t* copy(const uint8_t* p, size_t n);
  char* copy_str(const char* s, size_t n) {
    return reinterpret_cast<char*>(copy(reinterpret_cast<const uint8_t*>(s), n));
  }

  bool exhausted() const { return exhausted_; }
  size_t used() const { return used_; }
  size_t budget() const { return budget_; }

 private:
  static size_t max_size() { return size_t{1} << 40; }
  void* grab(size_t size);

  struct Block;
  AllocFn fn_ = nullptr;
  void* ctx_ = nullptr;
  Block* blocks_ = nullptr;
  uint8_t* cur_ = nullptr;
  size_t left_ = 0;
  size_t used_ = 0;
  size_t budget_;
  bool exhausted_ = false;
};

}  // namespace core
