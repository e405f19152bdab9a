#include "trace/span_arena.hpp"

#include <cstring>

namespace mercato::trace {

namespace {
constexpr std::size_t round_up(std::size_t n) { return (n + 15) & ~std::size_t{15}; }
}  // namespace

void* SpanArena::allocate(std::size_t n) {
  const std::size_t size = round_up(n == 0 ? 1 : n);
  // Once past the end, `used_` keeps growing harmlessly: every later caller goes to overflow.
  const std::size_t offset = used_.fetch_add(size, std::memory_order_relaxed);
  if (offset + size <= inline_bytes) return inline_ + offset;
  return allocate_overflow(size);
}

void* SpanArena::allocate_overflow(std::size_t size) {
  Overflow* o = overflow_.load(std::memory_order_acquire);
  if (!o) {  // two threads may overflow at once: one's state is installed, the other's freed
    auto made = std::make_unique<Overflow>();
    if (overflow_.compare_exchange_strong(o, made.get(), std::memory_order_acq_rel, std::memory_order_acquire))
      o = made.release();
  }
  std::lock_guard lock(o->mutex);
  if (size > chunk_bytes) {  // larger than a chunk (a long status message): a block of its own
    o->big.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    return o->big.back().get();
  }
  if (o->chunk_used + size > chunk_bytes) {
    o->chunks.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk_bytes));
    o->chunk_used = 0;
  }
  void* p = o->chunks.back().get() + o->chunk_used;
  o->chunk_used += size;
  return p;
}

std::string_view SpanArena::copy(std::string_view text) {
  if (text.empty()) return {};
  auto* p = static_cast<char*>(allocate(text.size()));
  std::memcpy(p, text.data(), text.size());
  return {p, text.size()};
}

bool SpanArena::overflowed() const { return used_.load(std::memory_order_relaxed) > inline_bytes; }

}  // namespace mercato::trace
