#include "service/token_check.hpp"

#include "auth/auth_config.hpp"
#include "auth/authenticate.hpp"
#include "http/app.hpp"
#include "service/bus.hpp"

namespace mercato::service {

TokenCheck::TokenCheck(http::App& app, const config::Settings& s, Bus& bus)
    : jwks_(auth::JwksClient::create(app.io(), auth::JwksClient::options_from(s))),
      revoked_(std::make_shared<auth::RevocationList>()),
      revocations_(auth::RevocationFeed::create(app.io(), auth::RevocationFeed::options_from(s), revoked_)),
      verifier_(std::make_shared<auth::TokenVerifier>(jwks_, auth::VerifyOptions::from(s))),
      subscriber_(bus.subscriber()) {
  app.require(auth::verify_config(), "service::TokenCheck");
  app.require(auth::identity_client_config(), "service::TokenCheck (JWKS and revocations from identity)");
  verifier_->use_revocations(revoked_);
  cache::RedisSubscriber& subscriber = bus.subscriber();
  revocations_->bus_state([&subscriber] { return subscriber.connected(); });
  subscriber.subscribe(std::string(auth::kRevocationChannel),
                       [feed = revocations_](std::string_view, std::string_view m) { feed->on_message(m); });
  subscriber.on_reconnect([feed = revocations_] { feed->on_bus_reconnect(); });
  jwks_->start();
  revocations_->start();
  app.on_stop([jwks = jwks_, feed = revocations_] {
    feed->stop();
    jwks->stop();
  });
}

http::Middleware TokenCheck::authenticate() const { return auth::authenticate(verifier_); }

void TokenCheck::on_user_changed(std::function<void(std::string_view)> changed, std::function<void()> lost) {
  revoked_->on_revoked([changed](const auth::Revocation& r) { changed(r.user); });
  subscriber_.subscribe(std::string(auth::kUserChangedChannel),
                        [changed = std::move(changed)](std::string_view, std::string_view m) {
                          if (auto user = auth::parse_user_changed(m)) changed(*user);
                        });
  subscriber_.on_reconnect(std::move(lost));
}

bool TokenCheck::events_current() const { return revoked_->current() && subscriber_.connected(); }

}  // namespace mercato::service
