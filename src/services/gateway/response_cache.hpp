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
//     always absent here, and the third is answered from the entry: see "coded variants");
//   - the key: "GET" (HEAD is answered from the GET's answer, as the proxy forwards it),
//     the path, the query with its parameters sorted by name (stably: a repeated name keeps
//     its order), and X-Store-ID lower-cased. A request the catalog reads differently never
//     shares a key; two spellings of one request may miss, which costs a fetch, never a wrong answer.
//   - the lifetime: the answer's s-maxage (else max-age), at most GATEWAY_CACHE_MAX_TTL.
//   - coded variants: an answer the compression middleware would code (compressible(), at
//     least COMPRESS_MIN_BYTES) is kept in gzip and br too, coded once when it is stored (the
//     Coder given to the constructor), and its cost counts them. A hit for a client accepting
//     one of them is answered with those bytes (gateway_cache.hpp, from_cache), never coded
//     again. Why at store time rather than lazily on the first request for a coding: the
//     entry stays immutable once shared, so a hit reads it without any lock or once-flag of
//     its own, and its cost is known when the LRU places it; the price is one gzip and one br
//     per store (tens of µs, once per key per lifetime), br bytes kept for clients that may
//     not ask for them, both counted in the byte budget.
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
// Thread-safe: lookups and stores from any worker, the bus's callbacks from its strand.

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
#include "http/compression.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

/// One cached answer, as the origin sent it less the per-request headers, with its body's
/// coded variants.
struct CachedResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // ETag, Cache-Control, Vary, Cache-Tag…
  std::string body;
  /// `body` coded once when stored (gzip, br: those the coder made smaller than it); empty
  /// when the answer is not one the gateway codes.
  std::vector<http::Encoded> coded;
  /// The stored bytes for coding `e`, or null.
  const std::string* coded_body(http::Encoding e) const {
    for (const auto& c : coded)
      if (c.enc == e) return &c.bytes;
    return nullptr;
  }
  std::string etag;               // for If-None-Match; empty when the answer had none
  std::vector<std::string> tags;  // the Cache-Tag values
  /// The invalidation stripe of each tag, in `tags`' order: found once when stored, so that a
  /// hit's validity check hashes nothing (it ran on every hit, one hash per tag).
  std::vector<std::uint32_t> stripes;
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
  /// The compression middleware would code this answer (compressible(), decided by the
  /// caller, which knows the request and COMPRESS_MIN_BYTES): keep its coded variants.
  bool code = false;
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

  /// Codes a stored body into the variants kept beside it (gzip, br); called once per store of
  /// an answer whose plan says `code`.
  using Coder = std::function<std::vector<http::Encoded>(std::string_view body)>;

  /// `max_bytes` 0: disabled. `bus_connected`: whether invalidations are being received now.
  /// `coder` empty: no coded variants are kept.
  ResponseCache(std::size_t max_bytes, std::chrono::seconds max_ttl, std::function<bool()> bus_connected,
                Coder coder = {});

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
  /// Stores `res` under `key` (with its coded variants when `plan.code`) if nothing invalidated
  /// its tags since (or shortly before) `t`. The stored entry, or null when it was not stored.
  CachedResponsePtr store(std::string_view key, const Ticket& t, const http::Response& res, const StorePlan& plan,
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
  Coder coder_;
  cache::ShardedLru<Entry> lru_;
  std::unique_ptr<Stripe[]> stripes_;
  std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> epoch_{0};
};

}  // namespace mercato::gateway
