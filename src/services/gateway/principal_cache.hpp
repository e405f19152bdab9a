#pragma once
// The gateway's copy of identity's GET /api/v1/auth/me answers, so the most frequent call of a
// signed-in dashboard is answered here without a hop (me_route.hpp). What /auth/me answers
// depends on the user's row only, never on which of the user's live tokens asks, so an entry is
// kept per verified `sub` (and the token's role claim, see key()): a token for user A can only
// ever find A's entry, because the key comes from the signature-checked claims alone.
//
// Never stale after a change, because every change to a user drops the user's entry on every
// gateway at once, by the same events that revoke tokens:
// - a revocation (role, password, active flag, delete: auth/revocations.hpp), heard by the
//   verifier's RevocationList, from the bus or from identity's list after a missed message;
// - "user changed" (auth::kUserChangedChannel), which identity publishes after every committed
//   change, a rename too (a rename revokes nothing).
// Identity's list has no record of renames, so whoever lost the bus must drop everything: the
// cache is bypassed while the bus is down or the revocation list is not current (usable()),
// and emptied when the bus comes back (forget_all()).
//
// A fill races a change: identity may have read the row just before the change committed and
// answer after the event arrived here. So a fill carries the generation read before asking
// identity, and is kept only when no user was dropped since (keep()); a change's event comes
// after its commit, so an answer read before the commit is either dropped by the event or
// refused by keep(). The TTL is only a safety net for an event identity could not publish.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "cache/l1_cache.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

class PrincipalCache {
 public:
  using Clock = cache::L1Cache::Clock;

  /// `max_bytes` 0: off (find() always misses, keep() keeps nothing).
  PrincipalCache(std::size_t max_bytes, std::chrono::milliseconds ttl);
  PrincipalCache(const PrincipalCache&) = delete;
  PrincipalCache& operator=(const PrincipalCache&) = delete;

  /// What must hold for entries to be trusted (main.cpp: the revocation list is current and the
  /// bus subscribed). Set before serving.
  void trust_while(std::function<bool()> fresh) { fresh_ = std::move(fresh); }
  /// Enabled, and the events that drop entries are reaching this process.
  bool usable() const { return cache_.enabled() && (!fresh_ || fresh_()); }

  /// Identity's answer for this verified principal, or null.
  cache::ValuePtr find(const http::Principal& p, Clock::time_point now = Clock::now());
  /// Read before asking identity; hand it to keep().
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  /// Keeps `body` as the answer for `p`, unless a user was dropped since `generation` was read
  /// (the answer may predate that change). True when kept.
  bool keep(const http::Principal& p, std::string body, std::uint64_t generation, Clock::time_point now = Clock::now());

  /// The user changed or was revoked: drops their entry.
  void forget(std::string_view user);
  /// Events may have been missed (the bus was lost): drops every entry.
  void forget_all();

  std::size_t entries() const { return cache_.entries(); }

 private:
  /// `sub` and the token's role: a token whose role claim differs from the user's role (a row
  /// changed by hand, without a revocation) never shares an entry with the user's real tokens,
  /// and identity, asked on such a miss, judges it.
  static std::string key(std::string_view user, std::string_view role);

  cache::L1Cache cache_;
  std::chrono::milliseconds ttl_;
  std::function<bool()> fresh_;
  std::atomic<std::uint64_t> generation_{0};
  // Orders keep()'s check-then-put against forget()'s bump-then-erase: without it a fill could
  // check the generation, a change drop the (absent) entry, and the fill put the old answer.
  std::mutex fill_mu_;
};

}  // namespace mercato::gateway
