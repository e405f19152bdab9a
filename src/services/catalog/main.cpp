// mercato-catalog: see docs/architecture.md#services. This file is the service's table of contents:
// configuration, schema, database, Redis, bus, cache, token check, reads through the cache,
// write use-cases, routes. Each component registers its own health check, start and stop (src/service/).
//
// Commands besides serving:
//   mercato-catalog seed --products N [...]   bulk-load demo products (see seed.hpp)
//   mercato-catalog sql [audit]               print every list statement (for the EXPLAIN tests)
#include <utility>

#include <cstdio>
#include <string>
#include <vector>

#include "core/bulkhead.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "http/app.hpp"
#include "services/catalog/catalog_config.hpp"
#include "service/bus.hpp"
#include "service/cache.hpp"
#include "service/database.hpp"
#include "service/read_replicas.hpp"
#include "service/redis.hpp"
#include "service/schema.hpp"
#include "service/token_check.hpp"
#include "service/tracing.hpp"
#include "services/catalog/audit_partitions.hpp"
#include "services/catalog/audit_repository.hpp"
#include "services/catalog/audit_routes.hpp"
#include "services/catalog/bulk_routes.hpp"
#include "services/catalog/bulk_service.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/export_routes.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/categories_service.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/import_routes.hpp"
#include "services/catalog/import_service.hpp"
#include "services/catalog/jobs.hpp"
#include "services/catalog/products_repository.hpp"
#include "services/catalog/products_service.hpp"
#include "services/catalog/read_your_writes.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/seed.hpp"

using namespace mercato;

namespace {

/// `sql`: the product and category list statements; `sql audit`: the audit trail's.
int print_statements(bool audit) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  auto lists = audit ? std::vector{catalog::audit_statements}
                     : std::vector{catalog::product_statements, catalog::category_statements};
  for (auto* list : lists)
    for (const auto& [name, sql] : list()) w.key(name).string(sql);
  w.end_object();
  std::printf("%s\n", out.c_str());
  return 0;
}

catalog::CursorSigner cursor_signer(const config::Settings& s) {
  if (!s.catalog_cursor_secret.empty()) return catalog::CursorSigner(s.catalog_cursor_secret);
  log::warn("CATALOG_CURSOR_SECRET is empty: v2 cursors are signed with a random per-process key, so a cursor "
            "from one instance is rejected by another (set the same secret on every instance)");
  return catalog::CursorSigner::random();
}

/// PostgreSQL sessions of the catalog's pools (the primary's and each replica's).
///
/// Generic plans: every list statement is prepared, and its custom plan cost more to make
/// (~0.3–0.45 ms per execution at 1M products) than to run (~0.5 ms), while PostgreSQL's
/// default kept re-planning because its generic cost estimate looked higher. The generic
/// plans are proven by tests/integration/test_catalog_explain.py; `q` searches, whose best
/// plan depends on the term, are sent unnamed and planned each time regardless.
config::DbSettings database_settings(const config::Settings& s) {
  config::DbSettings db = s.db;
  db.server_options = "-c plan_cache_mode=force_generic_plan";
  return db;
}

int seed(const config::Settings& settings, const service::Schema& schema, const std::vector<std::string>& args) {
  auto options = catalog::parse_seed_args({args.begin() + 1, args.end()});
  if (!options) http::fail_startup(options.error().message);
  if (!schema.ready()) http::fail_startup("seed: the database is unreachable");
  return catalog::run_seed(settings, *options);
}

}  // namespace

int main(int argc, char** argv) {
  http::App app("catalog", catalog::config_groups(), argc, argv);
  const config::Settings& settings = app.settings();
  const auto& args = app.args();
  if (!args.empty() && args.front() == "sql") return print_statements(args.size() > 1 && args[1] == "audit");

  service::Schema schema(settings.db, settings.migrations_dir, "catalog");
  if (!args.empty() && args.front() == "seed") return seed(settings, schema, args);
  service::Tracing tracing(app);  // OTEL_*: the tracer every request's trace begins with, and its exporter

  // Database: critical; /api/ answers 503 until the schema is migrated.
  const config::DbSettings db_settings = database_settings(settings);
  service::Database database(app, db_settings, schema);
  // Reads that miss the cache go to a replica whose lag is within DB_REPLICA_MAX_LAG and which
  // has replayed the client's last write (Mercato-Read-After), else to the primary; writes to
  // the primary (src/db/replicas.hpp, read_your_writes.hpp).
  service::ReadReplicas replicas(app, database, db_settings);

  // Cache: L1 in this process → Redis → the database (src/cache/tiered_cache.hpp). Redis is
  // not critical: the client fails fast while it is away and the cache reads around it. The
  // values live in CACHE_REDIS_* (bounded, volatile-lru), the invalidation bus in the main
  // Redis (noeviction, with the other services' counters); both may be the same server.
  service::Redis redis(app, settings.redis, "catalog");
  cache::RedisClient& cache_redis = redis.add(settings.cache_redis, "catalog-cache", "cache redis",
                                              "CACHE_REDIS_HOST/PORT, REDIS_USER/REDIS_PASSWORD");
  service::Bus bus(app, settings.redis, "catalog-bus");
  service::Cache cache(app, settings.cache, cache_redis, redis.client(), bus, replicas.fence_ttl());

  // Tokens: identity signs them, we verify with its published keys and its revocations. A
  // request without a token passes anonymously (public reads); writes check the role in
  // their handler.
  service::TokenCheck tokens(app, settings, bus);
  app.use(catalog::no_store_by_default());  // errors and writes: never kept by any cache
  app.use(tokens.authenticate());
  app.use(catalog::read_your_writes(replicas.set(), settings.db.replica_max_lag, settings.environment != "development"));

  // Reads go through the cache, which also hears of every committed write.
  catalog::ProductRepository products(replicas.set());
  catalog::CategoryRepository categories(replicas.set());
  const catalog::CursorSigner cursors = cursor_signer(settings);
  // Searches that reach PostgreSQL take turns (catalog_reads.hpp, DbCatalogReads).
  Bulkhead searches("search", {settings.search_max_concurrent, settings.search_max_waiting},
                    "too many searches at once; retry after the Retry-After delay");
  catalog::DbCatalogReads db_reads(products, categories, cursors, &searches);
  catalog::CachedCatalogReads cached_reads(db_reads, cache.tiered(), settings.cache, cursors.key_id(), &replicas.set());
  catalog::CatalogChanges no_cache;  // CACHE_ENABLED=false: nothing is cached, nothing to invalidate
  if (!settings.cache.enabled)
    log::warn("CACHE_ENABLED=false: every catalog read goes to PostgreSQL (meant for benchmarks and debugging)");
  catalog::CatalogReads& reads = settings.cache.enabled ? static_cast<catalog::CatalogReads&>(cached_reads) : db_reads;
  catalog::CatalogChanges& changes = settings.cache.enabled ? static_cast<catalog::CatalogChanges&>(cached_reads) : no_cache;

  // Writes: the use-cases run their transactions on the pool and invalidate through `changes`.
  catalog::DbProductTransactions product_transactions(database.pool(), products);
  catalog::DbCategoryTransactions category_transactions(database.pool());
  catalog::ProductsService product_writes(product_transactions, changes);
  catalog::CategoriesService category_writes(category_transactions, changes);
  // Bulk writes: chunks of BULK_CHUNK_SIZE, by ids in the request or by filter as a job that
  // this process's worker (or any instance's) claims from the jobs table.
  db::Pool job_pool(app.io(), catalog::job_pool_settings(db_settings), "catalog-jobs");
  catalog::BulkService bulk_writes(database.pool(), job_pool, changes,
                                   {static_cast<std::size_t>(settings.bulk_chunk_size), settings.jobs_max_attempts,
                                    settings.jobs_heartbeat_timeout});
  // CSV imports: parts staged on receipt, the import a job of the same worker (import_service.hpp).
  catalog::ImportService imports(database.pool(), job_pool, changes,
                                 {static_cast<std::size_t>(settings.import_chunk_size), settings.jobs_max_attempts,
                                  settings.import_retention, settings.import_currency});
  bulk_writes.add_kind("products.import", imports);
  catalog::JobWorker job_worker(app, bulk_writes, settings);

  // Routes: parse, authorize, call a use-case or CatalogReads, answer.
  // Public answers may be kept by shared caches only while the catalog publishes its writes'
  // invalidations (the cache on), which is what purges them (http_caching.hpp).
  const catalog::HttpCaching http_caching{settings.cache.enabled
                                              ? std::chrono::duration_cast<std::chrono::seconds>(settings.cache.http_max_age)
                                              : std::chrono::seconds(0)};
  catalog::CatalogContext ctx{reads, product_writes, category_writes, cursors, http_caching};
  catalog::install_product_routes(app.router(), ctx);
  catalog::install_category_routes(app.router(), ctx);

  // The audit trail: read by admins and editors (audit_trail.hpp), its monthly partitions
  // made ahead and, past AUDIT_RETENTION_MONTHS, dropped (audit_partitions.hpp).
  catalog::AuditRepository audit(replicas.set());
  catalog::install_audit_routes(app.router(), audit, cursors);
  catalog::AuditPartitions audit_partitions(app, database, settings.audit_retention_months);
  catalog::install_bulk_routes(app.router(), bulk_writes, static_cast<std::size_t>(settings.bulk_max_items));
  catalog::install_import_routes(app.router(), imports);

  // The CSV export of any list filter, streamed from keyset pages (export_service.hpp).
  catalog::ExportRepository export_rows(replicas.set());
  catalog::ProductExport exports(export_rows);
  catalog::install_export_routes(app.router(), exports);
  return app.run();
}
