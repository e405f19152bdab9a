#pragma once
// The session use-cases: login, refresh, logout. Login counts attempts against the throttle
// and spends the same argon2id work whether or not the account exists; refresh decides each
// presented token with auth::decide_refresh (rotation, the grace-window replay, reuse
// detection) inside one transaction on its family; logout revokes the family. The SQL is in
// RefreshTokens and the UserStore; the HTTP answer (tokens, cookie) is built by auth_routes.cpp.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "auth/passwords.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "services/identity/refresh_tokens.hpp"
#include "services/identity/throttle.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

struct IssuedRefresh {
  std::string token;
  std::chrono::seconds lifetime{0};  // until the family expires
};

/// What login and refresh hand out: the user an access token is issued for (id, email, name,
/// role, store), and the refresh token to keep.
struct Session {
  User user;
  IssuedRefresh refresh;
};

/// A login's outcome: a session, or the error to answer with and, when it is not zero, how
/// long the client should wait before trying again (Retry-After).
struct LoginOutcome {
  std::optional<Session> session;
  std::optional<Error> refused;
  std::chrono::seconds retry_after{0};
};

class SessionsService {
 public:
  /// All must outlive the service. New families live `family_lifetime`; `grace` is how long a
  /// rotated token may be presented again by the same client (two tabs) for the same successor.
  SessionsService(UserStore& users, RefreshTokens& tokens, auth::PasswordHasher& hasher, LoginThrottle& throttle,
                  std::chrono::milliseconds family_lifetime, std::chrono::milliseconds grace = std::chrono::seconds(2));

  /// `email` normalize_email()'d. Refusals: rate_limited (429, retry_after = the throttle's
  /// wait), invalid_credentials (401, one answer for unknown email, wrong password and inactive
  /// account), a database or hashing failure (retry_after 1 s for the hash pool being full).
  asio::awaitable<LoginOutcome> login(std::string email, std::string password, std::string client_address,
                                      trace::Scope scope);

  /// Presents `token` from a client with `fingerprint` (auth::client_fingerprint). auth_required
  /// (401) when there is no token (counted, like every outcome, in refresh_total). invalid_token
  /// (401) for a token that is unknown, revoked, expired, of a user who may no longer log in,
  /// or reused (which revokes the family, is audited, logged and counted); database trouble
  /// is its own error.
  asio::awaitable<Result<Session>> refresh(std::optional<std::string> token, std::string fingerprint,
                                           trace::Scope scope);

  /// Revokes the family of `token`; a token we do not know is not an error.
  asio::awaitable<Status> logout(std::string token, trace::Scope scope);

 private:
  UserStore& users_;
  RefreshTokens& tokens_;
  auth::PasswordHasher& hasher_;
  LoginThrottle& throttle_;
  std::chrono::seconds family_lifetime_;
  std::chrono::milliseconds grace_;
  metrics::CounterFamily& logins_;
  metrics::CounterFamily& refreshes_;
  metrics::Counter& reuse_detected_;
};

}  // namespace mercato::identity
