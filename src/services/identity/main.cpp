// mercato-identity: see docs/architecture.md#services. This file is the service's table of contents:
// configuration, commands, signing keys, schema, database, Redis, password hashing, login
// throttling, refresh-token families, authentication, routes, housekeeping. Each component
// of the service kit (src/service/) registers its own health check, start and stop.
//
// Commands besides serving (commands.hpp): `user add`, `create-admin`, `keys rotate`,
// `keys list`.
#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>

#include "auth/authenticate.hpp"
#include "auth/key_store.hpp"
#include "auth/passwords.hpp"
#include "auth/verifier.hpp"
#include "http/app.hpp"
#include "services/identity/identity_config.hpp"
#include "service/database.hpp"
#include "service/redis.hpp"
#include "service/tracing.hpp"
#include "services/identity/commands.hpp"
#include "services/identity/housekeeping.hpp"
#include "services/identity/refresh_tokens.hpp"
#include "services/identity/routes.hpp"
#include "services/identity/schema.hpp"
#include "services/identity/throttle.hpp"
#include "services/identity/users_repository.hpp"

using namespace mercato;

int main(int argc, char** argv) {
  http::App app("identity", identity::config_groups(), argc, argv);
  const config::Settings& settings = app.settings();
  if (!app.args().empty()) return identity::run_command(settings, app.io(), app.args());
  service::Tracing tracing(app);  // OTEL_*: the tracer every request's trace begins with, and its exporter

  // Signing keys: created on first start (JWT_KEYS_DIR, 0700/0600); an older key verifies
  // for one access-token lifetime (plus skew) after a newer one appears.
  const auto overlap =
      std::chrono::duration_cast<std::chrono::milliseconds>(settings.jwt_access_ttl + settings.jwt_clock_skew);
  auto opened = auth::LocalKeys::open(settings.jwt_keys_dir, overlap);
  if (!opened) http::fail_startup(opened.error().message);
  std::shared_ptr<auth::LocalKeys> keys = *opened;

  // Database: critical; /api/ answers 503 until the schema is migrated, except the JWKS,
  // which is read from the key files.
  identity::Schema schema(settings);
  service::Database database(app, settings.db, schema, {.ungated_prefixes = {"/api/v1/.well-known/"}});
  // Redis: login throttling and the revocation bus; not critical (throttling falls back to
  // local counters).
  service::Redis redis(app, settings.redis, "identity");

  auth::PasswordHasher hasher(settings.password_hash_workers, settings.password_hash_queue);
  identity::LoginThrottle throttle(
      redis.client(), identity::ThrottleLimits::from_max_failures(settings.login_max_failures, settings.login_failure_window));
  identity::UsersRepository users(database.pool());
  identity::RefreshTokens refresh(database.pool());
  identity::RevocationPublisher revocations(app.io(), redis.client());
  identity::IdentityContext ctx{settings, users, refresh, hasher, throttle, *keys, revocations};

  // Identity verifies its own tokens with the keys it signs with: no JWKS round trip.
  app.use(auth::authenticate(std::make_shared<auth::TokenVerifier>(keys, auth::VerifyOptions::from(settings))));
  identity::install_auth_routes(app.router(), ctx);
  identity::install_users_routes(app.router(), ctx);
  identity::install_revocations_route(app.router(), settings, users, schema);

  identity::start_housekeeping(app.io(), *keys, refresh, schema);  // key reloads, old refresh families
  return app.run();
}
