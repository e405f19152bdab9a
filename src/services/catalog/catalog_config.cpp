#include "services/catalog/catalog_config.hpp"

#include "services/catalog/bulk_config.hpp"

#include "auth/auth_config.hpp"
#include "cache/redis_config.hpp"
#include "cache/tiered_cache_config.hpp"
#include "db/db_config.hpp"
#include "db/replica_config.hpp"
#include "http/http_config.hpp"
#include "trace/tracing_config.hpp"

namespace mercato::catalog {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"CACHE_ENABLED", K::boolean, "true",
     "false sends every read straight to PostgreSQL (no L1, no Redis cache, no single flight): for honest uncached "
     "benchmarks and for ruling the cache out while debugging"},
    {"CACHE_TTL_PRODUCT_DETAIL", K::duration, "1h", "cache lifetime of one product", {}, 0, 1000 * kHour},
    {"CACHE_TTL_PRODUCT_LIST", K::duration, "5m", "cache lifetime of a product list page", {}, 0, 1000 * kHour},
    {"CACHE_TTL_CATEGORY_LIST", K::duration, "24h", "cache lifetime of the category list", {}, 0, 1000 * kHour},
    {"CACHE_HTTP_MAX_AGE", K::duration, "60s",
     "s-maxage of the public's GET answers, for the gateway's response cache and a CDN (purged by Cache-Tag on every "
     "write); 0 marks every answer private",
     {}, 0, 24 * kHour},
    {"CATALOG_CURSOR_SECRET", K::string, "",
     "key signing v2 list cursors; every catalog instance must share it (empty: random per process, development only)"},
    {"SEARCH_MAX_CONCURRENT", K::integer, "8",
     "uncached `q` searches one catalog runs in PostgreSQL at once; more wait in line, so a burst of searches cannot "
     "take every pooled connection from the cheap reads (docs/architecture.md, Search); 0: no bound",
     {}, 0, 1000},
    {"SEARCH_MAX_WAITING", K::integer, "256",
     "searches waiting for their turn (at most their request's deadline); one more is refused at once with 503 and "
     "Retry-After",
     {}, 0, 100000},
    {"AUDIT_RETENTION_MONTHS", K::integer, "0",
     "months of audit trail kept: older months' partitions are dropped at start and daily (a row goes in the month "
     "after it turns this old); 0 keeps every row forever",
     {}, 0, 1200},
};

constexpr std::string_view kAfter[] = {"core"};  // ENVIRONMENT, for the production rule

void load(config::Reader& r, config::Settings& s) {
  s.cache.enabled = r.boolean("CACHE_ENABLED");
  s.cache.ttl_product_detail = r.duration("CACHE_TTL_PRODUCT_DETAIL");
  s.cache.ttl_product_list = r.duration("CACHE_TTL_PRODUCT_LIST");
  s.cache.ttl_category_list = r.duration("CACHE_TTL_CATEGORY_LIST");
  s.cache.http_max_age = r.duration("CACHE_HTTP_MAX_AGE");
  s.catalog_cursor_secret = r.string("CATALOG_CURSOR_SECRET");
  s.search_max_concurrent = r.integer("SEARCH_MAX_CONCURRENT");  // catalog_reads.hpp
  s.search_max_waiting = r.integer("SEARCH_MAX_WAITING");
  s.audit_retention_months = r.integer("AUDIT_RETENTION_MONTHS");  // audit_partitions.hpp
  r.require_in_production(s, "CATALOG_CURSOR_SECRET", s.catalog_cursor_secret, "the key signing v2 list cursors");
}

constexpr config::Group kGroup{"catalog", "src/services/catalog/catalog_config.cpp", kVars, load, {}, kAfter};

}  // namespace

const config::Group& config_group() { return kGroup; }

config::Groups config_groups() {
  return {&config::core_group(),       &http::server_config(),          &http::request_timeout_config(),
          &db::config_group(),         &db::replica_config(),           &cache::redis_config(),          &cache::cache_redis_config(),
          &cache::tiered_cache_config(), &auth::identity_client_config(), &auth::verify_config(),
          &config_group(),             &bulk_config(),                  &trace::tracing_config()};
}

}  // namespace mercato::catalog
