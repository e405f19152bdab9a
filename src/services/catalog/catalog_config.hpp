#pragma once
// The catalog's own variables (what it caches for how long, its cursor key), and the list of
// every group the catalog reads.

#include "core/config.hpp"

namespace mercato::catalog {

/// CACHE_ENABLED, CACHE_TTL_PRODUCT_*, CACHE_TTL_CATEGORY_LIST, CATALOG_CURSOR_SECRET,
/// SEARCH_MAX_CONCURRENT, SEARCH_MAX_WAITING, AUDIT_RETENTION_MONTHS → Settings::cache,
/// catalog_cursor_secret, search_max_concurrent, search_max_waiting, audit_retention_months; in
/// production, CATALOG_CURSOR_SECRET.
const config::Group& config_group();
/// What mercato-catalog validates at start and prints with --help, in load order.
config::Groups config_groups();

}  // namespace mercato::catalog
