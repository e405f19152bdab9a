#include "services/gateway/me_route.hpp"

#include "core/metrics.hpp"

namespace mercato::gateway {

http::Handler me_route(PrincipalCache& principals, Proxy& proxy, UpstreamGroup& identity) {
  auto& registry = metrics::Registry::global();
  // Children looked up once: the registry's lookup takes a lock, the hot path should not.
  metrics::Counter* hits =
      &registry.counter("gateway_principal_cache_hits_total", "GET /auth/me answered from the gateway's copy").with({});
  metrics::Counter* misses =
      &registry.counter("gateway_principal_cache_misses_total", "GET /auth/me relayed to identity with a usable cache")
           .with({});
  return [&principals, &proxy, &identity, hits, misses](http::Request& req) -> asio::awaitable<http::Response> {
    // No verified principal (no token: identity says auth_required), or entries that may have
    // missed a change: identity answers, nothing is kept.
    if (!req.principal || !principals.usable()) co_return co_await proxy.forward(identity, req);
    if (auto held = principals.find(*req.principal)) {
      hits->inc();
      http::Response r;  // 200, application/json: what was kept (below)
      r.body = held->body;
      // As identity's own answer; the security headers middleware says it again for /auth/.
      r.set_header("Cache-Control", "no-store");
      co_return r;
    }
    misses->inc();
    const auto generation = principals.generation();  // before asking: see PrincipalCache::keep
    http::Response r = co_await proxy.forward(identity, req);
    if (r.status == 200 && r.content_type == "application/json") principals.keep(*req.principal, r.body, generation);
    co_return r;
  };
}

}  // namespace mercato::gateway
