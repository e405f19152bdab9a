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
  std::lock_guard lock(overflow_mutex_);
  if (size > chunk_bytes) {  // larger than a chunk (a long status message): a block of its own
    big_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    return big_.back().get();
  }
  if (chunk_used_ + size > chunk_bytes) {
    chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk_bytes));
    chunk_used_ = 0;
  }
  void* p = chunks_.back().get() + chunk_used_;
  chunk_used_ += size;
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
