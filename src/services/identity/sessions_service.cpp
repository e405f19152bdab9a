#include "services/identity/sessions_service.hpp"

#include "auth/refresh_token.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::identity {

namespace {

Error bad_credentials() {
  // One message for unknown email, wrong password and disabled account: nothing to enumerate.
  return Error{ErrorCode::invalid_credentials, "email or password is incorrect"};
}

Error bad_refresh() { return Error{ErrorCode::invalid_token, "refresh token is invalid or expired; log in again"}; }

const char* refresh_result(auth::RefreshAction a) {
  switch (a) {
    case auth::RefreshAction::rotate: return "success";
    case auth::RefreshAction::replay_successor: return "grace";
    case auth::RefreshAction::reuse_detected: return "reuse";
    case auth::RefreshAction::revoke: return "user_inactive";
    case auth::RefreshAction::reject: return "invalid";
  }
  return "invalid";
}

}  // namespace

SessionsService::SessionsService(UserStore& users, RefreshTokens& tokens, auth::PasswordHasher& hasher,
                                 LoginThrottle& throttle, std::chrono::milliseconds family_lifetime,
                                 std::chrono::milliseconds grace)
    : users_(users),
      tokens_(tokens),
      hasher_(hasher),
      throttle_(throttle),
      family_lifetime_(std::chrono::duration_cast<std::chrono::seconds>(family_lifetime)),
      grace_(grace),
      logins_(metrics::Registry::global().counter("logins_total", "login attempts by outcome", {"result"})),
      refreshes_(
          metrics::Registry::global().counter("refresh_total", "refresh-token exchanges by outcome", {"result"})),
      reuse_detected_(
          metrics::Registry::global()
              .counter("token_reuse_detected_total", "used refresh tokens presented again (family revoked as stolen)")
              .with({})) {}

asio::awaitable<LoginOutcome> SessionsService::login(std::string email, std::string password,
                                                     std::string client_address, trace::Scope scope) {
  LoginOutcome out;
  const auto wait = co_await throttle_.attempt(email, client_address, scope);
  if (wait.count() > 0) {
    logins_.with({"rate_limited"}).inc();
    out.refused = Error{ErrorCode::rate_limited, "too many failed logins; try again later"};
    out.retry_after = wait;
    co_return out;
  }

  auto user = co_await users_.by_email(email, scope);
  if (!user) {
    co_await throttle_.abandoned(email, client_address);
    logins_.with({"unavailable"}).inc();
    out.refused = std::move(user).error();
    co_return out;
  }
  // The same argon2id work whether or not the account exists or may log in, so neither the
  // answer nor its timing tells an attacker which emails are registered.
  Result<bool> matches = false;
  if (*user && (*user)->can_log_in())
    matches = co_await hasher_.verify((*user)->password_hash, password, scope);
  else
    matches = co_await hasher_.verify_dummy(password, scope);
  if (!matches) {
    co_await throttle_.abandoned(email, client_address);
    logins_.with({"unavailable"}).inc();
    out.refused = std::move(matches).error();
    out.retry_after = std::chrono::seconds(1);
    co_return out;
  }
  if (!*matches) {
    logins_.with({"invalid_credentials"}).inc();
    out.refused = bad_credentials();
    co_return out;
  }

  co_await throttle_.succeeded(email, client_address);
  Session session{std::move(**user), {auth::new_refresh_token(), family_lifetime_}};
  const std::string family = ids::uuid_v7();
  const std::string hash = auth::refresh_token_hash(session.refresh.token);
  auto started = co_await tokens_.start_family(family, session.user.id, hash, family_lifetime_, scope);
  if (!started) {
    logins_.with({"unavailable"}).inc();
    out.refused = std::move(started).error();
    co_return out;
  }
  logins_.with({"success"}).inc();
  out.session = std::move(session);
  co_return out;
}

asio::awaitable<Result<Session>> SessionsService::refresh(std::optional<std::string> presented,
                                                          std::string fingerprint, trace::Scope scope) {
  if (!presented) {
    refreshes_.with({"missing"}).inc();
    co_return Error{ErrorCode::auth_required, "refresh token required"};
  }
  const std::string token = std::move(*presented);
  if (!auth::is_refresh_token_shape(token)) {  // not worth a query
    refreshes_.with({"invalid"}).inc();
    co_return bad_refresh();
  }
  const std::string hash = auth::refresh_token_hash(token);
  auto action = auth::RefreshAction::reject;
  std::optional<Session> session;
  std::string family_seen, user_seen;  // for the reuse log line

  RefreshTokens::RotationWork work = [&](RefreshRotation& r) -> asio::awaitable<Status> {
    auto family = co_await r.lock_family(hash);
    if (!family) co_return std::move(family).error();
    if (!*family) co_return Status{};  // unknown token: reject
    auto stored = co_await r.read(hash);
    if (!stored) co_return std::move(stored).error();
    if (!*stored) co_return Status{};
    StoredRefresh& t = **stored;
    family_seen = t.family_id;
    user_seen = t.user.id;

    action = auth::decide_refresh(t.state, fingerprint, grace_);
    switch (action) {
      case auth::RefreshAction::reject:
        co_return Status{};

      case auth::RefreshAction::revoke:
      case auth::RefreshAction::reuse_detected: {
        const bool reuse = action == auth::RefreshAction::reuse_detected;
        const std::string_view reason = reuse ? "reuse" : "user_inactive";
        if (auto st = co_await r.revoke_family(t.family_id, reason); !st) co_return st;
        if (reuse)
          if (auto st = co_await r.audit_reuse(t.user.id, t.family_id); !st) co_return st;
        co_return Status{};  // committed: the revocation must stick although the request fails
      }

      case auth::RefreshAction::replay_successor: {
        auto successor = auth::open_successor(token, t.sealed_successor);
        if (!successor) {
          // Cannot happen unless the row was altered; treat it as the theft it would be.
          action = auth::RefreshAction::reuse_detected;
          co_return co_await r.revoke_family(t.family_id, "reuse");
        }
        session = Session{std::move(t.user), {std::move(*successor), t.family_remaining}};
        co_return Status{};
      }

      case auth::RefreshAction::rotate: {
        std::string next = auth::new_refresh_token();
        const std::string next_hash = auth::refresh_token_hash(next);
        const std::string sealed = auth::seal_successor(token, next);
        if (auto st = co_await r.store_successor(t.family_id, hash, fingerprint, next_hash, sealed); !st) co_return st;
        session = Session{std::move(t.user), {std::move(next), t.family_remaining}};
        co_return Status{};
      }
    }
    co_return Status{};
  };
  auto st = co_await tokens_.rotation(scope, work);
  if (!st) {
    refreshes_.with({"unavailable"}).inc();
    co_return std::move(st).error();
  }
  refreshes_.with({refresh_result(action)}).inc();
  if (action == auth::RefreshAction::reuse_detected) {
    reuse_detected_.inc();
    log::warn("refresh token reused: family revoked, its holders must log in again",
              {{"family", family_seen}, {"user", user_seen}, {"client", fingerprint.substr(0, 16)}});
  }
  if (!session) co_return bad_refresh();
  co_return std::move(*session);
}

asio::awaitable<Status> SessionsService::logout(std::string token, trace::Scope scope) {
  if (!auth::is_refresh_token_shape(token)) co_return Status{};
  co_return co_await tokens_.revoke_family_of(auth::refresh_token_hash(token), "logout", scope);
}

}  // namespace mercato::identity
