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
    {"PRODUCT_SERVICE_SOCKET", K::string, "",
     "the catalog's HTTP_SOCKET when it runs on this host: reached over that Unix socket instead of TCP (one "
     "instance); empty: TCP"},
    // The services behind the gateway trust exactly this address (their TRUSTED_PROXIES), so
    // no other local process can speak for a client there.
    {"UPSTREAM_SOURCE_ADDRESS", K::string, "",
     "local IP address the gateway opens upstream connections from (empty: the kernel's choice)"},
    {"RATE_LIMIT_PER_MINUTE", K::integer, "100", "requests per client per minute at the gateway", {}, 1},
    {"RATE_LIMIT_ITEMS_PER_REQUEST", K::integer, "100",
     "a bulk write's products cost one request per this many, on top of the call itself (a write by filter: as "
     "1,000 products)",
     {}, 1, 100000},
    {"RATE_LIMIT_LOCAL_FALLBACK", K::integer, "1",
     "expected gateway instances: while Redis is unreachable each allows RATE_LIMIT_PER_MINUTE / this", {}, 1, 1000},
    {"CORS_ORIGINS", K::string_list, "http://localhost:3000,http://127.0.0.1:3000",
     "origins allowed to call the API from a browser, comma-separated; * for any"},
    {"API_V1_SUNSET", K::http_date, "",
     "HTTP-date when /api/v1 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},
    {"API_V2_SUNSET", K::http_date, "",
     "HTTP-date when /api/v2 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},
    {"GATEWAY_CACHE_MAX_BYTES", K::byte_size, "64MiB",
     "the gateway's response cache of the catalog's public answers (purged by the catalog's invalidation bus); 0 "
     "turns it off",
     {}, 0, 64 * kGiB},
    {"GATEWAY_CACHE_MAX_TTL", K::duration, "60s",
     "longest the gateway keeps a public answer, whatever its s-maxage says; 0 stores nothing", {}, 0, 24 * kHour},
    {"OPENAPI_PATH", K::string, "api/openapi.json", "the OpenAPI document the gateway serves at /api/openapi.json"},
    // Below ~1 KiB the gzip framing and the CPU buy little: one TCP segment either way.
    {"COMPRESS_MIN_BYTES", K::byte_size, "1KiB",
     "smallest JSON/text answer the gateway compresses (gzip or br, as the client accepts); 0 turns compression off",
     {}, 0, kGiB},
    {"PRINCIPAL_CACHE_MAX_BYTES", K::byte_size, "4MiB",
     "size of the gateway's copy of identity's GET /auth/me answers, by user; 0 turns it off", {}, 0, kGiB},
    {"PRINCIPAL_CACHE_TTL", K::duration, "60s",
     "lifetime of such a copy: a safety net only, every change to the user drops it at once", {}, kSecond, kHour},
};

void load(config::Reader& r, config::Settings& s) {
  s.product_service = r.upstream("PRODUCT_SERVICE_HOST", "PRODUCT_SERVICE_PORT");
  r.upstream_socket(s.product_service, "PRODUCT_SERVICE_SOCKET", "PRODUCT_SERVICE_HOST");
  s.upstream_source_address = r.optional_ip("UPSTREAM_SOURCE_ADDRESS");
  s.rate_limit_per_minute = r.integer("RATE_LIMIT_PER_MINUTE");
  s.rate_limit_local_fallback = r.integer("RATE_LIMIT_LOCAL_FALLBACK");
  s.rate_limit_items_per_request = r.integer("RATE_LIMIT_ITEMS_PER_REQUEST");
  s.cors_origins = r.origin_list("CORS_ORIGINS");
  s.api_v1_sunset = r.http_date("API_V1_SUNSET");
  s.api_v2_sunset = r.http_date("API_V2_SUNSET");
  s.openapi_path = r.string("OPENAPI_PATH");
  s.compress_min_bytes = r.bytes("COMPRESS_MIN_BYTES");
  s.gateway_cache_max_bytes = r.bytes("GATEWAY_CACHE_MAX_BYTES");
  s.gateway_cache_max_ttl = r.duration("GATEWAY_CACHE_MAX_TTL");
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
