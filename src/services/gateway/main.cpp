// mercato-gateway: see docs/architecture.md#services. This file is the service's table of contents.
//
// A request passes, outermost first: request id → access log → metrics → recover (every
// service's standard chain, http::App) → security headers → CORS → API version notices →
// rate limit → authentication → router → proxy to catalog or identity.
#include <algorithm>

#include "auth/authenticate.hpp"
#include "auth/jwks_client.hpp"
#include "auth/revocation_feed.hpp"
#include "cache/redis_client.hpp"
#include "cache/redis_login.hpp"
#include "cache/redis_subscriber.hpp"
#include "http/app.hpp"
#include "ratelimit/limiter.hpp"
#include "services/gateway/openapi_route.hpp"
#include "services/gateway/rum.hpp"
#include "http/client.hpp"
#include "services/gateway/cors.hpp"
#include "services/gateway/forwarding.hpp"
#include "services/gateway/middleware.hpp"
#include "services/gateway/proxy.hpp"
#include "services/gateway/routes.hpp"
#include "services/gateway/upstreams.hpp"

using namespace mercato;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  http::App app("gateway", argc, argv);
  const config::Settings& s = app.settings();
  // A request's time budget starts here and is passed on, shortened, on every upstream call.
  app.set_request_budget(s.upstream_timeout);

  // Upstreams: keep-alive connection pools, a circuit breaker per instance, round robin.
  http::ClientOptions client_options;
  // Connecting takes well under a millisecond to a live host nearby; a host that swallows
  // the SYN is dead, and giving up early leaves the request time to be retried elsewhere.
  client_options.connect_timeout = std::min<std::chrono::milliseconds>(s.upstream_timeout, 1s);
  // The services trust X-Forwarded-For from this address only (their TRUSTED_PROXIES).
  client_options.source_address = s.upstream_source_address;
  http::Client client(app.io(), client_options);
  gateway::UpstreamGroup catalog("catalog", s.product_service, client);
  gateway::UpstreamGroup identity("identity", s.user_service, client);
  gateway::Proxy proxy(client, s.upstream_timeout, http::TrustedProxies(s.trusted_proxies));

  // Middleware, after the standard chain, outermost first.
  app.use(gateway::security_headers());  // first, so even CORS refusals and 429s carry them
  app.use(gateway::cors(gateway::CorsPolicy(s.cors_origins)));
  app.use(gateway::api_versions(s.api_v1_sunset, s.api_v2_sunset));

  // A refused Redis login is a configuration error: stop now, before anything connects.
  if (auto login = cache::check_login(s.redis, "REDIS_USER/REDIS_PASSWORD"); !login)
    http::fail_startup(login.error().message);
  // Tokens: verified here with identity's published keys so the rate limit can count a
  // signed-in user as one client; the services verify again and decide on roles themselves.
  auto jwks = auth::JwksClient::create(app.io(), auth::JwksClient::options_from(s));
  jwks->start();
  app.on_stop([jwks] { jwks->stop(); });
  auto verifier = std::make_shared<auth::TokenVerifier>(jwks, auth::VerifyOptions::from(s));
  // Revoked tokens: identity's (user, not-before) from the Redis bus, and identity's own list
  // at start and whenever the bus may have missed one (src/auth/revocation_feed.hpp).
  auto revoked = std::make_shared<auth::RevocationList>();
  verifier->use_revocations(revoked);
  auto revocations = auth::RevocationFeed::create(app.io(), auth::RevocationFeed::options_from(s), revoked);
  cache::RedisSubscriber bus(app.io(), s.redis, "gateway-bus");
  revocations->bus_state([&bus] { return bus.connected(); });
  bus.subscribe(std::string(auth::kRevocationChannel),
                [revocations](std::string_view, std::string_view m) { revocations->on_message(m); });
  bus.on_reconnect([revocations] { revocations->on_bus_reconnect(); });
  revocations->start();
  bus.start();
  app.on_stop([&bus, revocations] {
    revocations->stop();
    bus.stop();
  });

  // Rate limit, shared by every gateway through Redis (inside CORS, so a browser can read its
  // 429). It runs before authentication so a flood of forged tokens is limited too; a token
  // that verifies (a cache hit after the first time) makes the user the client, else the
  // client's address.
  cache::RedisClient redis(app.io(), s.redis, "gateway");
  redis.start();
  app.on_stop([&redis] { redis.stop(); });
  ratelimit::Limiter limiter(redis, {.per_minute = s.rate_limit_per_minute,
                                     .expected_instances = s.rate_limit_local_fallback});
  app.use(ratelimit::middleware(limiter, [verifier](const http::Request& req) {
    if (auto header = req.header("Authorization")) {
      if (auto token = auth::bearer_token(*header)) {
        auth::Claims claims;
        if (verifier->verify(*token, auth::unix_now(), claims) == auth::TokenFault::none) return "user:" + claims.sub;
      }
    }
    return "addr:" + req.client_address;  // TRUSTED_PROXIES decides (http/client_address.hpp)
  }));
  app.use(auth::authenticate(verifier));

  // The API description, served as a document at /api/openapi.json.
  if (auto st = gateway::install_openapi_route(app.router(), s.openapi_path); !st) http::fail_startup(st.error().message);
  gateway::add_routes(app.router(), proxy, catalog, identity);
  gateway::install_rum_route(app.router());  // Web Vitals from the dashboard, answered here
  // Each instance's readiness answer is immediate when it is up; the bound keeps a probe of
  // several dead instances short.
  const auto probe_timeout = std::min<std::chrono::milliseconds>(s.upstream_timeout, 1s);
  gateway::add_upstream_checks(app.health(), client, {&catalog, &identity}, probe_timeout);
  app.health().add("redis", false, [&redis]() -> boost::asio::awaitable<http::CheckOutcome> {
    auto rtt = co_await redis.ping(std::chrono::seconds(1));
    if (!rtt) co_return http::CheckOutcome{false, {}, rtt.error().message};
    co_return http::CheckOutcome{true, *rtt, {}};
  });
  app.on_stop([&client] { client.close_idle(); });
  return app.run();
}
