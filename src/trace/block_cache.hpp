#pragma once
// An allocator that keeps a few freed blocks per thread for the next allocation of the same
// type. A recording trace (with its first span, ~700 bytes) and the span arena of a request
// that opens more spans (~3.6 KB) are allocated and freed once per request; glibc serves
// blocks that large from its bins, not its per-thread cache, at about ten times the cost of a
// small allocation — more than recording the request's spans.
// glibc has no knob for this per size, hence these few lines.

#include <cstddef>
#include <new>
#include <vector>

namespace mercato::trace {

template <typename T>
class BlockCacheAllocator {
  // Plain operator new aligns this much; a type asking more would need the aligned forms.
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

 public:
  using value_type = T;
  static constexpr std::size_t max_cached = 64;  // per thread: a burst of concurrent requests

  BlockCacheAllocator() = default;
  template <typename U>
  BlockCacheAllocator(const BlockCacheAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    auto& cache = blocks();
    if (n == 1 && !cache.free.empty()) {
      void* p = cache.free.back();
      cache.free.pop_back();
      return static_cast<T*>(p);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }

  void deallocate(T* p, std::size_t n) noexcept {
    auto& cache = blocks();
    if (n == 1 && cache.free.size() < max_cached) {
      cache.free.push_back(p);  // capacity reserved up front: never throws
      return;
    }
    ::operator delete(p);
  }

  template <typename U>
  bool operator==(const BlockCacheAllocator<U>&) const noexcept {
    return true;
  }

 private:
  struct Cache {
    std::vector<void*> free;
    Cache() { free.reserve(max_cached); }
    ~Cache() {
      for (void* p : free) ::operator delete(p);
    }
  };
  static Cache& blocks() {
    thread_local Cache cache;
    return cache;
  }
};

}  // namespace mercato::trace
