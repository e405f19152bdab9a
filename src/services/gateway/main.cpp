// mercato-gateway: see docs/architecture.md#services. This file is the service's table of contents.
//
// A request passes, outermost first: tracing → request id → access log → metrics → recover
// (every service's standard chain, http::App) → slow-request record → security headers → CORS →
// API version notices → compression → rate limit → authentication → router → (the catalog's
// GETs: response cache →) proxy to catalog or identity, or the gateway's own routes (OpenAPI
// document, RUM, the admins' operations view, and GET /auth/me from its copy of identity's
// answers).
#include <algorithm>

#include "http/app.hpp"
#include "services/gateway/gateway_config.hpp"
#include "http/client.hpp"
#include "ratelimit/limiter.hpp"
#include "service/bus.hpp"
#include "service/redis.hpp"
#include "service/token_check.hpp"
#include "service/tracing.hpp"
#include "services/gateway/breaker_probes.hpp"
#include "services/gateway/openapi_route.hpp"
#include "services/gateway/rum.hpp"
#include "services/gateway/rum_errors.hpp"
#include "services/gateway/compression.hpp"
#include "services/gateway/cors.hpp"
#include "services/gateway/forwarding.hpp"
#include "services/gateway/gateway_cache.hpp"
#include "services/gateway/me_route.hpp"
#include "services/gateway/middleware.hpp"
#include "services/gateway/ops_config.hpp"
#include "services/gateway/ops_routes.hpp"
#include "services/gateway/principal_cache.hpp"
#include "services/gateway/proxy.hpp"
#include "services/gateway/routes.hpp"
#include "services/gateway/upstream_client.hpp"
#include "services/gateway/upstreams.hpp"

using namespace mercato;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  http::App app("gateway", gateway::config_groups(), argc, argv);
  const config::Settings& s = app.settings();
  service::Tracing tracing(app);  // OTEL_*: the tracer every request's trace begins with, and its exporter
  // A request's time budget starts here and is passed on, shortened, on every upstream call.
  app.set_request_budget(s.upstream_timeout);

  // Upstreams: keep-alive connection pools, a circuit breaker per instance, round robin.
  gateway::UpstreamClient upstreams(app, s);
  http::Client& client = upstreams.client();
  gateway::UpstreamGroup catalog("catalog", s.product_service, client);
  gateway::UpstreamGroup identity("identity", s.user_service, client);
  gateway::Proxy proxy(client, s.upstream_timeout, http::TrustedProxies(s.trusted_proxies));

  // The operations view: the stack's Prometheus (PROMETHEUS_URL, checked at load) and this
  // gateway's slowest recent requests, recorded around everything below.
  gateway::PrometheusClient prometheus(app.io(), *gateway::parse_prometheus_url(s.prometheus_url));
  app.on_stop([&prometheus] { prometheus.close_idle(); });
  gateway::SlowRequests slow_requests;
  gateway::OpsView ops(prometheus, slow_requests);

  // Middleware, after the standard chain, outermost first.
  app.use(gateway::record_slow_requests(slow_requests));
  app.use(gateway::security_headers());  // first, so even CORS refusals and 429s carry them
  app.use(gateway::cors(gateway::CorsPolicy(s.cors_origins)));
  app.use(gateway::api_versions(s.api_v1_sunset, s.api_v2_sunset));
  // gzip or br for JSON answers of COMPRESS_MIN_BYTES or more, coded once here for every route
  // (inside CORS, so a browser can read a 415 for a compressed request body).
  app.use(gateway::compression(s.compress_min_bytes));

  // Redis: the shared rate-limit counters and the revocation bus; not critical (the limiter
  // falls back to local counters).
  service::Redis redis(app, s.redis, "gateway");
  service::Bus bus(app, s.redis, "gateway-bus");
  // Tokens: verified here with identity's published keys so the rate limit can count a
  // signed-in user as one client; the services verify again and decide on roles themselves.
  service::TokenCheck tokens(app, s, bus);

  // Rate limit, shared by every gateway through Redis (inside CORS, so a browser can read its
  // 429). It runs before authentication so a flood of forged tokens is limited too; a token
  // that verifies (a cache hit after the first time) makes the user the client, else the
  // client's address.
  // A bulk write's products are charged to the same client in the same step
  // (gateway::bulk_items), so splitting a batch into many calls never costs less.
  ratelimit::Limiter limiter(redis.client(), {.per_minute = s.rate_limit_per_minute,
                                              .expected_instances = s.rate_limit_local_fallback,
                                              .items_per_request = s.rate_limit_items_per_request});
  app.use(ratelimit::middleware(limiter, gateway::rate_limit_client(tokens.verifier()), gateway::bulk_items));
  app.use(tokens.authenticate());

  // GET /auth/me from a copy of identity's answers (PRINCIPAL_CACHE_*), dropped per user by
  // every revocation and "user changed" event, emptied after a time off the bus, and unused
  // while events may be missed (principal_cache.hpp).
  gateway::PrincipalCache principals(s.principal_cache_max_bytes, s.principal_cache_ttl);
  tokens.on_user_changed([&principals](std::string_view user) { principals.forget(user); },
                         [&principals] { principals.forget_all(); });
  principals.trust_while([&tokens] { return tokens.events_current(); });

  // The API description, served as a document at /api/openapi.json.
  if (auto st = gateway::install_openapi_route(app.router(), s.openapi_path); !st) http::fail_startup(st.error().message);
  // The catalog's public answers, kept here and purged by its invalidation bus (GATEWAY_CACHE_*),
  // behind the rate limit and authentication like every route.
  gateway::GatewayCache response_cache(app, s, bus.subscriber(), redis.client());
  gateway::add_routes(app.router(), proxy, catalog, identity, &response_cache,
                      gateway::me_route(principals, proxy, identity));
  gateway::install_rum_route(app.router());  // Web Vitals from the dashboard, answered here
  gateway::install_rum_errors_route(app.router());  // and its browser errors
  gateway::install_ops_routes(app.router(), ops);  // admins only
  // Each instance's readiness answer is immediate when it is up; the bound keeps a probe of
  // several dead instances short.
  const auto probe_timeout = std::min<std::chrono::milliseconds>(s.upstream_timeout, 1s);
  gateway::add_upstream_checks(app.health(), client, {&catalog, &identity}, probe_timeout);
  // An instance shut out by its breaker is readmitted as soon as it says it is ready, not only
  // after the cool-down: in a rolling restart, the next instance may stop in the meantime.
  gateway::BreakerProbes breaker_probes(client, {&catalog, &identity}, {.timeout = probe_timeout});
  app.on_start([&] { breaker_probes.start(app.io().get_executor()); });
  app.on_drain([&] { return breaker_probes.stop(); });
  return app.run();
}
