#pragma once
// The gateway's own variables, and the list of every group the gateway reads.

#include "core/config.hpp"

namespace mercato::gateway {

/// PRODUCT_SERVICE_*, UPSTREAM_SOURCE_ADDRESS, RATE_LIMIT_*, CORS_ORIGINS, API_V*_SUNSET,
/// OPENAPI_PATH, COMPRESS_MIN_BYTES, GATEWAY_CACHE_* → Settings.
const config::Group& config_group();
/// What mercato-gateway validates at start and prints with --help, in load order.
config::Groups config_groups();

}  // namespace mercato::gateway
