#include "services/identity/throttle.hpp"

#include <algorithm>
#include <atomic>

#include "auth/refresh_token.hpp"
#include "cache/redis_command.hpp"
#include "core/log.hpp"

namespace mercato::identity {

namespace {

// KEYS: account+address, address, account, known addresses of the account.
// ARGV: the three limits, window ms, the address.
constexpr const char* kAttempt = R"lua(
local known = redis.call('SISMEMBER', KEYS[4], ARGV[5]) == 1
local checked = known and 2 or 3
for i = 1, checked do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[4]) end
    return ttl
  end
end
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
return 0
)lua";

// Same KEYS. ARGV: 'ok' or 'undo', the address, how long to remember it (ms).
constexpr const char* kUndo = R"lua(
local first = ARGV[1] == 'ok' and 2 or 1
for i = first, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
if ARGV[1] == 'ok' then
  redis.call('DEL', KEYS[1])
  if redis.call('SCARD', KEYS[4]) < 100 then redis.call('SADD', KEYS[4], ARGV[2]) end
  redis.call('PEXPIRE', KEYS[4], ARGV[3])
end
return 1
)lua";

std::chrono::seconds round_up(std::int64_t ms) {
  return std::chrono::seconds((std::max<std::int64_t>(ms, 1) + 999) / 1000);
}

}  // namespace

ThrottleLimits ThrottleLimits::from_max_failures(int max_failures, std::chrono::milliseconds window) {
  ThrottleLimits l;
  l.per_account_address = max_failures;
  l.per_address = max_failures * 10;
  l.per_account = max_failures * 5;
  l.window = window;
  return l;
}

// ---- LocalCounters ----

void LocalCounters::trim(std::chrono::steady_clock::time_point now) {
  if (counters_.size() < max_keys_) return;
  std::erase_if(counters_, [&](const auto& kv) { return kv.second.expires <= now; });
  if (counters_.size() >= max_keys_) {
    // Only a flood of distinct keys gets here; forgetting is the lesser evil than growing
    // without bound, and is loud.
    log::warn("local login throttle full; forgetting its counters", {{"keys", counters_.size()}});
    counters_.clear();
  }
  if (known_.size() >= max_keys_) known_.clear();
}

std::int64_t LocalCounters::attempt(const std::vector<std::string>& keys, const std::vector<int>& limits,
                                    bool skip_last, std::chrono::milliseconds window) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  trim(now);
  const std::size_t checked = skip_last ? keys.size() - 1 : keys.size();
  for (std::size_t i = 0; i < checked; ++i) {
    auto it = counters_.find(keys[i]);
    if (it != counters_.end() && it->second.expires > now && it->second.count >= limits[i])
      return std::chrono::duration_cast<std::chrono::milliseconds>(it->second.expires - now).count();
  }
  for (const auto& k : keys) {
    auto& e = counters_[k];
    if (e.expires <= now) e = Entry{0, now + window};
    ++e.count;
  }
  return 0;
}

void LocalCounters::undo(const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  for (const auto& k : keys)
    if (auto it = counters_.find(k); it != counters_.end() && it->second.count > 0) --it->second.count;
}

void LocalCounters::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  counters_.erase(key);
}

void LocalCounters::remember(const std::string& key) {
  std::lock_guard lock(mu_);
  known_.insert(key);
}

bool LocalCounters::known(const std::string& key) {
  std::lock_guard lock(mu_);
  return known_.contains(key);
}

// ---- LoginThrottle ----

LoginThrottle::LoginThrottle(cache::RedisClient& redis, ThrottleLimits limits)
    : redis_(redis), limits_(limits), attempt_script_(kAttempt), undo_script_(kUndo) {}

LoginThrottle::Keys LoginThrottle::keys_for(std::string_view account, std::string_view address) const {
  std::string lower(account);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  // Hashed: Redis never holds email addresses.
  const auto acct = auth::refresh_token_hash(lower).substr(0, 32);
  const std::string addr(address);
  return {"identity:login:{" + acct + "}:" + addr, "identity:login:addr:" + addr, "identity:login:{" + acct + "}",
          "identity:login:{" + acct + "}:known"};
}

asio::awaitable<std::chrono::seconds> LoginThrottle::attempt(std::string account, std::string address,
                                                             trace::Scope scope) {
  const Keys k = keys_for(account, address);
  const std::vector<std::string> counted = {k.pair, k.address, k.account};
  const std::vector<int> limits = {limits_.per_account_address, limits_.per_address, limits_.per_account};
  const std::string local_known = k.known + "|" + address;

  const auto local_wait = local_.attempt(counted, limits, local_.known(local_known), limits_.window);
  std::vector<std::string> keys = {k.pair, k.address, k.account, k.known};
  auto args = cache::cmd(limits[0], limits[1], limits[2], limits_.window.count(), address);
  auto r = co_await redis_.until(scope).eval(attempt_script_, std::move(keys), std::move(args));
  if (!r && r.error().reason == "deadline") {
    // The request is due (its answer will be 504 anyway): not a Redis problem, nothing to warn.
    co_return local_wait > 0 ? round_up(local_wait) : std::chrono::seconds(0);
  }
  if (!r || !r->is_integer()) {
    // Once per 10 s at most: during an outage every login would say it again.
    static std::atomic<std::int64_t> last_warned{0};
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (auto last = last_warned.load(); now_s - last >= 10 && last_warned.compare_exchange_strong(last, now_s))
      log::warn("login throttle: Redis unavailable, using this instance's counters",
                {{"error", r ? r->debug_string() : r.error().message}});
    co_return local_wait > 0 ? round_up(local_wait) : std::chrono::seconds(0);
  }
  // Either says wait: the local counters may know of attempts Redis lost in a restart.
  const auto wait = std::max<std::int64_t>(r->as_integer(), local_wait);
  co_return wait > 0 ? round_up(wait) : std::chrono::seconds(0);
}

asio::awaitable<void> LoginThrottle::succeeded(std::string account, std::string address) {
  const Keys k = keys_for(account, address);
  local_.undo({k.address, k.account});
  local_.erase(k.pair);
  local_.remember(k.known + "|" + address);
  std::vector<std::string> keys = {k.pair, k.address, k.account, k.known};
  auto args = cache::cmd("ok", address, limits_.known_address_ttl.count());
  co_await redis_.eval(undo_script_, std::move(keys), std::move(args));
}

asio::awaitable<void> LoginThrottle::abandoned(std::string account, std::string address) {
  const Keys k = keys_for(account, address);
  local_.undo({k.pair, k.address, k.account});
  std::vector<std::string> keys = {k.pair, k.address, k.account, k.known};
  auto args = cache::cmd("undo", address, limits_.known_address_ttl.count());
  co_await redis_.eval(undo_script_, std::move(keys), std::move(args));
}

}  // namespace mercato::identity
