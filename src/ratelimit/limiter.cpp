#include "ratelimit/limiter.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <mutex>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/envelope.hpp"
#include "http/set_fields.hpp"

namespace mercato::ratelimit {

namespace {

// KEYS: one client TAT key per check of the batch, in arrival order (a key may repeat).
// ARGV[1]: emission interval (ms), ARGV[2]: burst (ms); then two per check i: ARGV[1 + 2i]
// what it costs (ms), ARGV[2 + 2i] how many permits more to take as a lease when it is allowed
// (as many as are left, up to that). Returns, per key, five integers {allowed, remaining,
// retry_after_ms, reset_after_ms, leased}. The same arithmetic as gcra_step() (gcra.cpp), on
// Redis's clock so every gateway agrees on "now".
constexpr const char* kGcraScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local out = {}
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local new_tat = tat + tonumber(ARGV[1 + 2 * i])
  local used = new_tat - now
  if used > burst then
    out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = used - burst; out[#out + 1] = tat - now
    out[#out + 1] = 0
  else
    local leased = math.min(tonumber(ARGV[2 + 2 * i]), math.floor((burst - used) / emission))
    if leased > 0 then
      new_tat = new_tat + leased * emission
      used = new_tat - now
    else
      leased = 0
    end
    redis.call('SET', key, new_tat, 'PX', used)
    out[#out + 1] = 1; out[#out + 1] = math.floor((burst - used) / emission); out[#out + 1] = 0
    out[#out + 1] = used; out[#out + 1] = leased
  end
end
return out
)lua";

// The most checks one script call decides: bounds the script's time inside Redis (which
// serves nobody else meanwhile) to well under a millisecond.
constexpr std::size_t kMaxBatch = 256;

// How many permits a lease takes per check its client had in the batch (see Limiter::flush).
constexpr std::int64_t kLeaseFactor = 16;
// The most clients holding a lease at once (see Limiter::decide).
constexpr std::size_t kMaxLeases = 10'000;

// A waiter not woken by then takes the local decision. The Redis client's own command timeout
// fires long before; this only guarantees that no request ever waits forever.
constexpr auto kWaitBackstop = std::chrono::seconds(10);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

metrics::CounterFamily& decisions() {
  static auto& f = metrics::Registry::global().counter(
      "ratelimit_decisions_total", "Rate-limit decisions by source (redis or local fallback) and result",
      {"source", "result"});
  return f;
}

}  // namespace

Limiter::Limiter(cache::RedisClient& redis, LimiterOptions options)
    : redis_(redis),
      options_(std::move(options)),
      shared_params_(GcraParams::per_period(options_.per_minute, std::chrono::minutes(1))),
      local_(GcraParams::per_period(std::max(1, options_.per_minute / std::max(1, options_.expected_instances)),
                                    std::chrono::minutes(1))),
      script_(kGcraScript),
      fallback_active_(metrics::Registry::global()
                           .gauge("ratelimit_fallback_active",
                                  "1 while this instance decides with its local limiter because Redis is unreachable")
                           .with({})),
      lease_cap_(std::min<std::int64_t>(std::max(0, options_.max_lease), options_.per_minute / 1000)) {}

Decision Limiter::fallback(std::string_view key, std::int64_t items, bool redis_failed) {
  if (redis_failed && !in_fallback_.exchange(true)) {
    fallback_active_.set(1);
    log::warn("rate limit falling back to local limits: Redis unreachable",
              {{"local_per_minute", std::max(1, options_.per_minute / std::max(1, options_.expected_instances))}});
  }
  Decision d = local_.check(key, now_ms(), request_cost_ms(local_.params(), items, options_.items_per_request));
  decisions().with({"local", d.allowed ? "allowed" : "denied"}).inc();
  return d;
}

struct Limiter::Waiter {
  Waiter(boost::asio::any_io_executor ex, std::string k, std::int64_t n, cache::Clock::time_point d, trace::Scope s)
      : key(std::move(k)), items(n), deadline(d), scope(std::move(s)), wake(std::move(ex)) {}
  std::string key;
  const std::int64_t items;
  const cache::Clock::time_point deadline;
  const trace::Scope scope;  // the check's span as parent (no trace: not traced)
  boost::asio::steady_timer wake;

  // The flush (on another executor) sets the decision; the waiter, woken by the flush or by
  // its own timer, takes it or gives up on it. Whichever comes first wins, under `mu`.
  std::mutex mu;
  std::optional<Decision> decision;
  bool gave_up = false;
  std::size_t batch_size = 0;  // set by the flush before it decides, read after the wake-up

  /// False when the waiter gave up already (its decision is made elsewhere).
  bool wants_decision() {
    std::lock_guard lock(mu);
    return !gave_up;
  }
  void decide(const Decision& d) {
    std::lock_guard lock(mu);
    if (!gave_up) decision = d;
  }
  std::optional<Decision> take_or_give_up() {
    std::lock_guard lock(mu);
    if (!decision) gave_up = true;
    return decision;
  }
};

// The waiter's timer runs on the executor of the request's coroutine, and the flush wakes it by
// posting the cancel there: on a connection's strand (or the one thread) that cancel runs only
// after the coroutine has started its wait, so a wake-up can never come too early.
namespace {
void note(trace::Span& span, const Decision& d, std::size_t batch) {
  if (!span.recording()) return;
  span.set("mercato.ratelimit.decision", !d.shared ? "fallback" : d.allowed ? "allowed" : "limited");
  span.set("mercato.ratelimit.allowed", d.allowed);
  if (batch > 0) span.set("mercato.ratelimit.batch_size", static_cast<std::int64_t>(batch));
}
}  // namespace

std::optional<Decision> Limiter::take_lease_locked(const std::string& key, cache::Clock::time_point now) {
  auto it = leases_.find(key);
  if (it == leases_.end()) return std::nullopt;
  Lease& lease = it->second;
  if (now >= lease.expires || (lease.decision.allowed && lease.permits == 0)) {
    leases_.erase(it);
    return std::nullopt;
  }
  Decision d = lease.decision;
  if (d.allowed) {
    // The permits not yet handed out are still the client's: they count as remaining.
    d.remaining += static_cast<int>(--lease.permits);
  } else {
    // Its budget was spent when Redis refused it; only time (not another gateway) frees it.
    const auto elapsed = std::chrono::duration_cast<Millis>(now - lease.granted);
    d.retry_after = std::max(Millis(1), d.retry_after - elapsed);
    d.reset_after = std::max(Millis(0), d.reset_after - elapsed);
  }
  return d;
}

boost::asio::awaitable<Decision> Limiter::check(std::string key, trace::Scope scope, std::int64_t items) {
  const auto deadline = scope.deadline;
  const auto now = cache::Clock::now();
  // Due already: Redis would not be asked anyway (RedisClient::until), so skip the queue.
  if (now >= deadline) co_return fallback(key, items, /*redis_failed=*/false);
  // A lease answers without Redis (and without a span: nothing was waited for).
  if (lease_cap_ > 0 && items == 0) {
    std::optional<Decision> leased;
    {
      std::lock_guard lock(mu_);
      leased = take_lease_locked(key, now);
    }
    if (leased) {
      static metrics::Counter& allowed = decisions().with({"lease", "allowed"});
      static metrics::Counter& denied = decisions().with({"lease", "denied"});
      (leased->allowed ? allowed : denied).inc();
      co_return *leased;
    }
  }
  trace::Span span;
  if (scope.trace) span = scope.start("ratelimit", trace::SpanKind::internal);
  auto ex = co_await boost::asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(ex, std::move(key), items, deadline, scope.under(span));
  const bool deadline_first = deadline - now < kWaitBackstop;
  waiter->wake.expires_at(deadline_first ? deadline : now + kWaitBackstop);
  bool start_flush = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(waiter);
    start_flush = !std::exchange(flushing_, true);
  }
  // co_spawn starts the flush after the current handler, so checks arriving in the same turn
  // of the event loop join this first batch.
  if (start_flush) boost::asio::co_spawn(ex, flush(), boost::asio::detached);
  boost::system::error_code ec;
  co_await waiter->wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (auto decided = waiter->take_or_give_up()) {
    note(span, *decided, waiter->batch_size);
    co_return *decided;
  }
  Decision local;
  if (deadline_first) {
    local = fallback(waiter->key, waiter->items, /*redis_failed=*/false);
  } else {
    log::error("rate limit decision did not arrive; deciding locally", {{"client", waiter->key}});
    local = fallback(waiter->key, waiter->items);
  }
  note(span, local, 0);
  co_return local;
}

boost::asio::awaitable<void> Limiter::flush() {
  for (;;) {
    Batch batch;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) {
        flushing_ = false;
        co_return;
      }
      const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), kMaxBatch));
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    co_await decide(batch);
    for (auto& w : batch) boost::asio::post(w->wake.get_executor(), [w] { w->wake.cancel(); });
  }
}

boost::asio::awaitable<void> Limiter::decide(Batch& batch) {
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  auto latest = cache::Clock::time_point::min();
  const trace::Scope* traced = nullptr;  // the first traced check carries the batch's Redis span
  for (const auto& w : batch) {
    keys.push_back(options_.key_prefix + w->key);
    latest = std::max(latest, w->deadline);
    w->batch_size = batch.size();
    if (traced == nullptr && w->scope.trace) traced = &w->scope;
  }
  // A client with several plain checks in this batch is sending many at once: its last check
  // asks for as many permits again (up to the cap) as a lease for what it sends next.
  std::vector<std::int64_t> extra(batch.size(), 0);
  if (lease_cap_ > 0 && batch.size() > 1) {
    std::unordered_map<std::string_view, std::pair<std::int64_t, std::size_t>> seen;  // key → checks, last
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i]->items != 0) continue;
      auto& [count, last] = seen[batch[i]->key];
      ++count;
      last = i;
    }
    for (const auto& [key, entry] : seen)
      if (entry.first > 1) extra[entry.second] = std::min(lease_cap_, kLeaseFactor * entry.first);
  }
  std::vector<std::string> args{std::to_string(shared_params_.emission_ms), std::to_string(shared_params_.burst_ms)};
  args.reserve(2 + 2 * batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    args.push_back(std::to_string(request_cost_ms(shared_params_, batch[i]->items, options_.items_per_request)));
    args.push_back(std::to_string(extra[i]));
  }
  // Nobody waits for the answer past the latest deadline of the batch.
  trace::Scope scope = traced != nullptr ? trace::Scope(latest, traced->trace, traced->parent) : trace::Scope(latest);
  auto redis = redis_.until(std::move(scope));
  auto reply = co_await redis.eval(script_, std::move(keys), std::move(args));
  if (!reply && reply.error().reason == "deadline") {
    // Every check of the batch is due: each decides locally (most have already, on their own
    // timers), like a Redis error but without declaring Redis unreachable.
    for (auto& w : batch)
      if (w->wants_decision()) w->decide(fallback(w->key, w->items, /*redis_failed=*/false));
    co_return;
  }
  if (!reply || !reply->is_array() || reply->elements().size() != 5 * batch.size()) {
    if (reply) log::warn("rate limit script failed", {{"reply", reply->debug_string()}});
    for (auto& w : batch)
      if (w->wants_decision()) w->decide(fallback(w->key, w->items));
    co_return;
  }
  if (in_fallback_.exchange(false)) {
    fallback_active_.set(0);
    log::info("rate limit shared through Redis again");
  }
  const auto& e = reply->elements();
  const auto now = cache::Clock::now();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Decision d;
    d.limit = shared_params_.limit;
    d.allowed = e[5 * i].as_integer() == 1;
    d.remaining = static_cast<int>(e[5 * i + 1].as_integer());
    d.retry_after = Millis(e[5 * i + 2].as_integer());
    d.reset_after = Millis(e[5 * i + 3].as_integer());
    d.shared = true;
    static metrics::Counter& allowed = decisions().with({"redis", "allowed"});
    static metrics::Counter& denied = decisions().with({"redis", "denied"});
    (d.allowed ? allowed : denied).inc();
    if (extra[i] > 0) {
      // The lease: the permits Redis granted beyond this check, or, refused, the refusal
      // until the client's retry time; either for a second at most.
      Lease lease{.permits = d.allowed ? e[5 * i + 4].as_integer() : 0, .decision = d, .granted = now};
      lease.expires = now + std::min<cache::Clock::duration>(std::chrono::seconds(1),
                                                             d.allowed ? Millis(1000) : d.retry_after);
      // The check's own decision counts its client's leased permits as remaining too.
      if (d.allowed) d.remaining += static_cast<int>(lease.permits);
      std::lock_guard lock(mu_);
      if (d.allowed && lease.permits == 0) leases_.erase(batch[i]->key);
      else leases_.insert_or_assign(batch[i]->key, lease);
      // Leases of clients that went quiet are dropped when they are next asked for; many
      // clients bursting once each (a crowd, or an attack from many addresses) could still
      // pile them up, so past a bound the expired go, and past it still, all (what that
      // loses: each client's unused permits, as when a lease runs out).
      if (leases_.size() > kMaxLeases) std::erase_if(leases_, [&](const auto& kv) { return now >= kv.second.expires; });
      if (leases_.size() > kMaxLeases) leases_.clear();
    }
    batch[i]->decide(d);
  }
}

namespace {
std::string ceil_seconds(Millis ms) { return std::to_string((ms.count() + 999) / 1000); }
}  // namespace

std::string principal_or_address(const http::Request& req) {
  return req.principal ? "user:" + req.principal->subject : "addr:" + req.remote_addr;
}

http::Middleware middleware(Limiter& limiter, ClientKey client_key, ItemCount item_count) {
  return [&limiter, client_key = std::move(client_key), item_count = std::move(item_count)](
             http::Request& req, const http::Next& next) -> boost::asio::awaitable<http::Response> {
    if (!req.path().starts_with("/api/")) co_return co_await next(req);
    std::string key = client_key(req);
    const std::int64_t items = item_count ? item_count(req) : 0;
    Decision d = co_await limiter.check(std::move(key), req.context.scope(), items);
    const auto announce = [&d](http::Response& res) {
      const std::string limit = std::to_string(d.limit), remaining = std::to_string(d.remaining),
                        reset = ceil_seconds(d.reset_after);
      http::set_fields(res, std::array<http::Field, 3>{{{"RateLimit-Limit", limit},
                                                        {"RateLimit-Remaining", remaining},
                                                        {"RateLimit-Reset", reset}}});
    };
    if (!d.allowed) {
      auto res = http::error_response(Error{ErrorCode::rate_limited, "rate limit exceeded; retry after the Retry-After delay"});
      res.set_header("Retry-After", ceil_seconds(std::max(d.retry_after, Millis(1))));
      announce(res);
      co_return res;
    }
    // Made by the inner layers, not assigned over a default one (whose content type alone
    // is an allocation).
    http::Response res = co_await next(req);
    announce(res);
    co_return res;
  };
}

}  // namespace mercato::ratelimit
