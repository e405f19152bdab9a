#pragma once
// Revoked access tokens. An access token is signed for JWT_ACCESS_TTL and verified without
// asking identity, so a role change would otherwise only take effect when the token expires.
// Instead identity gives each user a "not-before": when the user's role, password or active
// flag changes, or the user is deleted, every token of that user issued before that moment
// is revoked. Identity publishes (user id, not-before) on the Redis bus (kRevocationChannel)
// and lists the recent ones at GET /internal/v1/revocations; each verifier keeps them in a
// RevocationList (filled by a RevocationFeed, revocation_feed.hpp) and refuses such tokens
// as TokenFault::revoked.
//
// Only revocations younger than an access-token lifetime (plus leeway) matter: any token
// issued before an older one has expired anyway. So the list stays small, one entry per user
// changed in the last ~15 minutes.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"

namespace mercato::auth {

namespace asio = boost::asio;

/// The Redis pub/sub channel of revocations; each message is format_revocation().
inline constexpr std::string_view kRevocationChannel = "mc1:auth:revocations";

struct Revocation {
  std::string user;             // the token's `sub`
  std::int64_t not_before = 0;  // Unix seconds: tokens with `iat` before it are revoked
};

/// "<user id> <not-before>" on the bus.
std::string format_revocation(const Revocation& r);
/// nullopt for anything that is not exactly that (a bounded user id, a positive number).
std::optional<Revocation> parse_revocation(std::string_view message);

/// The Redis pub/sub channel of "this user's row changed": identity publishes the user id
/// after every committed change to a user, including those that revoke nothing (a new name).
/// Whoever keeps a copy of a user's details (the gateway's principal cache) drops it. Unlike
/// revocations this is not listed by identity: a listener that was off the bus must assume it
/// missed some and drop everything.
inline constexpr std::string_view kUserChangedChannel = "mc1:auth:users-changed";
/// The user id of a kUserChangedChannel message; nullopt for anything but a bounded user id.
std::optional<std::string> parse_user_changed(std::string_view message);

/// Identity's GET /internal/v1/revocations body:
///   {"revocations":[{"sub":"…","not_before":1796400000},…],"horizon_seconds":931}
/// where horizon_seconds is how long a revocation matters (access-token lifetime + leeway).
struct RevocationSnapshot {
  std::vector<Revocation> revocations;
  std::int64_t horizon_seconds = 0;
};
std::string render_revocations(const RevocationSnapshot& s);
Result<RevocationSnapshot> parse_revocations(std::string_view json);

/// The revocations a verifier knows of. Thread-safe; allows() is the hot path (one atomic
/// load and, only when anything is revoked, one hash lookup).
class RevocationList {
 public:
  RevocationList();

  /// False when a token of `user` issued at `iat` (Unix seconds) is revoked.
  bool allows(std::string_view user, std::int64_t iat) const;

  /// Records one revocation (a user's later not-before wins) and tells the listeners.
  void add(const Revocation& r);
  /// Merges identity's full list: adds every entry (telling the listeners of new ones) and
  /// forgets entries older than `now - horizon_seconds` (every token they revoked expired).
  /// Never forgets an entry younger than that, so a bus message that raced the fetch stays.
  void merge(const RevocationSnapshot& s, std::int64_t now);
  std::size_t size() const;

  /// Adds a listener called with each revocation that is new or later than what was known
  /// (the verifier drops that user's cached tokens, the gateway's principal cache the user).
  /// Add them all before the list is shared; they run in the order added.
  void on_revoked(std::function<void(const Revocation&)> listener) { listeners_.push_back(std::move(listener)); }

  // ---- whether the list can be trusted to be complete ----

  /// True when the list is known to hold every revocation identity made: false before the
  /// first sync with identity, and after the bus was lost until identity was asked again.
  bool current() const { return current_.load(std::memory_order_acquire); }
  void set_current(bool c) { current_.store(c, std::memory_order_release); }

  /// Asks the feed to sync with identity now (or to join the sync under way), waiting at most
  /// `wait`; true when the list is current afterwards. Without a feed: current().
  using Resync = std::function<asio::awaitable<bool>(std::chrono::milliseconds wait)>;
  void set_resync(Resync r) { resync_ = std::move(r); }
  asio::awaitable<bool> resync(std::chrono::milliseconds wait);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;

  // Copy on write: revocations are rare, reads are every request.
  std::atomic<std::shared_ptr<const Map>> map_;
  std::atomic<std::size_t> entries_{0};  // map_'s size, for the lock-free "nothing revoked"
  std::mutex write_mu_;
  std::atomic<bool> current_{false};
  std::vector<std::function<void(const Revocation&)>> listeners_;
  Resync resync_;
};

}  // namespace mercato::auth
