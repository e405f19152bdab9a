#include "cache/l1_cache.hpp"

namespace mercato::cache {

L1Cache::L1Cache(std::size_t max_bytes, std::size_t shards)
    : max_bytes_(max_bytes), shard_budget_(shards ? max_bytes / shards : max_bytes) {
  if (shards == 0) shards = 1;
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

L1Cache::Shard& L1Cache::shard_for(std::string_view key) {
  // The top bits: std::hash of a string mixes well, and the index uses the low ones.
  const std::size_t h = std::hash<std::string_view>{}(key);
  return *shards_[(h >> 48) % shards_.size()];
}

void L1Cache::remove(Shard& s, std::list<Node>::iterator it) {
  s.bytes -= it->cost;
  bytes_.fetch_sub(it->cost, std::memory_order_relaxed);
  entries_.fetch_sub(1, std::memory_order_relaxed);
  s.index.erase(std::string_view(it->key));
  s.lru.erase(it);
}

L1Cache::Outcome L1Cache::get(std::string_view key, Hit& out, Clock::time_point now) {
  if (!enabled()) return Outcome::miss;
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  auto found = s.index.find(key);
  if (found == s.index.end()) return Outcome::miss;
  auto it = found->second;
  if (it->expires <= now) {
    remove(s, it);
    return Outcome::expired;
  }
  s.lru.splice(s.lru.begin(), s.lru, it);
  out.value = it->value;
  out.gen = it->gen;
  return Outcome::hit;
}

void L1Cache::put(std::string_view key, ValuePtr value, std::uint64_t gen, Clock::time_point expires) {
  if (!enabled() || !value) return;
  const std::size_t c = cost(key, *value);
  if (c > shard_budget_) return;
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  if (auto found = s.index.find(key); found != s.index.end()) remove(s, found->second);
  while (!s.lru.empty() && s.bytes + c > shard_budget_) remove(s, std::prev(s.lru.end()));
  s.lru.push_front(Node{std::string(key), std::move(value), gen, expires, c});
  s.index.emplace(std::string_view(s.lru.front().key), s.lru.begin());
  s.bytes += c;
  bytes_.fetch_add(c, std::memory_order_relaxed);
  entries_.fetch_add(1, std::memory_order_relaxed);
}

void L1Cache::erase(std::string_view key) {
  if (!enabled()) return;
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  if (auto found = s.index.find(key); found != s.index.end()) remove(s, found->second);
}

void L1Cache::clear() {
  for (auto& sp : shards_) {
    Shard& s = *sp;
    std::lock_guard lock(s.mu);
    while (!s.lru.empty()) remove(s, s.lru.begin());
  }
}

}  // namespace mercato::cache
