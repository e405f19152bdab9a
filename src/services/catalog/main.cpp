// mercato-catalog: see docs/architecture.md#services. This file is the service's table of contents:
// configuration, schema, database pool, cache, reads through the cache, routes, health.
//
// Commands besides serving:
//   mercato-catalog seed --products N [...]   bulk-load demo products (see seed.hpp)
//   mercato-catalog sql                       print every list statement (for the EXPLAIN tests)
#include <utility>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "auth/authenticate.hpp"
#include "auth/jwks_client.hpp"
#include "auth/revocation_feed.hpp"
#include "auth/verifier.hpp"
#include "cache/redis_client.hpp"
#include "cache/redis_login.hpp"
#include "cache/redis_subscriber.hpp"
#include "cache/tiered_cache.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "db/errors.hpp"
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "http/app.hpp"
#include "http/envelope.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/products_repository.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/seed.hpp"

using namespace mercato;
namespace asio = boost::asio;

namespace {

int print_statements() {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  for (auto* list : {catalog::product_statements, catalog::category_statements})
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

/// Applies the catalog's migrations. A database that is down at start does not stop the
/// service (it must answer /health/live, and readiness says "database": "down"): the
/// migrations are retried in the background until they apply. A broken migration stops it.
class Schema {
 public:
  explicit Schema(const config::Settings& s) : settings_(s), dir_(s.migrations_dir + "/catalog") {
    if (try_once()) return;
    retry_ = std::jthread([this](std::stop_token stop) {
      // Backs off from 1 s to 10 s, waking every 100 ms so a shutdown never waits on it.
      using ms = std::chrono::milliseconds;
      for (ms delay{1000}; !stop.stop_requested(); delay = std::min(delay * 2, ms{10000})) {
        for (ms slept{0}; slept < delay && !stop.stop_requested(); slept += ms{100})
          std::this_thread::sleep_for(ms{100});
        if (stop.stop_requested() || try_once()) return;
      }
    });
  }
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  bool try_once() {
    auto st = db::migrate(settings_.db, dir_);
    if (st) {
      ready_.store(true, std::memory_order_release);
      return true;
    }
    if (st.error().reason != db::reason::connection) http::fail_startup("catalog migrations: " + st.error().message);
    log::warn("database unreachable, migrations will be retried", {{"detail", st.error().message}});
    return false;
  }

  const config::Settings& settings_;
  std::string dir_;
  std::atomic<bool> ready_{false};
  std::jthread retry_;
};

}  // namespace

int main(int argc, char** argv) {
  http::App app("catalog", argc, argv);
  const config::Settings& settings = app.settings();
  const auto& args = app.args();
  if (!args.empty() && args.front() == "sql") return print_statements();

  Schema schema(settings);
  if (!args.empty() && args.front() == "seed") {
    auto options = catalog::parse_seed_args({args.begin() + 1, args.end()});
    if (!options) http::fail_startup(options.error().message);
    if (!schema.ready()) http::fail_startup("seed: the database is unreachable");
    return catalog::run_seed(settings, *options);
  }

  // Database: reads and writes both use the primary. Replicas (DB_REPLICA_HOSTS) lag, and a
  // client that just wrote must read its write; the cache takes the read load instead.
  //
  // Generic plans: every list statement is prepared, and its custom plan cost more to make
  // (~0.3–0.45 ms per execution at 1M products) than to run (~0.5 ms), while PostgreSQL's
  // default kept re-planning because its generic cost estimate looked higher. The generic
  // plans are proven by tests/integration/test_catalog_explain.py; `q` searches, whose best
  // plan depends on the term, are sent unnamed and planned each time regardless.
  config::DbSettings db_settings = settings.db;
  db_settings.server_options = "-c plan_cache_mode=force_generic_plan";
  db::Pool pool(app.io(), db_settings, "catalog");
  catalog::ProductRepository products(pool);
  catalog::CategoryRepository categories(pool);

  // Cache: L1 in this process → Redis → the database (src/cache/tiered_cache.hpp). Redis is
  // not critical: the client fails fast while it is away and the cache reads around it. The
  // values live in CACHE_REDIS_* (bounded, volatile-lru), the invalidation bus in the main
  // Redis (noeviction, with the other services' counters); both may be the same server.
  if (auto login = cache::check_login(settings.redis, "REDIS_USER/REDIS_PASSWORD"); !login)
    http::fail_startup(login.error().message);
  if (!(settings.cache_redis == settings.redis)) {
    if (auto login = cache::check_login(settings.cache_redis, "CACHE_REDIS_HOST/PORT, REDIS_USER/REDIS_PASSWORD");
        !login)
      http::fail_startup(login.error().message);
  }
  cache::RedisClient redis(app.io(), settings.redis, "catalog");
  cache::RedisClient cache_redis(app.io(), settings.cache_redis, "catalog-cache");
  cache::RedisSubscriber bus(app.io(), settings.redis, "catalog-bus");
  cache::TieredCache tiered(app.io(), cache::TieredOptions::from(settings.cache), &cache_redis, &redis, &bus);
  tiered.start();  // subscribes: before the subscriber connects
  // Revoked tokens: identity's (user, not-before) from the same bus, and identity's own list
  // at start and whenever the bus may have missed one (src/auth/revocation_feed.hpp).
  auto revoked = std::make_shared<auth::RevocationList>();
  auto revocations = auth::RevocationFeed::create(app.io(), auth::RevocationFeed::options_from(settings), revoked);
  revocations->bus_state([&bus] { return bus.connected(); });
  bus.subscribe(std::string(auth::kRevocationChannel),
                [revocations](std::string_view, std::string_view m) { revocations->on_message(m); });
  bus.on_reconnect([revocations] { revocations->on_bus_reconnect(); });
  revocations->start();
  redis.start();
  cache_redis.start();
  bus.start();
  app.on_stop([&] {
    revocations->stop();
    tiered.stop();
    bus.stop();
    cache_redis.stop();
    redis.stop();
  });

  // Reads go through the cache, which also hears of every committed write.
  const catalog::CursorSigner cursors = cursor_signer(settings);
  catalog::DbCatalogReads db_reads(products, categories, cursors);
  catalog::CachedCatalogReads cached_reads(db_reads, tiered, settings.cache, cursors.key_id());
  catalog::CatalogChanges no_cache;  // CACHE_ENABLED=false: nothing is cached, nothing to invalidate
  if (!settings.cache.enabled)
    log::warn("CACHE_ENABLED=false: every catalog read goes to PostgreSQL (meant for benchmarks and debugging)");
  catalog::CatalogReads& reads = settings.cache.enabled ? static_cast<catalog::CatalogReads&>(cached_reads) : db_reads;
  catalog::CatalogChanges& changes = settings.cache.enabled ? static_cast<catalog::CatalogChanges&>(cached_reads) : no_cache;

  // Tokens: identity signs them, we verify with its published keys. A request without a
  // token passes anonymously (public reads); writes check the role in their handler.
  auto jwks = auth::JwksClient::create(app.io(), auth::JwksClient::options_from(settings));
  jwks->start();
  auto verifier = std::make_shared<auth::TokenVerifier>(jwks, auth::VerifyOptions::from(settings));
  verifier->use_revocations(revoked);
  app.use(auth::authenticate(verifier));
  app.on_stop([jwks] { jwks->stop(); });

  catalog::CatalogContext ctx{pool, products, categories, reads, changes, cursors};
  app.use([&schema](http::Request& req, const http::Next& next) -> asio::awaitable<http::Response> {
    if (!schema.ready() && req.path().starts_with("/api/"))
      co_return http::error_response(unavailable("catalog database is not ready"));
    co_return co_await next(req);
  });
  catalog::install_product_routes(app.router(), ctx);
  catalog::install_category_routes(app.router(), ctx);

  // Health: the database is critical; Redis is not (the service answers without it).
  app.health().add("database", true, [&pool, &schema]() -> asio::awaitable<http::CheckOutcome> {
    if (!schema.ready()) co_return http::CheckOutcome{false, {}, "migrations not applied yet"};
    auto rtt = co_await pool.ping(std::chrono::seconds(2));
    if (!rtt) co_return http::CheckOutcome{false, {}, rtt.error().message};
    co_return http::CheckOutcome{true, *rtt, {}};
  });
  // One check for both Redis roles: either one away degrades the cache the same way.
  app.health().add("redis", false, [&redis, &cache_redis]() -> asio::awaitable<http::CheckOutcome> {
    auto rtt = co_await redis.ping(std::chrono::seconds(1));
    if (!rtt) co_return http::CheckOutcome{false, {}, rtt.error().message};
    auto cache_rtt = co_await cache_redis.ping(std::chrono::seconds(1));
    if (!cache_rtt) co_return http::CheckOutcome{false, {}, "cache redis: " + cache_rtt.error().message};
    co_return http::CheckOutcome{true, std::max(*rtt, *cache_rtt), {}};
  });
  return app.run();
}
