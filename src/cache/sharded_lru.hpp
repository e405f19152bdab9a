#pragma once
// The in-process store every cache of this code base keeps its entries in (the catalog's L1,
// cache/l1_cache.hpp; the gateway's response cache, services/gateway/response_cache.hpp; and
// through L1Cache the gateway's principal cache): sharded (a mutex per shard, never one global
// lock), bounded by bytes with least-recently-used eviction inside each shard, every entry
// with its own expiry. What makes an entry valid beyond its expiry (generations, tag stripes,
// flush epochs) is the owning cache's business: it rides in `Entry`, which a hit copies out.
//
// Keys are looked up as string_view (the map's key is a view of the node's own string), so a
// hit allocates nothing: one hash, one shard lock, a list splice and a copy of `Entry` (keep it
// a shared_ptr and a few integers). The caller says what an entry costs in bytes (its estimate
// of the heap it holds, overhead included); an entry costing more than a shard's budget
// (max_bytes / shards) is not kept.
//
// Thread-safe: every member may be called from any thread. Header-only (a template); the
// accounting is checked in sharded_lru_test.cpp, the heap estimate by each cache's own test.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace mercato::cache {

/// What a lookup found: the live entry, nothing, or an expired entry (now removed).
enum class LruOutcome { hit, miss, expired };

template <class Entry>
class ShardedLru {
 public:
  using Clock = std::chrono::steady_clock;
  using Outcome = LruOutcome;

  /// `max_bytes` 0: disabled (get always misses, put keeps nothing). `shards` 0 counts as 1.
  explicit ShardedLru(std::size_t max_bytes, std::size_t shards = 16)
      : max_bytes_(max_bytes),
        shard_count_(shards ? shards : 1),
        shard_budget_(max_bytes / shard_count_),
        shards_(std::make_unique<Shard[]>(shard_count_)) {}
  ShardedLru(const ShardedLru&) = delete;
  ShardedLru& operator=(const ShardedLru&) = delete;

  bool enabled() const { return max_bytes_ > 0; }

  /// The live entry for `key`, copied into `out`, made the shard's most recently used.
  Outcome get(std::string_view key, Entry& out, Clock::time_point now = Clock::now()) {
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
    out = it->entry;
    return Outcome::hit;
  }

  /// Inserts or replaces; evicts the shard's least recently used entries to stay in budget.
  /// False (and nothing changed) when disabled or `cost` exceeds a shard's budget.
  bool put(std::string_view key, Entry entry, std::size_t cost, Clock::time_point expires) {
    if (!enabled() || cost > shard_budget_) return false;
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    if (auto found = s.index.find(key); found != s.index.end()) remove(s, found->second);
    while (!s.lru.empty() && s.bytes + cost > shard_budget_) remove(s, std::prev(s.lru.end()));
    s.lru.push_front(Node{std::string(key), std::move(entry), expires, cost});
    s.index.emplace(std::string_view(s.lru.front().key), s.lru.begin());
    s.bytes += cost;
    bytes_.fetch_add(cost, std::memory_order_relaxed);
    entries_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void erase(std::string_view key) {
    erase_if(key, [](const Entry&) { return true; });
  }

  /// Removes `key`'s entry if `pred(entry)` holds, under the shard's lock (e.g. "still the one
  /// I found stale", so a newer entry stored meanwhile stays). True when removed.
  template <class Pred>
  bool erase_if(std::string_view key, Pred pred) {
    if (!enabled()) return false;
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    auto found = s.index.find(key);
    if (found == s.index.end() || !pred(std::as_const(found->second->entry))) return false;
    remove(s, found->second);
    return true;
  }

  void clear() {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      Shard& s = shards_[i];
      std::lock_guard lock(s.mu);
      while (!s.lru.empty()) remove(s, s.lru.begin());
    }
  }

  std::size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  std::size_t entries() const { return entries_.load(std::memory_order_relaxed); }
  std::size_t max_bytes() const { return max_bytes_; }
  /// The most one entry may cost.
  std::size_t shard_budget() const { return shard_budget_; }

 private:
  struct Node {
    std::string key;
    Entry entry;
    Clock::time_point expires;
    std::size_t cost;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Own cache lines: workers hitting different shards do not share one.
  struct alignas(64) Shard {
    std::mutex mu;
    std::list<Node> lru;  // front: most recently used
    std::unordered_map<std::string_view, typename std::list<Node>::iterator, Hash, std::equal_to<>> index;
    std::size_t bytes = 0;
  };

  Shard& shard_for(std::string_view key) {
    // The top bits: std::hash of a string mixes well, and the index uses the low ones.
    const std::size_t h = std::hash<std::string_view>{}(key);
    return shards_[(h >> 48) % shard_count_];
  }

  void remove(Shard& s, typename std::list<Node>::iterator it) {
    s.bytes -= it->cost;
    bytes_.fetch_sub(it->cost, std::memory_order_relaxed);
    entries_.fetch_sub(1, std::memory_order_relaxed);
    s.index.erase(std::string_view(it->key));
    s.lru.erase(it);
  }

  std::size_t max_bytes_;
  std::size_t shard_count_;
  std::size_t shard_budget_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::size_t> entries_{0};
};

}  // namespace mercato::cache
