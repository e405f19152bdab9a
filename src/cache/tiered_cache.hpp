#pragma once
// The tiered cache: L1 (this process) → L2 (Redis) → the loader (PostgreSQL).
//
// Reads (get):
//   1. L1 hit whose generation is still current → the bytes, nothing else.
//   2. Single flight: one load per key in this process; the others wait for it.
//   3. Redis, one round trip (MGET value, generation): a value built under the current
//      generation is a hit. Otherwise take the key's lease (SET NX PX): the holder loads
//      and fills; the others poll briefly and are served when the value lands, so N
//      processes make one load. A fill succeeds only while its lease is still held, and
//      every write deletes the lease with the value, so a load that read the database
//      before a write can never put its older value back after that write's invalidation.
//   4. Redis unusable (down, breaker open, or this process has invalidations it could not
//      deliver yet): the loader, then L1 only.
//   Replicas (TieredOptions::fence_ttl): a write's invalidation also leaves its WAL position
//   on each key it changed ("fence", keys::fence, for twice the replica lag bound); the
//   lookup reads the fences with the value, and the loader runs with read_after at least
//   that position, so a fill never stores what a replica behind the write still shows.
//   Without Redis, the fence is the newest this process wrote within fence_ttl.
// Writes (invalidate), awaited before the write's response:
//   drop the keys and bump the generations in this process's L1 at once; then one Lua script
//   bumps the Redis generations, deletes the values and their leases, and publishes the
//   same invalidation to every process. When Redis cannot take it, it is kept (bounded) and
//   replayed as soon as Redis answers; until then this process reads around Redis. When the
//   values Redis has replicas (TieredOptions::replicated_values), an invalidation no replica
//   confirmed (WAIT) is kept the same way: a failover must not bring the old value back.
// Two Redis roles, which may be one server: `values` holds the L2 values, leases and generation
// counters (in production a Redis of its own with maxmemory and volatile-lru: every value and
// lease has a TTL, generations have none and so are never evicted); `bus` carries the pub/sub
// of invalidations and acknowledgements. An invalidation bumps and drops in `values` first,
// then publishes on `bus`; if the publish fails it stays pending and is delivered again
// (bumping again is harmless: it only costs a miss).
// Pub/sub: every process applies what others publish to its L1 and then acknowledges it on
// the sender's own channel; the sender waits (bounded, ack_timeout) for as many
// acknowledgements as PUBLISH counted receivers. So once a write has answered, no process
// still holds the old value in L1: a DELETE's 204 is never followed by a 200 from another
// instance. After a lost subscription (messages may have been missed) L1 is dropped entirely.
// Tracing (when the lookup's scope has a trace): one span per get(), "cache <name>", whose
// attributes tell the tier decision (mercato.cache.result: l1_hit, l2_hit, loaded, shared,
// error; mercato.cache.l1 / .l2: what each tier had; mercato.cache.negative), and any wait:
// mercato.cache.wait = singleflight (joined a load of this process) or lease (another
// process's), with mercato.cache.wait_ms. Its Redis commands and the loader's work (the
// Loader gets the scope to use) hang under it. invalidate() with a traced scope makes a span
// "cache invalidate" over the script, the publish and the acknowledgement wait. No key or
// value is ever an attribute: keys may name a user's data.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "trace/scope.hpp"
#include "cache/breaker.hpp"
#include "cache/doorkeeper.hpp"
#include "cache/keys.hpp"
#include "cache/l1_cache.hpp"
#include "cache/single_flight.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::metrics {
class Counter;
class Gauge;
}  // namespace mercato::metrics

namespace mercato::cache {

using Duration = config::Duration;
class RedisClient;
class RedisUntil;
class RedisSubscriber;
class Script;

struct TieredOptions {
  std::size_t l1_max_bytes = 64u << 20;
  Duration l1_ttl{30000};        // capped at kMaxL1Ttl
  Duration negative_ttl{5000};   // absent ids, both tiers
  Duration lease_ttl{2000};      // how long a loader may hold a key's lease
  int breaker_threshold = 3;
  Duration breaker_open{1000};
  std::size_t max_pending = 10000;  // undelivered invalidations kept while Redis is away
  Duration ack_timeout{250};        // longest a write waits for other instances to drop L1
  /// Reads may come from replicas (db::ReplicaSet): an invalidation with a fence leaves it
  /// on its keys for fence_ttl (past it, every replica in rotation has replayed the write:
  /// twice DB_REPLICA_MAX_LAG), and a fill loads with read_after ≥ its key's fence. 0: off.
  Duration fence_ttl{0};
  /// The values Redis has replicas a failover may promote (it is found through Sentinel): an
  /// invalidation counts as delivered only once a replica has it too (WAIT 1, bounded by
  /// ack_timeout). Otherwise it stays pending and is delivered again, on whichever master
  /// comes next: a replica promoted without it would serve the old value and generation, and
  /// no instance would know. With no replica connected at all, every invalidation stays
  /// pending and this process reads around Redis until one is back.
  bool replicated_values = false;
  static constexpr Duration kMaxL1Ttl{30000};

  static TieredOptions from(const config::CacheSettings& s);
};

/// One read: what to look up and how long to keep it.
struct Lookup {
  std::string_view cache;  // metrics label: product, product_list, category, category_list
  std::string key;         // from keys.hpp
  std::string gen;         // generation key the value depends on (keys.hpp), or empty
  Duration ttl{};          // L2 lifetime before jitter (L1: at most TieredOptions::l1_ttl)
  /// The reading request's scope. Its deadline: past it, get() stops waiting for another
  /// process's lease and calls the loader, which is bound by the same deadline and fails at
  /// once. Its trace: the lookup's spans (tier decision, single-flight wait, Redis calls).
  trace::Scope scope{};
  /// Stored (L1 and L2) only when its key was asked for before (cache/doorkeeper.hpp): for
  /// answers most of which are asked for once, such as search pages, so that they do not evict
  /// what is asked for again. A first request's load comes back `transient`.
  bool admit_on_repeat = false;
};

/// What the loader gives: a value, or absent (cached as a negative entry), or an error
/// (not cached, passed to every waiter). It is called with the scope its work belongs to:
/// the lookup's deadline, and its trace under the lookup's span (pass it to the repository,
/// so the statements hang under "cache <name>"). Valid until the loader's awaitable ends.
using Loader = std::function<asio::awaitable<Result<CachedValue>>(const trace::Scope&)>;

class TieredCache {
 public:
  /// `values`, `bus` and `subscriber` may be null (no L2, L1 only: tests and CACHE-less runs);
  /// a null `bus` publishes through `values`. All must outlive the cache; start() subscribes.
  TieredCache(asio::io_context& io, TieredOptions options, RedisClient* values, RedisClient* bus,
              RedisSubscriber* subscriber);
  /// One Redis for values and the bus.
  TieredCache(asio::io_context& io, TieredOptions options, RedisClient* redis, RedisSubscriber* subscriber)
      : TieredCache(io, options, redis, redis, subscriber) {}
  ~TieredCache();
  TieredCache(const TieredCache&) = delete;
  TieredCache& operator=(const TieredCache&) = delete;

  /// Subscribes to invalidations (call before subscriber->start()) and starts the replay loop.
  void start();
  void stop();

  /// Thread-safe; any number of coroutines at once.
  asio::awaitable<Result<ValuePtr>> get(const Lookup& q, const Loader& load);
  /// Applies `inv` here and in every process; returns once Redis has it (or kept it for replay).
  /// `scope`: the writing request's trace (the invalidation's span); its deadline is not
  /// applied (an invalidation that is not delivered now is replayed, never dropped).
  asio::awaitable<void> invalidate(keys::Invalidation inv, trace::Scope scope = {});

  /// Drops all of L1 (after a lost subscription).
  void drop_l1();
  L1Cache& l1() { return l1_; }
  std::size_t pending_invalidations() const;
  bool redis_usable();

 private:
  struct Snapshot {
    std::uint64_t epoch = 0;
    std::uint64_t stripe = 0;
    std::uint64_t gen = 0;
  };
  Snapshot snapshot(const Lookup& q) const;
  std::uint64_t local_gen(std::string_view key) const;
  std::size_t stripe_of(std::string_view key) const;
  void apply_locally(const keys::Invalidation& inv);
  void fill_l1(const Lookup& q, const Snapshot& snap, const ValuePtr& v);
  // `span`: the lookup's span (may not record); `inner`: the lookup's scope under it.
  // `keep`: store what is loaded (false: a first request under Lookup::admit_on_repeat).
  asio::awaitable<Result<ValuePtr>> load_through(const Lookup& q, const Snapshot& snap, const Loader& load,
                                                 trace::Span& span, const trace::Scope& inner, bool keep);
  asio::awaitable<Result<ValuePtr>> load_only(const Lookup& q, const Snapshot& snap, const Loader& load,
                                              trace::Span& span, const trace::Scope& inner, bool keep);
  // A value loaded for a first request and not stored.
  ValuePtr not_kept(const Lookup& q, trace::Span& span, CachedValue v);
  // `scope`: where its Redis spans hang (no trace from the replay loop); `span` gets the outcome.
  asio::awaitable<bool> deliver(const keys::Invalidation& inv, const trace::Scope& scope, trace::Span& span);
  // TieredOptions::replicated_values: the script's writes reached a replica, or none is connected.
  asio::awaitable<bool> on_a_replica(RedisUntil& values);
  void acknowledge(const keys::Invalidation& inv);
  asio::awaitable<void> publish(std::vector<std::string> args);
  void on_ack(std::string_view id);
  asio::awaitable<void> replay_loop();
  void count(std::string_view cache, std::string_view tier, std::string_view result);
  Duration l2_ttl(const Lookup& q, const CachedValue& v) const;

  asio::io_context& io_;
  TieredOptions options_;
  RedisClient* redis_;  // values, leases, generations
  RedisClient* bus_;    // PUBLISH of invalidations and acknowledgements
  RedisSubscriber* subscriber_;
  L1Cache l1_;
  // Keys asked for under Lookup::admit_on_repeat: 65,536 slots (512 KiB), about the last
  // 65,000 distinct ones (at 250 new search pages a second, four minutes of them).
  Doorkeeper admissions_{std::size_t{1} << 16};
  SingleFlight flights_;
  Breaker breaker_;

  mutable std::shared_mutex gens_mu_;
  std::unordered_map<std::string, std::uint64_t> gens_;  // generation key → local counter
  static constexpr std::size_t kStripes = 256;
  std::unique_ptr<std::atomic<std::uint64_t>[]> stripes_;
  std::atomic<std::uint64_t> epoch_{0};
  // The newest fence this process's own writes set, and when (for reads around Redis).
  std::atomic<std::uint64_t> local_fence_{0};
  std::atomic<std::int64_t> local_fence_at_ms_{0};
  trace::Scope fenced(const trace::Scope& inner, std::uint64_t fence) const;

  mutable std::mutex pending_mu_;
  std::deque<keys::Invalidation> pending_;
  std::atomic<bool> pending_overflowed_{false};
  std::atomic<bool> stopped_{false};

  // Acknowledgements of this process's invalidations, by message id.
  std::string ack_channel_;
  std::mutex acks_mu_;
  std::unordered_map<std::string, std::shared_ptr<std::atomic<std::int64_t>>> acks_;

  std::unique_ptr<Script> invalidate_script_;
  std::unique_ptr<Script> fill_script_;
  metrics::Counter& sent_;
  metrics::Counter& received_;
  metrics::Counter& acks_received_;
  metrics::Counter& unacknowledged_;
  metrics::Counter& unreplicated_;
  std::atomic<bool> unreplicated_logged_{false};  // one warning per spell, one line when it ends
  metrics::Gauge& waiters_;
};

// ---- pure helpers, exposed for tests ----

/// `ttl` scaled by a uniform factor in [1 - fraction, 1 + fraction], at least 1 ms.
Duration jittered(Duration ttl, double fraction = 0.1);
/// L2 value: "C1\n" <generation> "\n" ('A' | 'V' <etag>) "\n" <body>.
std::string encode_value(std::string_view gen, const CachedValue& v);
struct Decoded {
  std::string gen;
  CachedValue value;
};
std::optional<Decoded> decode_value(std::string_view bytes);
/// Pub/sub message: each key as 'b' or 'd', its length, ':' and its bytes.
std::string encode_invalidation(const keys::Invalidation& inv);
std::optional<keys::Invalidation> decode_invalidation(std::string_view msg);

}  // namespace mercato::cache
