#pragma once
// The public API as the gateway serves it: every path template and method of the contract
// (docs/architecture.md#public-api) and the service that answers it, in one table in routes.cpp.

#include <span>
#include <string_view>

#include "http/router.hpp"
#include "services/gateway/gateway_cache.hpp"
#include "services/gateway/proxy.hpp"

namespace mercato::gateway {

enum class Service { catalog, identity };

struct PublicRoute {
  http::Method method;
  std::string_view path;  // router template; "{id}" takes any segment, so the service judges ids
  Service service;
  /// The answer is a streamed body (a CSV export): relayed a piece at a time as it comes
  /// (Proxy::forward_streamed), never cached or compressed by the gateway.
  bool streamed = false;
};

std::span<const PublicRoute> public_routes();

/// Registers every public route with `router`, each relaying to its service's group. Paths
/// outside the table get the router's 404 envelope from the gateway itself, and a method
/// the table does not list at a known path its 405. With `cache`, the catalog's GET routes
/// go through it (gateway_cache.hpp); `me`, when given, answers GET /api/v1/auth/me instead
/// of the plain relay (me_route.hpp).
void add_routes(http::Router& router, Proxy& proxy, UpstreamGroup& catalog, UpstreamGroup& identity,
                GatewayCache* cache = nullptr, http::Handler me = {});

}  // namespace mercato::gateway
