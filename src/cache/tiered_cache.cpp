#include "cache/tiered_cache.hpp"

#include <algorithm>
#include <array>
#include <random>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "cache/redis_client.hpp"
#include "cache/redis_subscriber.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::cache {
namespace {

// Bumps generations (a missing one starts from Redis's clock in microseconds, so a
// generation that was lost never repeats an old value), deletes values and their leases, and
// raises the changed keys' fences (the last ARGV[2] keys) to ARGV[3] for ARGV[4] ms: one
// round trip, atomic. The publish follows on the bus connection (another server, maybe).
constexpr std::string_view kInvalidateLua = R"lua(
local nbump = tonumber(ARGV[1])
local nfence = tonumber(ARGV[2])
local nchanged = #KEYS - nfence
for i = 1, nbump do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('INCR', KEYS[i])
  else
    local t = redis.call('TIME')
    redis.call('SET', KEYS[i], t[1] .. string.format('%06d', tonumber(t[2])))
  end
end
for i = nbump + 1, nchanged do redis.call('DEL', KEYS[i]) end
for i = nchanged + 1, #KEYS do
  local cur = redis.call('GET', KEYS[i])
  if not cur or cur < ARGV[3] then redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[4]) end
end
return 1
)lua";

// Stores a loaded value only while the loader still holds the key's lease (a write deletes
// the lease), then releases it. An empty value only releases.
constexpr std::string_view kFillLua = R"lua(
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
if ARGV[2] == '' then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
)lua";

// A fence as Redis keeps it: 16 lower-case hex digits, so string order is number order.
std::string fence_text(std::uint64_t lsn) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, lsn >>= 4) out[static_cast<std::size_t>(i)] = hex[lsn & 15];
  return out;
}

// 0 for anything but 16 hex digits (a fence is only ever a floor: 0 asks nothing).
std::uint64_t parse_fence(std::string_view text) {
  if (text.size() != 16) return 0;
  std::uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return 0;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g;
}

std::string random_token() {
  static constexpr char hex[] = "0123456789abcdef";
  std::uint64_t v = rng()();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i, v >>= 4) out[i] = hex[v & 15];
  return out;
}

constexpr std::array<std::string_view, 5> kCaches = {"product", "product_list", "category", "category_list", "other"};
constexpr std::array<std::string_view, 2> kTiers = {"l1", "l2"};
constexpr std::array<std::string_view, 4> kResults = {"hit", "miss", "stale", "error"};

template <std::size_t N>
std::size_t index_of(const std::array<std::string_view, N>& names, std::string_view v) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == v) return i;
  return N - 1;
}

metrics::Counter* request_counter(std::string_view cache, std::string_view tier, std::string_view result) {
  // Resolved once per label set: the family lookup takes a lock and builds strings.
  static std::array<std::atomic<metrics::Counter*>, kCaches.size() * kTiers.size() * kResults.size()> table{};
  const std::size_t i =
      (index_of(kCaches, cache) * kTiers.size() + index_of(kTiers, tier)) * kResults.size() + index_of(kResults, result);
  metrics::Counter* c = table[i].load(std::memory_order_acquire);
  if (c == nullptr) {
    c = &metrics::Registry::global()
             .counter("cache_requests_total", "Cache lookups by cache, tier (l1, l2) and result (hit, miss, stale, error)",
                      {"cache", "tier", "result"})
             .with({kCaches[index_of(kCaches, cache)], tier, result});
    table[i].store(c, std::memory_order_release);
  }
  return c;
}

// A counter per cache name (kCaches), resolved once for the process.
metrics::Counter& per_cache(std::string_view metric, std::string_view help, std::string_view cache) {
  return metrics::Registry::global().counter(metric, help, {"cache"}).with({kCaches[index_of(kCaches, cache)]});
}
metrics::Counter& merges(std::string_view cache) {
  return per_cache("cache_singleflight_merges_total",
                   "Lookups served by another request's load of the same key in this process (single flight)", cache);
}
metrics::Counter& not_stored(std::string_view cache) {
  return per_cache("cache_admissions_deferred_total",
                   "Loads not stored because their key was asked for the first time (stored on its second request)",
                   cache);
}
metrics::Counter& lease_waits(std::string_view cache) {
  return per_cache("cache_lease_waits_total", "Lookups that waited for another process's load of the key (its lease)",
                   cache);
}

// "cache product": the span name, from the bounded list of cache names.
std::string span_name(std::string_view cache) {
  std::string name = "cache ";
  name += kCaches[index_of(kCaches, cache)];
  return name;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The scope of work that must not be cut short by the request's deadline (the fill that
// releases a lease, an invalidation), still traced under the same parent.
trace::Scope unbounded(const trace::Scope& s) { return trace::Scope(trace::Scope::Clock::time_point::max(), s.trace, s.parent); }

std::string gen_seed() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return std::to_string(us.count());
}

}  // namespace

// ---- helpers ----

Duration jittered(Duration ttl, double fraction) {
  std::uniform_real_distribution<double> d(1.0 - fraction, 1.0 + fraction);
  const auto ms = static_cast<std::int64_t>(static_cast<double>(ttl.count()) * d(rng()));
  return Duration(std::max<std::int64_t>(ms, 1));
}

std::string encode_value(std::string_view gen, const CachedValue& v) {
  std::string out;
  out.reserve(8 + gen.size() + v.etag.size() + v.body.size());
  out += "C1\n";
  out += gen;
  out += '\n';
  if (v.absent) {
    out += "A\n";
    return out;
  }
  out += 'V';
  out += v.etag;
  out += '\n';
  out += v.body;
  return out;
}

std::optional<Decoded> decode_value(std::string_view b) {
  if (!b.starts_with("C1\n")) return std::nullopt;
  b.remove_prefix(3);
  const auto nl = b.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  Decoded d;
  d.gen = std::string(b.substr(0, nl));
  b.remove_prefix(nl + 1);
  if (b == "A\n") {
    d.value.absent = true;
    return d;
  }
  if (!b.starts_with('V')) return std::nullopt;
  const auto nl2 = b.find('\n');
  if (nl2 == std::string_view::npos) return std::nullopt;
  d.value.etag = std::string(b.substr(1, nl2 - 1));
  d.value.body = std::string(b.substr(nl2 + 1));
  return d;
}

std::string encode_invalidation(const keys::Invalidation& inv) {
  std::string out;
  auto put = [&](char kind, const std::string& k) {
    out += kind;
    out += std::to_string(k.size());
    out += ':';
    out += k;
  };
  for (const auto& k : inv.bump) put('b', k);
  for (const auto& k : inv.drop) put('d', k);
  if (!inv.reply_to.empty()) put('r', inv.reply_to);
  if (!inv.id.empty()) put('i', inv.id);
  return out;
}

std::optional<keys::Invalidation> decode_invalidation(std::string_view m) {
  keys::Invalidation inv;
  while (!m.empty()) {
    const char kind = m.front();
    if (kind != 'b' && kind != 'd' && kind != 'r' && kind != 'i') return std::nullopt;
    m.remove_prefix(1);
    const auto colon = m.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
    std::size_t n = 0;
    for (char c : m.substr(0, colon)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    m.remove_prefix(colon + 1);
    if (n > m.size()) return std::nullopt;
    if (kind == 'r') inv.reply_to.assign(m.substr(0, n));
    else if (kind == 'i') inv.id.assign(m.substr(0, n));
    else (kind == 'b' ? inv.bump : inv.drop).emplace_back(m.substr(0, n));
    m.remove_prefix(n);
  }
  return inv;
}

TieredOptions TieredOptions::from(const config::CacheSettings& s) {
  TieredOptions o;
  o.l1_max_bytes = s.l1_max_bytes;
  o.l1_ttl = std::min(s.l1_ttl, kMaxL1Ttl);
  o.negative_ttl = s.ttl_negative;
  return o;
}

// ---- the cache ----

TieredCache::TieredCache(asio::io_context& io, TieredOptions options, RedisClient* values, RedisClient* bus,
                         RedisSubscriber* subscriber)
    : io_(io),
      options_(options),
      redis_(values),
      bus_(bus != nullptr ? bus : values),
      subscriber_(subscriber),
      l1_(options.l1_max_bytes),
      breaker_(options.breaker_threshold, options.breaker_open),
      stripes_(new std::atomic<std::uint64_t>[kStripes]),
      ack_channel_(keys::ack_channel(random_token() + random_token())),
      invalidate_script_(std::make_unique<Script>(std::string(kInvalidateLua))),
      fill_script_(std::make_unique<Script>(std::string(kFillLua))),
      sent_(metrics::Registry::global()
                .counter("cache_invalidations_sent_total", "Invalidations this process delivered to Redis")
                .with({})),
      received_(metrics::Registry::global()
                    .counter("cache_invalidations_received_total", "Invalidations received over pub/sub")
                    .with({})),
      acks_received_(metrics::Registry::global()
                         .counter("cache_invalidation_acks_total",
                                  "Acknowledgements received from processes that dropped this process's "
                                  "invalidations from their L1")
                         .with({})),
      unacknowledged_(metrics::Registry::global()
                          .counter("cache_invalidations_unacknowledged_total",
                                   "Delivered invalidations not acknowledged by every receiver within the ack timeout")
                          .with({})),
      unreplicated_(metrics::Registry::global()
                        .counter("cache_invalidations_unreplicated_total",
                                 "Invalidations no replica of the values Redis confirmed within the ack timeout "
                                 "(kept pending and delivered again)")
                        .with({})),
      waiters_(metrics::Registry::global()
                   .gauge("cache_singleflight_waiters", "Requests waiting for another request's load of the same key")
                   .with({})) {
  options_.l1_ttl = std::min(options_.l1_ttl, TieredOptions::kMaxL1Ttl);
  for (std::size_t i = 0; i < kStripes; ++i) stripes_[i].store(0);
  // Every cache's series exists from the start (at zero), so rates and dashboards see them.
  for (auto cache : kCaches) {
    merges(cache);
    lease_waits(cache);
  }
  auto& reg = metrics::Registry::global();
  reg.gauge_callback("cache_l1_bytes", "Bytes held by the in-process cache (estimate incl. overhead)",
                     [this] { return static_cast<double>(l1_.bytes()); });
  reg.gauge_callback("cache_l1_entries", "Entries in the in-process cache",
                     [this] { return static_cast<double>(l1_.entries()); });
  reg.gauge_callback("cache_l1_max_bytes", "CACHE_L1_MAX_BYTES", [this] { return static_cast<double>(l1_.max_bytes()); });
  reg.gauge_callback("cache_invalidations_pending", "Invalidations waiting for Redis to come back",
                     [this] { return static_cast<double>(pending_invalidations()); });
}

TieredCache::~TieredCache() {
  stop();
  auto& reg = metrics::Registry::global();
  for (auto name : {"cache_l1_bytes", "cache_l1_entries", "cache_l1_max_bytes", "cache_invalidations_pending"})
    reg.remove_gauge_callback(name);
}

void TieredCache::start() {
  if (subscriber_ != nullptr) {
    subscriber_->subscribe(keys::invalidation_channel(), [this](std::string_view, std::string_view message) {
      auto inv = decode_invalidation(message);
      if (!inv) {
        log::warn("cache: malformed invalidation ignored");
        return;
      }
      received_.inc();
      apply_locally(*inv);
      acknowledge(*inv);
    });
    subscriber_->subscribe(ack_channel_, [this](std::string_view, std::string_view id) { on_ack(id); });
    // Pub/sub has no replay: what was published while we were away is lost, so nothing in
    // L1 can be trusted any more.
    subscriber_->on_reconnect([this] {
      log::info("cache: invalidation bus back, dropping L1");
      drop_l1();
    });
  }
  if (redis_ != nullptr) asio::co_spawn(io_, replay_loop(), asio::detached);
}

void TieredCache::stop() { stopped_.store(true); }

std::uint64_t TieredCache::local_gen(std::string_view key) const {
  std::shared_lock lock(gens_mu_);
  auto it = gens_.find(std::string(key));
  return it == gens_.end() ? 0 : it->second;
}

std::size_t TieredCache::stripe_of(std::string_view key) const { return std::hash<std::string_view>{}(key) % kStripes; }

TieredCache::Snapshot TieredCache::snapshot(const Lookup& q) const {
  Snapshot s;
  s.epoch = epoch_.load();
  s.stripe = stripes_[stripe_of(q.key)].load();
  s.gen = q.gen.empty() ? 0 : local_gen(q.gen);
  return s;
}

void TieredCache::apply_locally(const keys::Invalidation& inv) {
  if (inv.fence != 0) {
    local_fence_.store(std::max(local_fence_.load(), inv.fence));
    local_fence_at_ms_.store(steady_ms());
  }
  if (!inv.bump.empty()) {
    std::unique_lock lock(gens_mu_);
    for (const auto& g : inv.bump) ++gens_[g];
  }
  for (const auto& k : inv.drop) {
    stripes_[stripe_of(k)].fetch_add(1);  // before the erase: see fill_l1
    l1_.erase(k);
  }
}

void TieredCache::drop_l1() {
  epoch_.fetch_add(1);
  l1_.clear();
}

void TieredCache::fill_l1(const Lookup& q, const Snapshot& snap, const ValuePtr& v) {
  if (!l1_.enabled()) return;
  auto ttl = std::min(options_.l1_ttl, v->absent ? options_.negative_ttl : q.ttl);
  if (ttl.count() <= 0) return;
  const auto& stripe = stripes_[stripe_of(q.key)];
  if (epoch_.load() != snap.epoch || stripe.load() != snap.stripe) return;
  l1_.put(q.key, v, snap.gen, L1Cache::Clock::now() + ttl);
  // An invalidation of this key that ran meanwhile bumped the stripe before erasing; if we
  // put after its erase, we see its bump here and take the value back out.
  if (epoch_.load() != snap.epoch || stripe.load() != snap.stripe) l1_.erase(q.key);
}

Duration TieredCache::l2_ttl(const Lookup& q, const CachedValue& v) const {
  return jittered(v.absent ? options_.negative_ttl : q.ttl);
}

void TieredCache::count(std::string_view cache, std::string_view tier, std::string_view result) {
  request_counter(cache, tier, result)->inc();
}

std::size_t TieredCache::pending_invalidations() const {
  std::lock_guard lock(pending_mu_);
  return pending_.size();
}

bool TieredCache::redis_usable() {
  return redis_ != nullptr && redis_->connected() && bus_->connected() && breaker_.allow() &&
         pending_invalidations() == 0;
}

asio::awaitable<Result<ValuePtr>> TieredCache::get(const Lookup& q, const Loader& load) {
  trace::Span span;
  if (q.scope.trace) span = q.scope.start(span_name(q.cache), trace::SpanKind::internal);
  const Snapshot snap = snapshot(q);
  if (l1_.enabled()) {
    L1Cache::Hit hit;
    const auto outcome = l1_.get(q.key, hit);
    if (outcome == L1Cache::Outcome::hit && hit.gen == snap.gen) {
      count(q.cache, "l1", "hit");
      if (span.recording()) {
        span.set("mercato.cache.result", "l1_hit");
        span.set("mercato.cache.negative", hit.value->absent);
      }
      co_return hit.value;
    }
    const std::string_view l1 = outcome == L1Cache::Outcome::miss ? "miss" : "stale";
    count(q.cache, "l1", l1);
    span.set("mercato.cache.l1", l1);
  } else {
    span.set("mercato.cache.l1", "disabled");
  }
  // The flight is keyed by what the value must be valid for: a request that arrives after an
  // invalidation of this key never joins a load that started before it.
  std::string flight_key = q.key;
  flight_key += '#';
  flight_key += std::to_string(snap.epoch) + '.' + std::to_string(snap.stripe) + '.' + std::to_string(snap.gen);
  // Decided once per miss, by the request that misses (joiners share its load, kept or not).
  const bool keep = !q.admit_on_repeat || admissions_.seen_before(q.key);
  auto ticket = flights_.join(flight_key);
  if (!ticket.leader) {
    merges(q.cache).inc();
    const auto start = std::chrono::steady_clock::now();
    waiters_.inc();
    auto shared = co_await flights_.wait(ticket.flight);
    waiters_.dec();
    if (span.recording()) {
      span.set("mercato.cache.result", shared ? "shared" : "error");
      span.set("mercato.cache.wait", "singleflight");
      span.set("mercato.cache.wait_ms", ms_since(start));
      if (shared) span.set("mercato.cache.negative", (*shared)->absent);
      else span.set_error("the shared load failed");
    }
    co_return shared;
  }
  const trace::Scope inner = q.scope.under(span);
  Result<ValuePtr> out = internal_error("cache: load did not finish");
  try {
    out = co_await load_through(q, snap, load, span, inner, keep);
  } catch (...) {
    flights_.finish(flight_key, ticket.flight, internal_error("cache: load failed"));
    throw;
  }
  flights_.finish(flight_key, ticket.flight, out);
  if (span.recording()) {
    if (out) span.set("mercato.cache.negative", (*out)->absent);
    else span.set_error("load failed");
  }
  co_return out;
}

trace::Scope TieredCache::fenced(const trace::Scope& inner, std::uint64_t fence) const {
  if (fence <= inner.read_after) return inner;
  trace::Scope s = inner;
  s.read_after = fence;
  return s;
}

ValuePtr TieredCache::not_kept(const Lookup& q, trace::Span& span, CachedValue v) {
  not_stored(q.cache).inc();
  span.set("mercato.cache.kept", false);
  v.transient = true;
  return std::make_shared<const CachedValue>(std::move(v));
}

asio::awaitable<Result<ValuePtr>> TieredCache::load_only(const Lookup& q, const Snapshot& snap, const Loader& load,
                                                         trace::Span& span, const trace::Scope& inner, bool keep) {
  // Around Redis no key's fence can be read: the newest this process set within the fence's
  // lifetime stands for all (a write of another process is then as stale as a replica may be).
  std::uint64_t fence = 0;
  if (options_.fence_ttl.count() > 0 && steady_ms() - local_fence_at_ms_.load() < options_.fence_ttl.count())
    fence = local_fence_.load();
  const trace::Scope scope = fenced(inner, fence);
  auto loaded = co_await load(scope);
  if (!loaded) {
    span.set("mercato.cache.result", "error");
    co_return std::move(loaded).error();
  }
  span.set("mercato.cache.result", "loaded");
  if (!keep) co_return not_kept(q, span, std::move(*loaded));
  ValuePtr v = std::make_shared<const CachedValue>(std::move(*loaded));
  fill_l1(q, snap, v);
  co_return v;
}

asio::awaitable<Result<ValuePtr>> TieredCache::load_through(const Lookup& q, const Snapshot& snap, const Loader& load,
                                                            trace::Span& span, const trace::Scope& inner, bool keep) {
  if (!redis_usable()) {
    span.set("mercato.cache.l2", "bypassed");
    co_return co_await load_only(q, snap, load, span, inner, keep);
  }
  const std::string lease_key = keys::lease(q.key);
  const std::string token = random_token();
  const auto deadline = std::chrono::steady_clock::now() + options_.lease_ttl + Duration(500);
  std::chrono::milliseconds delay{1};
  bool counted = false;
  // The reading request's deadline bounds every Redis call made before the load: a request
  // whose time is spent asks Redis nothing and goes to the loader, which is bound by the same
  // deadline and fails at once. The fill after a load is not bound (like a ROLLBACK, it
  // releases the lease others wait on).
  RedisUntil redis = redis_->until(inner);
  RedisUntil release = redis_->until(unbounded(inner));
  // While it polls another process's lease (up to lease_ttl, a poll every 1-16 ms), a lookup
  // traces its first poll only: the count goes in mercato.cache.lease_polls, not a span each.
  RedisUntil quiet = redis_->until(trace::Scope(inner.deadline));
  std::optional<std::chrono::steady_clock::time_point> waiting_since;  // first time the lease was someone else's
  int polls = 0;
  // Set on every way out below, once the lookup went past L2's first answer.
  auto note_wait = [&] {
    if (!waiting_since || !span.recording()) return;
    span.set("mercato.cache.wait", "lease");
    span.set("mercato.cache.wait_ms", ms_since(*waiting_since));
    span.set("mercato.cache.lease_polls", polls);
  };
  auto fail = [&](const Error& e) {
    // A request out of time says nothing about Redis: it must not open the breaker for
    // every other request.
    if (e.reason != "deadline") breaker_.failure();
    count(q.cache, "l2", "error");
    span.set("mercato.cache.l2", "error");
    note_wait();
    log::debug("cache: redis failed, reading around it", {{"error", e.message}});
  };

  const bool fencing = options_.fence_ttl.count() > 0;
  std::uint64_t fence = 0;  // the newest fence of the key and its generation, as last read
  for (;;) {
    std::vector<std::string> lookup;
    if (!fencing) {
      lookup = q.gen.empty() ? cmd("GET", q.key) : cmd("MGET", q.key, q.gen);
    } else {
      lookup = cmd("MGET", q.key);
      if (!q.gen.empty()) lookup.push_back(q.gen);
      lookup.push_back(keys::fence(q.key));
      if (!q.gen.empty()) lookup.push_back(keys::fence(q.gen));
    }
    RedisUntil& poll = polls > 1 ? quiet : redis;
    auto reply = co_await poll.command(std::move(lookup));
    if (!reply || reply->is_error()) {
      fail(reply ? unavailable(reply->as_string()) : reply.error());
      co_return co_await load_only(q, snap, load, span, inner, keep);
    }
    breaker_.success();
    const bool single = q.gen.empty() && !fencing;
    RedisReply value = single ? *reply : reply->elements().at(0);
    if (fencing) {
      const auto& e = reply->elements();
      for (std::size_t i = q.gen.empty() ? 1 : 2; i < e.size(); ++i)
        if (e[i].is_string()) fence = std::max(fence, parse_fence(e[i].as_string()));
    }
    std::string gen;
    if (!q.gen.empty()) {
      const RedisReply& g = reply->elements().at(1);
      if (g.is_string()) {
        gen = g.as_string();
      } else {
        // First read since the generation was lost (or never written): start it.
        std::vector<std::vector<std::string>> seed;
        seed.push_back(cmd("SET", q.gen, gen_seed(), "NX"));
        seed.push_back(cmd("GET", q.gen));
        auto seeded = co_await redis.pipeline(std::move(seed));
        if (!seeded || !seeded->at(1).is_string()) {
          fail(seeded ? unavailable("redis: generation not set") : seeded.error());
          co_return co_await load_only(q, snap, load, span, inner, keep);
        }
        gen = seeded->at(1).as_string();
      }
    }
    if (value.is_string()) {
      if (auto d = decode_value(value.as_string()); d && d->gen == gen) {
        count(q.cache, "l2", "hit");
        span.set("mercato.cache.result", "l2_hit");
        note_wait();
        ValuePtr v = std::make_shared<const CachedValue>(std::move(d->value));
        fill_l1(q, snap, v);
        co_return v;
      }
      if (!counted) {
        count(q.cache, "l2", "stale");
        span.set("mercato.cache.l2", "stale");
      }
    } else if (!counted) {
      count(q.cache, "l2", "miss");
      span.set("mercato.cache.l2", "miss");
    }
    counted = true;

    auto lease = co_await poll.command(cmd("SET", lease_key, token, "NX", "PX", options_.lease_ttl.count()));
    if (!lease || lease->is_error()) {
      fail(lease ? unavailable(lease->as_string()) : lease.error());
      co_return co_await load_only(q, snap, load, span, inner, keep);
    }
    if (lease->is_ok()) {
      std::vector<std::string> fill_keys = cmd(q.key, lease_key);
      // A second look before loading: the previous holder fills and releases its lease in one
      // script, so a value that landed between our lookup and our lease is already there. Two
      // processes that missed at the same moment both loaded without it (seen once the
      // stampede test interleaved its requests across instances).
      auto recheck = q.gen.empty() ? cmd("GET", q.key) : cmd("MGET", q.key, q.gen);
      auto again = co_await redis.command(std::move(recheck));
      if (again && !again->is_error()) {
        RedisReply landed = q.gen.empty() ? *again : again->elements().at(0);
        const bool same_gen = q.gen.empty() || (again->elements().at(1).is_string() &&
                                                again->elements().at(1).as_string() == gen);
        if (landed.is_string() && same_gen) {
          if (auto d = decode_value(landed.as_string()); d && d->gen == gen) {
            auto release_args = cmd(token, "");
            co_await release.eval(*fill_script_, std::move(fill_keys), std::move(release_args));
            span.set("mercato.cache.result", "l2_hit");
            span.set("mercato.cache.recheck", true);
            note_wait();
            ValuePtr v = std::make_shared<const CachedValue>(std::move(d->value));
            fill_l1(q, snap, v);
            co_return v;
          }
        }
      }
      note_wait();
      auto loaded = co_await load(fenced(inner, fence));
      if (!loaded) {
        span.set("mercato.cache.result", "error");
        auto release_args = cmd(token, "");
        co_await release.eval(*fill_script_, std::move(fill_keys), std::move(release_args));
        co_return std::move(loaded).error();
      }
      span.set("mercato.cache.result", "loaded");
      if (!keep) {
        // Only the lease is released: the value goes to this request (and its joiners) alone.
        auto release_args = cmd(token, "");
        co_await release.eval(*fill_script_, std::move(fill_keys), std::move(release_args));
        co_return not_kept(q, span, std::move(*loaded));
      }
      ValuePtr v = std::make_shared<const CachedValue>(std::move(*loaded));
      auto fill_args = cmd(token, encode_value(gen, *v), l2_ttl(q, *v).count());
      auto filled = co_await release.eval(*fill_script_, std::move(fill_keys), std::move(fill_args));
      if (!filled) fail(filled.error());
      fill_l1(q, snap, v);
      co_return v;
    }
    // Another process (or a load of ours that started before an invalidation) holds the
    // lease: the value lands within a query's time, so poll for it briefly.
    if (!waiting_since) {
      waiting_since = std::chrono::steady_clock::now();
      lease_waits(q.cache).inc();
    }
    ++polls;
    if (std::chrono::steady_clock::now() >= std::min(deadline, q.scope.deadline)) {
      note_wait();
      span.set("mercato.cache.lease_gave_up", true);
      co_return co_await load_only(q, snap, load, span, inner, keep);
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    delay = std::min(delay * 2, std::chrono::milliseconds(16));
  }
}

asio::awaitable<void> TieredCache::invalidate(keys::Invalidation inv, trace::Scope scope) {
  trace::Span span;
  if (scope.trace) span = scope.start("cache invalidate", trace::SpanKind::internal);
  if (span.recording()) {
    span.set("mercato.cache.invalidation.generations", static_cast<std::int64_t>(inv.bump.size()));
    span.set("mercato.cache.invalidation.keys", static_cast<std::int64_t>(inv.drop.size()));
  }
  apply_locally(inv);
  if (redis_ == nullptr) {
    span.set("mercato.cache.invalidation.result", "local");
    co_return;
  }
  bool delivered = false;
  if (pending_invalidations() == 0) {
    const trace::Scope inner = unbounded(scope.under(span));
    delivered = co_await deliver(inv, inner, span);
  }
  if (delivered) {
    span.set("mercato.cache.invalidation.result", "delivered");
    co_return;
  }
  // Kept for the replay loop: the write answers, and this process reads around Redis meanwhile.
  span.set("mercato.cache.invalidation.result", "pending");
  std::lock_guard lock(pending_mu_);
  if (pending_.size() >= options_.max_pending) {
    pending_.pop_front();
    if (!pending_overflowed_.exchange(true))
      log::error("cache: too many invalidations waiting for Redis; the oldest are lost, and Redis may serve "
                 "stale values of them until their TTL",
                 {{"max_pending", static_cast<std::int64_t>(options_.max_pending)}});
  }
  pending_.push_back(std::move(inv));
}

void TieredCache::acknowledge(const keys::Invalidation& inv) {
  if (inv.reply_to.empty() || inv.id.empty() || redis_ == nullptr) return;
  asio::co_spawn(io_, publish(cmd("PUBLISH", inv.reply_to, inv.id)), asio::detached);
}

asio::awaitable<void> TieredCache::publish(std::vector<std::string> args) {
  co_await bus_->command(std::move(args));
}

void TieredCache::on_ack(std::string_view id) {
  std::lock_guard lock(acks_mu_);
  if (auto it = acks_.find(std::string(id)); it != acks_.end()) {
    it->second->fetch_add(1);
    acks_received_.inc();
  }
}

asio::awaitable<bool> TieredCache::deliver(const keys::Invalidation& original, const trace::Scope& scope,
                                           trace::Span& span) {
  if (!redis_->connected() || !bus_->connected() || !breaker_.allow()) co_return false;
  keys::Invalidation inv = original;
  inv.reply_to = ack_channel_;
  inv.id = random_token();
  // Registered before publishing: an acknowledgement may arrive before the script's reply.
  auto acks = std::make_shared<std::atomic<std::int64_t>>(0);
  {
    std::lock_guard lock(acks_mu_);
    acks_.emplace(inv.id, acks);
  }
  struct Unregister {
    TieredCache* self;
    std::string id;
    ~Unregister() {
      std::lock_guard lock(self->acks_mu_);
      self->acks_.erase(id);
    }
  } unregister{this, inv.id};
  std::vector<std::string> ks;
  for (const auto& b : inv.bump) ks.push_back(b);
  for (const auto& d : inv.drop) {
    ks.push_back(d);
    ks.push_back(keys::lease(d));
  }
  const bool fencing = inv.fence != 0 && options_.fence_ttl.count() > 0;
  const std::size_t nfence = fencing ? inv.bump.size() + inv.drop.size() : 0;
  if (fencing) {
    for (const auto& b : inv.bump) ks.push_back(keys::fence(b));
    for (const auto& d : inv.drop) ks.push_back(keys::fence(d));
  }
  auto args = cmd(std::to_string(inv.bump.size()), std::to_string(nfence), fence_text(inv.fence),
                  std::to_string(options_.fence_ttl.count()));
  RedisUntil values = redis_->until(scope);
  RedisUntil bus = bus_->until(scope);
  auto r = co_await values.eval(*invalidate_script_, std::move(ks), std::move(args));
  if (!r) {
    breaker_.failure();
    co_return false;
  }
  if (r->is_error()) {
    log::error("cache: invalidation script failed", {{"error", r->as_string()}});
    co_return false;
  }
  // Before the publish, so that a replica's confirmation and the receivers' overlap nothing
  // but stay in order: the value is gone from the master (and, confirmed, from a replica)
  // before any instance is told to drop its L1 copy and reload.
  bool replicated = true;
  if (options_.replicated_values) replicated = co_await on_a_replica(values);
  if (!replicated) {
    unreplicated_.inc();
    span.set("mercato.cache.invalidation.unreplicated", true);
    if (!unreplicated_logged_.exchange(true))
      log::warn("cache: no replica of the values Redis confirmed an invalidation in time; it stays pending and "
                "is delivered again (this process reads around Redis meanwhile)");
  } else if (unreplicated_logged_.exchange(false)) {
    log::info("cache: invalidations reach a replica of the values Redis again");
  }
  auto publish_args = cmd("PUBLISH", keys::invalidation_channel(), encode_invalidation(inv));
  auto published = co_await bus.command(std::move(publish_args));
  if (!published) {
    breaker_.failure();
    co_return false;
  }
  if (published->is_error()) {
    log::error("cache: publishing an invalidation failed", {{"error", published->as_string()}});
    co_return false;
  }
  r = std::move(published);
  breaker_.success();
  sent_.inc();
  // PUBLISH counted the processes subscribed right now (this one included); each drops the
  // keys from its L1 and then acknowledges. Polling a counter keeps this free of cross-thread
  // timer cancellation; a millisecond is far below a write's own cost.
  const std::int64_t receivers = r->is_integer() ? r->as_integer() : 0;
  const auto wait_start = std::chrono::steady_clock::now();
  const auto deadline = wait_start + options_.ack_timeout;
  asio::steady_timer tick(io_);
  while (acks->load() < receivers && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(1));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  const std::int64_t acknowledged = acks->load();
  if (span.recording()) {
    span.set("mercato.cache.invalidation.receivers", receivers);
    span.set("mercato.cache.invalidation.acknowledged", acknowledged);
    span.set("mercato.cache.invalidation.ack_wait_ms", ms_since(wait_start));
  }
  if (acknowledged < receivers) {
    unacknowledged_.inc();
    span.set("mercato.cache.invalidation.ack_timeout", true);
    log::warn("cache: not every instance acknowledged an invalidation in time",
              {{"receivers", receivers}, {"acknowledged", acknowledged}});
  }
  // Published (every L1 dropped), but a failover now could bring the value back: kept.
  co_return replicated;
}

asio::awaitable<bool> TieredCache::on_a_replica(RedisUntil& values) {
  // WAIT blocks this connection for at most its timeout, so the bound is the ack timeout
  // (the master asks its replicas for their offset at once: on loopback a round trip). No
  // replica connected is no exception: Sentinel still promotes a replica whose link is down
  // (for up to ten times down-after-milliseconds), and it would not have the invalidation.
  const auto ms = std::max<std::int64_t>(1, options_.ack_timeout.count());
  auto wait_args = cmd("WAIT", "1", std::to_string(ms));
  auto waited = co_await values.command(std::move(wait_args), Duration(ms + 1000));
  co_return waited && waited->is_integer() && waited->as_integer() >= 1;
}

asio::awaitable<void> TieredCache::replay_loop() {
  asio::steady_timer timer(io_);
  while (!stopped_.load()) {
    timer.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    for (;;) {
      std::optional<keys::Invalidation> next;
      {
        std::lock_guard lock(pending_mu_);
        if (pending_.empty()) break;
        next = pending_.front();
      }
      trace::Span none;
      const trace::Scope untraced;
      if (!co_await deliver(*next, untraced, none)) break;
      std::lock_guard lock(pending_mu_);
      if (!pending_.empty() && pending_.front() == *next) pending_.pop_front();
      if (pending_.empty()) {
        pending_overflowed_.store(false);
        log::info("cache: invalidations made while Redis was away are delivered");
      }
    }
  }
}

}  // namespace mercato::cache
