#include "cache/doorkeeper.hpp"

#include <bit>

#include "core/fnv1a.hpp"

namespace mercato::cache {

namespace {

// FNV-1a over the key, then a final avalanche (the low bits pick the slot, and FNV's low bits
// of similar keys, such as one search term in several sorts, are not well spread on their own).
std::uint64_t hash_key(std::string_view key) {
  std::uint64_t h = fnv1a(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

}  // namespace

Doorkeeper::Doorkeeper(std::size_t slots)
    : mask_(std::bit_ceil(slots == 0 ? std::size_t{1} : slots) - 1),
      table_(std::make_unique<std::atomic<std::uint64_t>[]>(mask_ + 1)) {}

bool Doorkeeper::seen_before(std::string_view key) {
  const std::uint64_t h = hash_key(key);
  std::atomic<std::uint64_t>& slot = table_[h & mask_];
  if (slot.load(std::memory_order_relaxed) == h) return true;
  slot.store(h, std::memory_order_relaxed);
  return false;
}

}  // namespace mercato::cache
