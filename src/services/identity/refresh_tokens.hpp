#pragma once
// Refresh-token families in the database: start one at login, rotate on every refresh with
// reuse detection and the grace window (the rules are in auth/refresh_token.hpp), revoke one
// at logout.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "auth/refresh_token.hpp"
#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::metrics {
class Counter;
}

namespace mercato::identity {

struct IssuedRefresh {
  std::string token;
  std::chrono::seconds lifetime{0};  // until the family expires
};

struct RefreshOutcome {
  auth::RefreshAction action = auth::RefreshAction::reject;
  std::optional<User> user;  // for rotate / replay_successor
  IssuedRefresh refresh;     // for rotate / replay_successor
};

class RefreshTokens {
 public:
  RefreshTokens(db::Pool& pool, std::chrono::milliseconds family_lifetime,
                std::chrono::milliseconds grace = std::chrono::seconds(2));

  /// A new family for `user` with its first token.
  asio::awaitable<Result<IssuedRefresh>> start_family(const User& user, Deadline deadline);

  /// Presents `token` from a client with `fingerprint` (auth::client_fingerprint). A token
  /// that is unknown, revoked, expired or reused yields an outcome whose action is not
  /// rotate/replay_successor; database trouble is an Error. Reuse revokes the family, is
  /// logged (warn) and counted before this returns.
  asio::awaitable<Result<RefreshOutcome>> rotate(std::string token, std::string fingerprint, Deadline deadline);

  /// Revokes the family of `token` (logout); a token we do not know is not an error.
  asio::awaitable<Status> revoke_family(std::string token, std::string reason, Deadline deadline);

  /// Deletes families expired (or revoked) more than a week ago; returns how many.
  asio::awaitable<Result<std::int64_t>> delete_old();

 private:
  db::Pool& pool_;
  std::chrono::milliseconds lifetime_;
  std::chrono::milliseconds grace_;
  metrics::Counter& reuse_detected_;
};

}  // namespace mercato::identity
