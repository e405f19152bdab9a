#include "services/gateway/gateway_config.hpp"

#include "auth/auth_config.hpp"
#include "cache/redis_config.hpp"
#include "http/http_config.hpp"
#include "services/gateway/ops_config.hpp"
#include "trace/tracing_config.hpp"

namespace mercato::gateway {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"PRODUCT_SERVICE_HOST", K::string, "127.0.0.1",
     "catalog service host, or host:port,host:port for several instances (then PRODUCT_SERVICE_PORT is ignored)"},
    {"PRODUCT_SERVICE_PORT", K::port, "8081", "catalog service port"},
    // The services behind the gateway trust exactly this address (their TRUSTED_PROXIES), so
    // no other local process can speak for a client there.
    {"UPSTREAM_SOURCE_ADDRESS", K::string, "",
     "local IP address the gateway opens upstream connections from (empty: the kernel's choice)"},
    {"RATE_LIMIT_PER_MINUTE", K::integer, "100", "requests per client per minute at the gateway", {}, 1},
    {"RATE_LIMIT_LOCAL_FALLBACK", K::integer, "1",
     "expected gateway instances: while Redis is unreachable each allows RATE_LIMIT_PER_MINUTE / this", {}, 1, 1000},
    {"CORS_ORIGINS", K::string_list, "http://localhost:3000,http://127.0.0.1:3000",
     "origins allowed to call the API from a browser, comma-separated; * for any"},
    {"API_V1_SUNSET", K::http_date, "",
     "HTTP-date when /api/v1 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},
    {"API_V2_SUNSET", K::http_date, "",
     "HTTP-date when /api/v2 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},
    {"OPENAPI_PATH", K::string, "api/openapi.json", "the OpenAPI document the gateway serves at /api/openapi.json"},
    {"PRINCIPAL_CACHE_MAX_BYTES", K::byte_size, "4MiB",
     "size of the gateway's copy of identity's GET /auth/me answers, by user; 0 turns it off", {}, 0, kGiB},
    {"PRINCIPAL_CACHE_TTL", K::duration, "60s",
     "lifetime of such a copy: a safety net only, every change to the user drops it at once", {}, kSecond, kHour},
};

void load(config::Reader& r, config::Settings& s) {
  s.product_service = r.upstream("PRODUCT_SERVICE_HOST", "PRODUCT_SERVICE_PORT");
  s.upstream_source_address = r.optional_ip("UPSTREAM_SOURCE_ADDRESS");
  s.rate_limit_per_minute = r.integer("RATE_LIMIT_PER_MINUTE");
  s.rate_limit_local_fallback = r.integer("RATE_LIMIT_LOCAL_FALLBACK");
  s.cors_origins = r.origin_list("CORS_ORIGINS");
  s.api_v1_sunset = r.http_date("API_V1_SUNSET");
  s.api_v2_sunset = r.http_date("API_V2_SUNSET");
  s.openapi_path = r.string("OPENAPI_PATH");
  s.principal_cache_max_bytes = r.bytes("PRINCIPAL_CACHE_MAX_BYTES");
  s.principal_cache_ttl = r.duration("PRINCIPAL_CACHE_TTL");
}

constexpr config::Group kGroup{"gateway", "src/services/gateway/gateway_config.cpp", kVars, load};

}  // namespace

const config::Group& config_group() { return kGroup; }

config::Groups config_groups() {
  return {&config::core_group(),          &http::server_config(), &cache::redis_config(),
          &auth::identity_client_config(), &auth::verify_config(), &config_group(),
          &ops_config(),                   &trace::tracing_config()};
}

}  // namespace mercato::gateway
