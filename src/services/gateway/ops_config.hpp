#pragma once
// The operations view's one variable, PROMETHEUS_URL: where the gateway reads the stack's
// metrics for the admins' operations endpoints (services/gateway/ops_routes.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::gateway {

/// Where Prometheus' HTTP API is: plain HTTP (the stack runs it on loopback), with an optional
/// path prefix for a Prometheus started with --web.route-prefix behind a proxy.
struct PrometheusEndpoint {
  config::HostPort address;
  std::string path_prefix;  // "" or "/prefix" without a trailing slash
};

/// "http://host[:port][/prefix]" → the endpoint (port 80 when absent); "" → nullopt (the
/// operations view is off). Anything else is an Error naming what is wrong: another scheme
/// (the client speaks plain HTTP only), user info, a query or fragment, a bad port.
Result<std::optional<PrometheusEndpoint>> parse_prometheus_url(std::string_view text);

/// PROMETHEUS_URL → Settings::prometheus_url (validated with parse_prometheus_url).
const config::Group& ops_config();

}  // namespace mercato::gateway
