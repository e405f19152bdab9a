#pragma once
// Where a trace's spans live while its request runs. Every request records its spans while an
// exporter is configured (the tail rules decide at the end), and ~99 % are then dropped, so
// recording must cost next to nothing: spans are written in place into this arena — no heap
// allocation per span or per attribute, no copies when a span ends, nothing to free one by
// one when the trace is dropped. Only a kept trace is copied out into SpanData for the
// exporter (recorded_span.hpp).
//
// Thread-safe: a request's coroutines may resume on any io thread and fan out, so space is
// handed out by an atomic bump over an inline buffer; the rare trace that outgrows it (a
// request running many statements) takes heap chunks under a mutex. That overflow state is
// made only when first needed, so an arena that fits is built and torn down by three stores.
// A bump allocator is a few lines; std::pmr::monotonic_buffer_resource is not thread-safe,
// and a synchronized_pool_resource allocates per block, which is what this avoids.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace mercato::trace {

class SpanArena {
 public:
  /// A request's spans in the gateway or catalog fit here (a span takes about 500 bytes).
  static constexpr std::size_t inline_bytes = 3584;
  static constexpr std::size_t chunk_bytes = 8192;

  SpanArena() = default;
  ~SpanArena() { delete overflow_.load(std::memory_order_acquire); }
  SpanArena(const SpanArena&) = delete;
  SpanArena& operator=(const SpanArena&) = delete;

  /// `n` bytes aligned to 16 (never null; storage lives as long as the arena).
  void* allocate(std::size_t n);
  /// A copy of `text` in the arena.
  std::string_view copy(std::string_view text);

  /// Whether the inline buffer ran out (tests check both paths).
  bool overflowed() const;

 private:
  struct Overflow {
    std::mutex mutex;
    std::vector<std::unique_ptr<std::byte[]>> chunks;  // guarded by mutex
    std::size_t chunk_used = chunk_bytes;              // in chunks.back(); guarded too
    std::vector<std::unique_ptr<std::byte[]>> big;     // blocks larger than a chunk; guarded too
  };
  void* allocate_overflow(std::size_t n);

  alignas(16) std::byte inline_[inline_bytes];
  std::atomic<std::size_t> used_{0};
  std::atomic<Overflow*> overflow_{nullptr};  // made by the first allocation past inline_
};

}  // namespace mercato::trace
