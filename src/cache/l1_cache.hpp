#pragma once
// L1: the in-process tier. Holds finished response bytes (see CachedValue), so a hit is a
// hash lookup and a shared_ptr copy: no JSON, no allocation of the body until the response
// copies it. Sharded (a mutex per shard, never one global lock), bounded by bytes with
// least-recently-used eviction inside each shard, every entry with its own expiry.
//
// Bytes are an estimate that counts the key, the value and a fixed per-entry overhead for the
// list node, hash node and shared_ptr block (kEntryOverhead, measured with mallinfo2 in
// l1_cache_test.cpp), so the real heap use stays under the limit.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mercato::cache {

/// One cached answer: the whole response body, its ETag, or "absent" (negative caching).
struct CachedValue {
  std::string body;
  std::string etag;
  bool absent = false;
};
using ValuePtr = std::shared_ptr<const CachedValue>;

/// Thread-safe: every member may be called from any thread.
class L1Cache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kEntryOverhead = 320;

  /// `max_bytes` 0: disabled (get always misses, put does nothing).
  explicit L1Cache(std::size_t max_bytes, std::size_t shards = 16);

  bool enabled() const { return max_bytes_ > 0; }

  struct Hit {
    ValuePtr value;
    std::uint64_t gen = 0;  // the generation the value was built under (see keys.hpp)
  };
  enum class Outcome { hit, miss, expired };
  /// The live entry for `key`; an expired one is removed and reported as `expired`.
  Outcome get(std::string_view key, Hit& out, Clock::time_point now = Clock::now());
  /// Inserts or replaces; evicts least-recently-used entries of the shard to stay in budget.
  /// A value larger than a shard's budget is not kept.
  void put(std::string_view key, ValuePtr value, std::uint64_t gen, Clock::time_point expires);
  void erase(std::string_view key);
  void clear();

  std::size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  std::size_t entries() const { return entries_.load(std::memory_order_relaxed); }
  std::size_t max_bytes() const { return max_bytes_; }
  static std::size_t cost(std::string_view key, const CachedValue& v) {
    return key.size() + v.body.size() + v.etag.size() + kEntryOverhead;
  }

 private:
  struct Node {
    std::string key;
    ValuePtr value;
    std::uint64_t gen;
    Clock::time_point expires;
    std::size_t cost;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mu;
    std::list<Node> lru;  // front: most recently used
    std::unordered_map<std::string_view, std::list<Node>::iterator, Hash, std::equal_to<>> index;
    std::size_t bytes = 0;
  };

  Shard& shard_for(std::string_view key);
  void remove(Shard& s, std::list<Node>::iterator it);

  std::size_t max_bytes_;
  std::size_t shard_budget_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::size_t> entries_{0};
};

}  // namespace mercato::cache
