#pragma once
// The gateway's shared response cache (docs/http-caching.md): the catalog's public GET answers,
// kept in this process, bounded by bytes, and dropped when the catalog's invalidation bus
// announces a write to any key the answer was built from (its Cache-Tag).
//
// What is cached — every rule is a trust decision:
//   - the request: GET or HEAD, without Authorization and without Cookie (a token may see a
//     store's drafts; its answers are never served from nor stored into the shared cache);
//   - the answer: 200, Cache-Control `public` with a positive s-maxage (or max-age), none of
//     private/no-store/no-cache, a Cache-Tag, no Set-Cookie, and a Vary naming nothing but
//     X-Store-ID, Authorization and Accept-Encoding (the key covers the first, the second is
//     always absent here, and the cache keeps the identity encoding only: the compression
//     middleware sits outside it);
//   - the key: "GET" (HEAD is answered from the GET's answer, as the proxy forwards it),
//     the path, the query with its parameters sorted by name (stably: a repeated name keeps
//     its order), and X-Store-ID lower-cased. A request the catalog reads differently never
//     shares a key; two spellings of one request may miss, which costs a fetch, never a wrong answer.
//   - the lifetime: the answer's s-maxage (else max-age), at most GATEWAY_CACHE_MAX_TTL.
//
// Invalidation, ordered so that no answer older than a finished write is ever served:
//   - every tag is hashed to one of kStripes stripes; an invalidation bumps a global sequence
//     and stamps each of its tags' stripes with it (and the time);
//   - a fetch takes a Ticket (the sequence, the flush epoch, the time) before it asks the
//     catalog. Its answer is stored only if no stripe of its tags was stamped after the ticket
//     (an invalidation raced the fetch) nor within kSettle before it (another catalog instance
//     may not have applied that write's invalidation to its own L1 yet: the catalog's write
//     waits at most its ack timeout, 250 ms, for every instance), and re-checked after the put;
//   - a hit is served only if none of its tags' stripes was stamped after it was fetched. So
//     an invalidation takes effect for every entry at once, without a scan; the entry's bytes
//     go when the lookup finds it stale or LRU eviction reaches it;
//   - while the bus is not connected nothing is served from or stored into the cache, and a
//     lost connection (messages may have been missed) flushes it (flush()).
// A stripe collision only costs a miss. The entries live in a cache::ShardedLru (sharded,
// bounded by bytes, LRU, per-entry expiry); the stripes, tickets and epochs are this file's.
// Thread-safe: lookups and stores from any worker, the
// bus's callbacks from its strand.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/sharded_lru.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

/// One cached answer, as the origin sent it less the per-request headers. A struct, so a
/// compressed variant of the body can be kept beside it later.
struct CachedResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // ETag, Cache-Control, Vary, Cache-Tag…
  std::string body;
  std::string etag;               // for If-None-Match; empty when the answer had none
  std::vector<std::string> tags;  // the Cache-Tag values
  std::chrono::system_clock::time_point stored_at;  // for Age
};
using CachedResponsePtr = std::shared_ptr<const CachedResponse>;

// ---- the rules (pure; exposed for tests) ----

/// GET or HEAD, no Authorization, no Cookie.
bool request_cacheable(const http::Request& req);
/// The key of a cacheable request (see above); nullopt when a query parameter's name is not
/// valid percent-encoding (the request goes to the catalog uncached).
std::optional<std::string> response_cache_key(const http::Request& req);
/// The values of a Cache-Tag header: comma-separated, trimmed, empty ones dropped.
std::vector<std::string> parse_cache_tags(std::string_view header);
/// What storing `res` takes, or nullopt when it may not be stored; `max_ttl` caps the lifetime.
struct StorePlan {
  std::chrono::seconds ttl{0};
  std::vector<std::string> tags;
};
std::optional<StorePlan> storable(const http::Response& res, std::chrono::seconds max_ttl);

// ---- the store ----

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kStripes = 4096;
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kEntryOverhead = 400;  // list and hash nodes, shared_ptr block, vectors
  /// How long after an invalidation of a tag no answer fetched for it is stored (see above).
  static constexpr Clock::duration kSettle = std::chrono::seconds(1);

  /// `max_bytes` 0: disabled. `bus_connected`: whether invalidations are being received now.
  ResponseCache(std::size_t max_bytes, std::chrono::seconds max_ttl, std::function<bool()> bus_connected);

  bool enabled() const { return lru_.enabled(); }
  /// Enabled and the bus connected: only then is anything served or stored.
  bool usable() const { return enabled() && bus_connected_(); }
  std::chrono::seconds max_ttl() const { return max_ttl_; }

  /// Taken before the fetch whose answer may be stored.
  struct Ticket {
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;
    Clock::time_point started;
  };
  Ticket begin(Clock::time_point now = Clock::now()) const;

  /// The fresh, still valid entry for `key`, or null (a stale or expired one is removed).
  CachedResponsePtr lookup(std::string_view key, Clock::time_point now = Clock::now());
  /// Stores `res` under `key` if nothing invalidated its tags since (or shortly before) `t`.
  /// True when it was stored.
  bool store(std::string_view key, const Ticket& t, const http::Response& res, const StorePlan& plan,
             Clock::time_point now = Clock::now());

  /// The bus announced a write to these keys.
  void invalidate(const std::vector<std::string>& tags, Clock::time_point now = Clock::now());
  /// Drops everything (a lost bus connection: messages may have been missed).
  void flush();

  std::size_t bytes() const { return lru_.bytes(); }
  std::size_t entries() const { return lru_.entries(); }
  std::size_t max_bytes() const { return lru_.max_bytes(); }

 private:
  struct Entry {
    CachedResponsePtr value;
    std::uint64_t seq = 0;    // the ticket's: valid while no stripe of its tags is stamped later
    std::uint64_t epoch = 0;  // the ticket's: valid while no flush happened since
  };
  struct Stripe {
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::int64_t> at{0};  // Clock ticks of the last stamp
  };

  static std::size_t stripe_of(std::string_view tag);
  bool still_valid(const CachedResponse& v, std::uint64_t seq, std::uint64_t epoch) const;
  void erase_if_same(std::string_view key, const CachedResponsePtr& value);

  std::chrono::seconds max_ttl_;
  std::function<bool()> bus_connected_;
  cache::ShardedLru<Entry> lru_;
  std::unique_ptr<Stripe[]> stripes_;
  std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> epoch_{0};
};

}  // namespace mercato::gateway
