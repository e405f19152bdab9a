#pragma once
// Login throttling against password guessing, counted in Redis so every identity instance
// shares it. Three fixed-window counters per attempt (window: LOGIN_FAILURE_WINDOW, 15 min):
//
//   account + address   LOGIN_MAX_FAILURES (10)  the guesser at one address, on one account
//   address             10 × that (100)          one address spraying many accounts
//   account             5 × that (50)            many addresses on one account — applied
//                                                only to addresses that never logged in to it
//
// The last rule is why an attacker cannot lock a real user out: the user's own address,
// known from an earlier successful login (kept 30 days), is exempt from the account-wide
// counter, and the per-address counters only ever lock the attacker's addresses.
//
// An attempt is counted *before* the password is checked (check-and-count is one Lua
// script), so a burst of parallel guesses cannot all slip through before the first failure
// is recorded; a successful login takes its attempt back and clears its account+address
// counter.
//
// Redis down: the same counters kept in this process (always updated alongside Redis), so
// throttling degrades to per-instance limits — never to no limit. A request whose deadline
// has passed is decided the same way, by this instance's counters, without asking Redis.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cache/redis_client.hpp"
#include "cache/redis_script.hpp"
#include "http/message.hpp"

namespace mercato::identity {

namespace asio = boost::asio;

struct ThrottleLimits {
  int per_account_address = 10;
  int per_address = 100;
  int per_account = 50;
  std::chrono::milliseconds window{15 * 60 * 1000};
  std::chrono::milliseconds known_address_ttl{30LL * 24 * 3600 * 1000};

  static ThrottleLimits from_max_failures(int max_failures, std::chrono::milliseconds window);
};

/// Fixed-window counters in memory: the fallback when Redis is unreachable. Bounded.
class LocalCounters {
 public:
  explicit LocalCounters(std::size_t max_keys = 100'000) : max_keys_(max_keys) {}
  /// Milliseconds to wait when a counter is at its limit, else counts the attempt and
  /// returns 0. `keys`/`limits` pair up; `skip_last` leaves out the last pair.
  std::int64_t attempt(const std::vector<std::string>& keys, const std::vector<int>& limits, bool skip_last,
                       std::chrono::milliseconds window);
  void undo(const std::vector<std::string>& keys);
  void erase(const std::string& key);
  void remember(const std::string& key);
  bool known(const std::string& key);

 private:
  struct Entry {
    int count = 0;
    std::chrono::steady_clock::time_point expires;
  };
  void trim(std::chrono::steady_clock::time_point now);
  std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> counters_;
  std::unordered_set<std::string> known_;
};

class LoginThrottle {
 public:
  LoginThrottle(cache::RedisClient& redis, ThrottleLimits limits);

  /// Counts a login attempt for (account, address), or refuses it: the wait until a
  /// counter frees up (> 0) when it is over a limit, 0 when the attempt may go ahead. Redis is
  /// asked within the deadline of `scope` (the request's; its trace gets the call's span); past
  /// it, as when Redis fails, the local counters decide.
  asio::awaitable<std::chrono::seconds> attempt(std::string account, std::string address,
                                                trace::Scope scope);
  /// The password was right: take the attempt back, clear account+address, remember the
  /// address for this account. This and abandoned() are not bound by the request's deadline
  /// (only by REDIS_COMMAND_TIMEOUT), like a ROLLBACK: skipping them would leave an attempt
  /// counted that never checked a password.
  asio::awaitable<void> succeeded(std::string account, std::string address);
  /// The attempt ended without checking the password (server busy): take it back.
  asio::awaitable<void> abandoned(std::string account, std::string address);

 private:
  struct Keys {
    std::string pair, address, account, known;
  };
  Keys keys_for(std::string_view account, std::string_view address) const;

  cache::RedisClient& redis_;
  ThrottleLimits limits_;
  cache::Script attempt_script_;
  cache::Script undo_script_;
  LocalCounters local_;
};

}  // namespace mercato::identity
