#pragma once
// L1: the in-process tier. Holds finished response bytes (see CachedValue), so a hit is a
// hash lookup and a shared_ptr copy: no JSON, no allocation of the body until the response
// copies it. The store is cache/sharded_lru.hpp's (sharded, bounded by bytes, LRU, per-entry
// expiry); this file adds what an L1 entry is, the generation it was built under, and what
// it costs.
//
// Bytes are an estimate that counts the key, the value and a fixed per-entry overhead for the
// list node, hash node and shared_ptr block (kEntryOverhead, measured with mallinfo2 in
// l1_cache_test.cpp), so the real heap use stays under the limit.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cache/sharded_lru.hpp"

namespace mercato::cache {

/// One cached answer: the whole response body, its ETag, or "absent" (negative caching).
struct CachedValue {
  std::string body;
  std::string etag;
  bool absent = false;
  /// Loaded for a key asked for the first time and not stored (Lookup::admit_on_repeat): no
  /// shared cache downstream should store it either. Never true of a stored value.
  bool transient = false;
};
using ValuePtr = std::shared_ptr<const CachedValue>;

/// Thread-safe: every member may be called from any thread.
class L1Cache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kEntryOverhead = 320;

  /// `max_bytes` 0: disabled (get always misses, put does nothing).
  explicit L1Cache(std::size_t max_bytes, std::size_t shards = 16);

  bool enabled() const { return lru_.enabled(); }

  struct Hit {
    ValuePtr value;
    std::uint64_t gen = 0;  // the generation the value was built under (see keys.hpp)
  };
  using Outcome = LruOutcome;
  /// The live entry for `key`; an expired one is removed and reported as `expired`.
  Outcome get(std::string_view key, Hit& out, Clock::time_point now = Clock::now());
  /// Inserts or replaces; evicts least-recently-used entries of the shard to stay in budget.
  /// A value larger than a shard's budget is not kept.
  void put(std::string_view key, ValuePtr value, std::uint64_t gen, Clock::time_point expires);
  void erase(std::string_view key);
  void clear();

  std::size_t bytes() const { return lru_.bytes(); }
  std::size_t entries() const { return lru_.entries(); }
  std::size_t max_bytes() const { return lru_.max_bytes(); }
  static std::size_t cost(std::string_view key, const CachedValue& v) {
    return key.size() + v.body.size() + v.etag.size() + kEntryOverhead;
  }

 private:
  ShardedLru<Hit> lru_;
};

}  // namespace mercato::cache
