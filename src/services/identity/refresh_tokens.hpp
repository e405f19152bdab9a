#pragma once
// Refresh-token families in PostgreSQL: the SQL only. Which token may be rotated, replayed or
// means theft is decided by SessionsService (sessions_service.hpp) with auth::decide_refresh.
// Every call a request makes is bounded by its deadline (db::Pool::until).

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "auth/refresh_token.hpp"
#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

/// A presented token as the database has it, with its family and its user.
struct StoredRefresh {
  std::string family_id;
  /// Everything of auth::RefreshState the database knows.
  auth::RefreshState state;
  std::chrono::seconds family_remaining{0};  // until the family expires
  std::string sealed_successor;              // hex; empty when none
  /// id, email, name, role, store_id, active: what an access token for them needs.
  User user;
};

/// The statements of one rotation (RefreshTokens::rotation), on its transaction's connection.
class RefreshRotation {
 public:
  explicit RefreshRotation(db::Transaction& tx) : tx_(tx) {}
  /// Locks the family of the token with this hash (two refreshes of one family are decided
  /// one after the other); nullopt for an unknown token.
  asio::awaitable<Result<std::optional<std::string>>> lock_family(const std::string& token_hash);
  /// The token's row, read after the lock (a new statement: it sees what committed before).
  asio::awaitable<Result<std::optional<StoredRefresh>>> read(const std::string& token_hash);
  asio::awaitable<Status> revoke_family(const std::string& family_id, std::string_view reason);
  /// The token.reuse audit row (no actor: the client presenting the token is unknown).
  asio::awaitable<Status> audit_reuse(const std::string& user_id, const std::string& family_id);
  /// Stores the successor and marks the token used by `fingerprint`, in one round trip.
  asio::awaitable<Status> store_successor(const std::string& family_id, const std::string& token_hash,
                                          const std::string& fingerprint, const std::string& successor_hash,
                                          const std::string& sealed_successor_hex);

 private:
  db::Transaction& tx_;
};

class RefreshTokens {
 public:
  explicit RefreshTokens(db::Pool& pool) : pool_(pool) {}

  /// A new family for `user_id`, expiring after `lifetime`, with its first token.
  asio::awaitable<Status> start_family(const std::string& family_id, const std::string& user_id,
                                       const std::string& token_hash, std::chrono::seconds lifetime,
                                       trace::Scope scope);

  using RotationWork = std::function<asio::awaitable<Status>(RefreshRotation&)>;
  /// Runs `work` in one transaction: commits when it succeeds (a refusal that revoked the
  /// family succeeds: the revocation must stick), rolls back when it fails.
  asio::awaitable<Status> rotation(trace::Scope scope, const RotationWork& work);

  /// Revokes the live family of the token with this hash; an unknown token is not an error.
  asio::awaitable<Status> revoke_family_of(const std::string& token_hash, std::string_view reason, trace::Scope scope);

  /// Deletes families expired (or revoked) more than a week ago; returns how many.
  asio::awaitable<Result<std::int64_t>> delete_old();

 private:
  db::Pool& pool_;
};

}  // namespace mercato::identity
