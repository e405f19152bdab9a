#include "cache/l1_cache.hpp"

namespace mercato::cache {

L1Cache::L1Cache(std::size_t max_bytes, std::size_t shards) : lru_(max_bytes, shards) {}

L1Cache::Outcome L1Cache::get(std::string_view key, Hit& out, Clock::time_point now) {
  return lru_.get(key, out, now);
}

void L1Cache::put(std::string_view key, ValuePtr value, std::uint64_t gen, Clock::time_point expires) {
  if (!enabled() || !value) return;
  const std::size_t c = cost(key, *value);
  lru_.put(key, Hit{std::move(value), gen}, c, expires);
}

void L1Cache::erase(std::string_view key) { lru_.erase(key); }

void L1Cache::clear() { lru_.clear(); }

}  // namespace mercato::cache
