#include "services/gateway/routes.hpp"

namespace mercato::gateway {

namespace {

using M = http::Method;
using S = Service;

// Templates are registered explicitly rather than forwarded by prefix, so metrics and logs
// carry the template (never a raw id), and an unknown path is answered here without a hop.
// A route a service adds must be added here too.
constexpr PublicRoute kRoutes[] = {
    {M::GET, "/api/v1/products", S::catalog},
    {M::GET, "/api/v1/products/export", S::catalog, /*streamed=*/true},
    {M::POST, "/api/v1/products", S::catalog},
    {M::GET, "/api/v1/products/{id}", S::catalog},
    {M::PATCH, "/api/v1/products/{id}", S::catalog},
    {M::DELETE, "/api/v1/products/{id}", S::catalog},
    {M::POST, "/api/v1/products/{id}/restore", S::catalog},
    {M::POST, "/api/v1/products/bulk", S::catalog},
    {M::GET, "/api/v1/jobs/{id}", S::catalog},
    {M::POST, "/api/v1/imports", S::catalog},
    {M::GET, "/api/v1/imports/{id}", S::catalog},
    {M::PUT, "/api/v1/imports/{id}/parts/{n}", S::catalog},
    {M::POST, "/api/v1/imports/{id}/finish", S::catalog},
    {M::POST, "/api/v1/imports/{id}/run", S::catalog},
    {M::GET, "/api/v1/imports/{id}/errors", S::catalog},
    {M::GET, "/api/v1/imports/{id}/errors.csv", S::catalog},
    {M::GET, "/api/v1/categories", S::catalog},
    {M::POST, "/api/v1/categories", S::catalog},
    {M::GET, "/api/v1/categories/{id}", S::catalog},
    {M::PATCH, "/api/v1/categories/{id}", S::catalog},
    {M::DELETE, "/api/v1/categories/{id}", S::catalog},
    {M::GET, "/api/v2/products", S::catalog},
    {M::GET, "/api/v1/audit", S::catalog},

    {M::POST, "/api/v1/auth/login", S::identity},
    {M::POST, "/api/v1/auth/refresh", S::identity},
    {M::POST, "/api/v1/auth/logout", S::identity},
    {M::GET, "/api/v1/auth/me", S::identity},
    {M::GET, "/api/v1/users", S::identity},
    {M::POST, "/api/v1/users", S::identity},
    {M::PATCH, "/api/v1/users/{id}", S::identity},
    {M::DELETE, "/api/v1/users/{id}", S::identity},
    {M::GET, "/api/v1/.well-known/jwks.json", S::identity},
    {M::GET, "/.well-known/jwks.json", S::identity},  // RFC 8615: where JOSE tooling looks first
};

}  // namespace

std::span<const PublicRoute> public_routes() { return kRoutes; }

void add_routes(http::Router& router, Proxy& proxy, UpstreamGroup& catalog, UpstreamGroup& identity,
                GatewayCache* cache, http::Handler me) {
  for (const auto& r : kRoutes) {
    if (me && r.method == M::GET && r.path == "/api/v1/auth/me") {
      router.add(r.method, r.path, std::move(me));
      continue;
    }
    UpstreamGroup& group = r.service == S::catalog ? catalog : identity;
    if (r.streamed) {
      router.add(r.method, r.path, proxy.streaming_to(group));
      continue;
    }
    http::Handler relay = proxy.to(group);
    // Only the catalog marks answers public with the tags its writes publish; identity's
    // answers are about a caller and never shared.
    if (cache && r.service == S::catalog && r.method == M::GET) relay = cache->wrap(std::move(relay));
    router.add(r.method, r.path, std::move(relay));
  }
}

}  // namespace mercato::gateway
