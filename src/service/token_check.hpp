#pragma once
// Verifying identity's tokens in a service that does not sign them (catalog, gateway), as one
// component: identity's published keys (auth/jwks_client.hpp), a verifier pinned to them, and
// the list of revoked tokens kept current by identity's feed and the bus
// (auth/revocation_feed.hpp). Started now, stopped with the service (before the bus).

#include <functional>
#include <memory>
#include <string_view>

#include "auth/jwks_client.hpp"
#include "auth/revocation_feed.hpp"
#include "auth/verifier.hpp"
#include "core/config.hpp"
#include "http/handler.hpp"

namespace mercato::http {
class App;
}
namespace mercato::cache {
class RedisSubscriber;
}

namespace mercato::service {

class Bus;

class TokenCheck {
 public:
  /// Subscribes the revocation channel on `bus` (which starts with the service).
  TokenCheck(http::App& app, const config::Settings& settings, Bus& bus);
  TokenCheck(const TokenCheck&) = delete;
  TokenCheck& operator=(const TokenCheck&) = delete;

  /// Thread-safe; shared with whatever else needs to know who a token names (the gateway's
  /// rate-limit key).
  const std::shared_ptr<auth::TokenVerifier>& verifier() const { return verifier_; }
  /// The authentication middleware on this verifier (auth/authenticate.hpp).
  http::Middleware authenticate() const;

  /// For a copy of users' details (the gateway's principal cache): `changed` gets the user id
  /// of every revocation this process learns of (bus or identity's list) and of every
  /// auth::kUserChangedChannel message; `lost` runs when the bus is back after a time without
  /// it (messages may have been missed). Before the service starts.
  void on_user_changed(std::function<void(std::string_view user)> changed, std::function<void()> lost);
  /// Every change to a user reaches this process now: the revocation list is current and the
  /// bus subscribed. One atomic load each.
  bool events_current() const;

 private:
  std::shared_ptr<auth::JwksClient> jwks_;
  std::shared_ptr<auth::RevocationList> revoked_;
  std::shared_ptr<auth::RevocationFeed> revocations_;
  std::shared_ptr<auth::TokenVerifier> verifier_;
  cache::RedisSubscriber& subscriber_;
};

}  // namespace mercato::service
