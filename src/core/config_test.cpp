#include "core/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

namespace mercato::config {
namespace {

using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

Result<Settings> load_with(std::string_view service, const Env& env) {
  return load(service, [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

std::string error_of(const Env& env, std::string_view service = "catalog") {
  auto r = load_with(service, env);
  if (r.ok()) return "(loaded)";
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  return r.error().message;
}

// ---- the table ----

TEST(ConfigTable, declares_every_contract_variable_once_with_a_doc) {
  std::set<std::string_view> names;
  for (const auto& v : all_vars()) {
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate " << v.name;
    EXPECT_FALSE(v.doc.empty()) << v.name;
    if (v.kind == Kind::choice) {
      EXPECT_FALSE(v.choices.empty()) << v.name;
    }
  }
  for (const char* n :
       {"ENVIRONMENT", "LOG_LEVEL", "HTTP_HOST", "HTTP_PORT", "HTTP_WORKERS", "HTTP_MAX_BODY", "HTTP_MAX_HEADER",
        "HTTP_MAX_CONNECTIONS", "HTTP_READ_TIMEOUT", "HTTP_IDLE_TIMEOUT", "SHUTDOWN_TIMEOUT", "DB_HOST", "DB_PORT",
        "DB_USER", "DB_PASSWORD", "DB_NAME", "DB_SSLMODE", "DB_MAX_OPEN_CONNS", "DB_MAX_IDLE_CONNS",
        "DB_CONN_MAX_LIFETIME", "DB_CONNECT_TIMEOUT", "DB_QUERY_TIMEOUT", "DB_REPLICA_HOSTS", "REDIS_HOST",
        "REDIS_PORT", "REDIS_USER", "REDIS_PASSWORD", "CACHE_REDIS_HOST", "CACHE_REDIS_PORT", "REDIS_DB", "REDIS_POOL_SIZE", "REDIS_MIN_IDLE_CONNS", "REDIS_MAX_CONN_AGE",
        "REDIS_COMMAND_TIMEOUT", "REDIS_CONNECT_TIMEOUT", "PRODUCT_SERVICE_HOST", "PRODUCT_SERVICE_PORT",
        "USER_SERVICE_HOST", "USER_SERVICE_PORT", "UPSTREAM_TIMEOUT", "CACHE_TTL_PRODUCT_DETAIL",
        "CACHE_TTL_PRODUCT_LIST", "CACHE_TTL_CATEGORY_LIST", "CACHE_TTL_USER_DATA", "CACHE_L1_MAX_BYTES",
        "CACHE_ENABLED",         "RATE_LIMIT_PER_MINUTE", "CORS_ORIGINS", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ACCESS_TTL", "JWT_REFRESH_TTL",
        "JWT_KEYS_DIR", "MIGRATIONS_DIR", "OPENAPI_PATH", "CATALOG_CURSOR_SECRET", "TRUSTED_PROXIES", "API_V1_SUNSET",
        "API_V2_SUNSET", "UPSTREAM_SOURCE_ADDRESS", "DB_SSLMODE_INSECURE_OK"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST(ConfigTable, defaults_load_for_every_service) {
  for (const char* svc : {"gateway", "catalog", "identity", "migrate"}) {
    auto r = load_with(svc, {});
    EXPECT_TRUE(r.ok()) << svc << ": " << r.error().message;
  }
}

// ---- defaults ----

TEST(ConfigDefaults, match_the_contract) {
  auto r = load_with("catalog", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Settings& s = *r;
  EXPECT_EQ(s.service, "catalog");
  EXPECT_EQ(s.environment, "development");
  EXPECT_EQ(s.log_level, log::Level::info);
  EXPECT_EQ(s.http.host, "127.0.0.1");
  EXPECT_EQ(s.http.port, 8081);
  EXPECT_EQ(s.http.workers, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(s.http.max_body, 1024u * 1024);
  EXPECT_EQ(s.http.max_header, 16u * 1024);
  EXPECT_EQ(s.http.max_connections, 10000);
  EXPECT_EQ(s.http.max_connections_per_address, 256);
  EXPECT_EQ(s.http.request_start_timeout, 5s);
  EXPECT_EQ(s.http.metrics_host, "127.0.0.1");
  EXPECT_EQ(s.http.metrics_port, 9081);
  EXPECT_EQ(s.http.read_timeout, 10s);
  EXPECT_EQ(s.http.idle_timeout, 60s);
  EXPECT_EQ(s.http.shutdown_timeout, 10s);
  EXPECT_TRUE(s.cache.enabled);
  EXPECT_EQ(s.db.host, "127.0.0.1");
  EXPECT_EQ(s.db.port, 15432);
  EXPECT_EQ(s.db.user, "postgres");
  EXPECT_EQ(s.db.password, "");
  EXPECT_EQ(s.db.name, "mercato_catalog");
  EXPECT_EQ(s.db.sslmode, "prefer");
  EXPECT_EQ(s.db.max_open_conns, 25);
  EXPECT_EQ(s.db.max_idle_conns, 25);
  EXPECT_EQ(s.db.conn_max_lifetime, 15min);
  EXPECT_EQ(s.db.connect_timeout, 3s);
  EXPECT_EQ(s.db.query_timeout, 5s);
  EXPECT_TRUE(s.db.replicas.empty());
  EXPECT_EQ(s.redis.host, "127.0.0.1");
  EXPECT_EQ(s.redis.port, 16379);
  EXPECT_EQ(s.redis.user, "");  // the default user
  EXPECT_EQ(s.redis.password, "");
  EXPECT_EQ(s.redis.db, 0);
  EXPECT_EQ(s.redis.pool_size, 100);
  EXPECT_EQ(s.redis.min_idle_conns, 10);
  EXPECT_EQ(s.redis.max_conn_age, 30min);
  EXPECT_EQ(s.redis.command_timeout, 500ms);
  EXPECT_EQ(s.redis.connect_timeout, 1s);
  EXPECT_EQ(s.cache_redis, s.redis);  // one Redis unless CACHE_REDIS_* say otherwise
  EXPECT_EQ(s.product_service, (std::vector<HostPort>{{"127.0.0.1", 8081}}));
  EXPECT_EQ(s.user_service, (std::vector<HostPort>{{"127.0.0.1", 8082}}));
  EXPECT_EQ(s.upstream_timeout, 5s);
  EXPECT_EQ(s.request_timeout, 30s);
  EXPECT_EQ(s.cache.ttl_product_detail, 1h);
  EXPECT_EQ(s.cache.ttl_product_list, 5min);
  EXPECT_EQ(s.cache.ttl_category_list, 24h);
  EXPECT_EQ(s.cache.ttl_user_data, 15min);
  EXPECT_EQ(s.cache.l1_max_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(s.rate_limit_per_minute, 100);
  EXPECT_EQ(s.rate_limit_local_fallback, 1);
  EXPECT_EQ(s.cors_origins, (std::vector<std::string>{"http://localhost:3000", "http://127.0.0.1:3000"}));
  EXPECT_EQ(s.jwt_issuer, "mercato-identity");
  EXPECT_EQ(s.jwt_audience, "mercato");
  EXPECT_EQ(s.jwt_access_ttl, 15min);
  EXPECT_EQ(s.jwt_refresh_ttl, 720h);
  EXPECT_EQ(s.jwt_keys_dir, ".var/keys");
  EXPECT_EQ(s.migrations_dir, "migrations");
  EXPECT_EQ(s.openapi_path, "api/openapi.json");
  EXPECT_EQ(s.catalog_cursor_secret, "");  // random per process unless set
  EXPECT_EQ(s.trusted_proxies, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(s.api_v1_sunset, "");
  EXPECT_EQ(s.api_v2_sunset, "");
}

TEST(ConfigDefaults, the_gateway_trusts_no_forwarded_for_unless_told) {
  auto r = load_with("gateway", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->trusted_proxies.empty());
}

TEST(ConfigDefaults, upstream_connections_leave_their_source_address_to_the_kernel_unless_told) {
  auto r = load_with("gateway", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->upstream_source_address, "");
}

TEST(ConfigValues, upstream_source_address_is_one_ip_address_in_canonical_form) {
  for (const auto& [given, kept] : std::vector<std::pair<std::string, std::string>>{
           {"127.0.0.4", "127.0.0.4"}, {" 10.0.0.9 ", "10.0.0.9"}, {"2001:DB8:0::4", "2001:db8::4"}}) {
    auto r = load_with("gateway", {{"UPSTREAM_SOURCE_ADDRESS", given}});
    ASSERT_TRUE(r.ok()) << given << ": " << r.error().message;
    EXPECT_EQ(r->upstream_source_address, kept) << given;
  }
}

TEST(ConfigDefaults, port_and_database_depend_on_the_service) {
  const std::map<std::string, std::pair<int, std::string>> expected = {
      {"gateway", {8080, "mercato"}},
      {"catalog", {8081, "mercato_catalog"}},
      {"identity", {8082, "mercato_identity"}},
      {"other", {8080, "mercato"}},
  };
  for (const auto& [svc, want] : expected) {
    auto r = load_with(svc, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->http.port, want.first) << svc;
    EXPECT_EQ(r->db.name, want.second) << svc;
  }
}

TEST(ConfigDefaults, empty_variable_takes_the_default) {
  auto r = load_with("identity", {{"HTTP_PORT", ""}, {"LOG_LEVEL", ""}, {"DB_REPLICA_HOSTS", ""}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->http.port, 8082);
  EXPECT_EQ(r->log_level, log::Level::info);
  EXPECT_TRUE(r->db.replicas.empty());
}

// ---- values that are set ----

TEST(ConfigValues, set_values_are_parsed) {
  auto r = load_with("gateway", {{"ENVIRONMENT", "production"},
                                 {"LOG_LEVEL", "warning"},
                                 {"HTTP_PORT", "18080"},
                                 {"HTTP_WORKERS", "3"},
                                 {"HTTP_MAX_BODY", "512KiB"},
                                 {"HTTP_READ_TIMEOUT", "1m30s"},
                                 {"DB_PASSWORD", "s3cret"},
                                 {"DB_SSLMODE", "verify-full"},
                                 {"DB_REPLICA_HOSTS", "r1:25433, r2:25434"},
                                 {"REDIS_DB", "15"},
                                 {"REDIS_USER", "mercato-gateway"},
                                 {"REDIS_PASSWORD", "r3dis"},
                                 {"RATE_LIMIT_PER_MINUTE", "1000"},
                                 {"CORS_ORIGINS", " https://shop.example , http://localhost:13000 ,"},
                                 {"CACHE_L1_MAX_BYTES", "0"},
                                 {"CACHE_ENABLED", "false"},
                                 {"TRUSTED_PROXIES", " 10.0.0.1, 0:0:0::1 "},
                                 {"REQUEST_TIMEOUT", "750ms"},
                                 {"API_V1_SUNSET", "Wed, 31 Dec 2025 23:59:59 GMT"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->environment, "production");
  EXPECT_EQ(r->log_level, log::Level::warn);
  EXPECT_EQ(r->http.port, 18080);
  EXPECT_EQ(r->http.workers, 3);
  EXPECT_EQ(r->http.max_body, 512u * 1024);
  EXPECT_EQ(r->http.read_timeout, 90s);
  EXPECT_EQ(r->db.password, "s3cret");
  EXPECT_EQ(r->db.sslmode, "verify-full");
  EXPECT_EQ(r->db.replicas, (std::vector<HostPort>{{"r1", 25433}, {"r2", 25434}}));
  EXPECT_EQ(r->redis.db, 15);
  EXPECT_EQ(r->redis.user, "mercato-gateway");
  EXPECT_EQ(r->redis.password, "r3dis");
  EXPECT_EQ(r->rate_limit_per_minute, 1000);
  EXPECT_EQ(r->cors_origins, (std::vector<std::string>{"https://shop.example", "http://localhost:13000"}));
  EXPECT_EQ(r->cache.l1_max_bytes, 0u);
  EXPECT_FALSE(r->cache.enabled);
  EXPECT_EQ(r->trusted_proxies, (std::vector<std::string>{"10.0.0.1", "::1"}));
  EXPECT_EQ(r->request_timeout, 750ms);
  EXPECT_EQ(r->api_v1_sunset, "Wed, 31 Dec 2025 23:59:59 GMT");
  EXPECT_EQ(r->api_v2_sunset, "");
}

TEST(ConfigValues, cache_redis_defaults_to_the_main_redis_and_keeps_its_login) {
  auto same = load_with("catalog", {{"REDIS_HOST", "redis.internal"}, {"REDIS_PORT", "7000"}, {"REDIS_USER", "u"},
                                    {"REDIS_PASSWORD", "p"}, {"CACHE_REDIS_HOST", ""}});
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(same->cache_redis.host, "redis.internal");
  EXPECT_EQ(same->cache_redis.port, 7000);
  auto split = load_with("catalog", {{"REDIS_PORT", "7000"}, {"REDIS_USER", "u"}, {"REDIS_PASSWORD", "p"},
                                     {"CACHE_REDIS_HOST", "cache.internal"}, {"CACHE_REDIS_PORT", "7001"}});
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_EQ(split->cache_redis.host, "cache.internal");
  EXPECT_EQ(split->cache_redis.port, 7001);
  EXPECT_EQ(split->cache_redis.user, "u");
  EXPECT_EQ(split->cache_redis.password, "p");
  EXPECT_EQ(split->redis.port, 7000);
  auto port_only = load_with("catalog", {{"CACHE_REDIS_PORT", "7001"}});
  ASSERT_TRUE(port_only.ok()) << port_only.error().message;
  EXPECT_EQ(port_only->cache_redis.host, "127.0.0.1");
  EXPECT_EQ(port_only->cache_redis.port, 7001);
}

TEST(ConfigValues, upstream_host_alone_uses_the_port_variable) {
  auto r = load_with("gateway", {{"PRODUCT_SERVICE_HOST", "catalog.internal"}, {"PRODUCT_SERVICE_PORT", "9000"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->product_service, (std::vector<HostPort>{{"catalog.internal", 9000}}));
}

TEST(ConfigValues, upstream_host_list_ignores_the_port_variable) {
  auto r = load_with("gateway", {{"PRODUCT_SERVICE_HOST", "h1:18081,h2:28081"},
                                 {"PRODUCT_SERVICE_PORT", "9000"},
                                 {"USER_SERVICE_HOST", "[::1]"},
                                 {"USER_SERVICE_PORT", "9001"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->product_service, (std::vector<HostPort>{{"h1", 18081}, {"h2", 28081}}));
  EXPECT_EQ(r->user_service, (std::vector<HostPort>{{"::1", 9001}}));
}

TEST(ConfigValues, idle_connection_default_follows_a_lowered_maximum) {
  auto r = load_with("catalog", {{"DB_MAX_OPEN_CONNS", "10"}, {"REDIS_POOL_SIZE", "4"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->db.max_idle_conns, 10);
  EXPECT_EQ(r->redis.min_idle_conns, 4);
  auto small = load_with("catalog", {{"HTTP_MAX_CONNECTIONS", "100"}});
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->http.max_connections_per_address, 100);
}

TEST(ConfigValues, choices_are_case_insensitive_and_stored_canonically) {
  auto r = load_with("catalog", {{"ENVIRONMENT", "Test"}, {"DB_SSLMODE", "DISABLE"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->environment, "test");
  EXPECT_EQ(r->db.sslmode, "disable");
}

// ---- production: secrets and a verified TLS connection are required ----

// What a catalog needs to start in production; each test takes one thing away.
Env production_catalog() {
  return {{"ENVIRONMENT", "production"},
          {"CATALOG_CURSOR_SECRET", "cursor-secret"},
          {"DB_PASSWORD", "db-secret"},
          {"REDIS_PASSWORD", "redis-secret"},
          {"DB_SSLMODE", "verify-full"}};
}

Env without(Env env, const std::string& name) {
  env.erase(name);
  return env;
}

Env with(Env env, const std::string& name, const std::string& value) {
  env[name] = value;
  return env;
}

TEST(ConfigProduction, a_complete_production_setting_loads) {
  auto r = load_with("catalog", production_catalog());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->environment, "production");
  EXPECT_FALSE(r->db.sslmode_insecure_ok);
}

TEST(ConfigProduction, refuses_to_start_without_each_secret) {
  const std::pair<const char*, const char*> cases[] = {
      {"CATALOG_CURSOR_SECRET",
       "config: CATALOG_CURSOR_SECRET is empty: ENVIRONMENT=production requires it (the key signing v2 list cursors)"},
      {"DB_PASSWORD", "config: DB_PASSWORD is empty: ENVIRONMENT=production requires it (the PostgreSQL password)"},
      {"REDIS_PASSWORD", "config: REDIS_PASSWORD is empty: ENVIRONMENT=production requires it (the Redis password)"},
  };
  for (const auto& [name, message] : cases) {
    EXPECT_EQ(error_of(without(production_catalog(), name)), message) << name;
    // Set but empty is the same as unset.
    EXPECT_EQ(error_of(with(production_catalog(), name, "")), message) << name;
  }
}

TEST(ConfigProduction, each_service_needs_only_the_secrets_it_uses) {
  // The gateway has no database and signs no cursors; identity signs no cursors.
  auto gateway = load_with("gateway", {{"ENVIRONMENT", "production"}, {"REDIS_PASSWORD", "r"}});
  EXPECT_TRUE(gateway.ok()) << gateway.error().message;
  EXPECT_EQ(error_of({{"ENVIRONMENT", "production"}}, "gateway"),
            "config: REDIS_PASSWORD is empty: ENVIRONMENT=production requires it (the Redis password)");
  auto identity = load_with("identity", without(production_catalog(), "CATALOG_CURSOR_SECRET"));
  EXPECT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(error_of(without(production_catalog(), "DB_PASSWORD"), "identity"),
            "config: DB_PASSWORD is empty: ENVIRONMENT=production requires it (the PostgreSQL password)");
}

TEST(ConfigProduction, refuses_a_db_sslmode_weaker_than_verify_full) {
  // prefer is also the default: production must say verify-full (or opt out) explicitly.
  EXPECT_EQ(error_of(without(production_catalog(), "DB_SSLMODE")),
            R"(config: DB_SSLMODE="prefer": ENVIRONMENT=production requires verify-full )"
            R"((or DB_SSLMODE_INSECURE_OK=true to accept a weaker mode knowingly))");
  for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca"}) {
    EXPECT_EQ(error_of(with(production_catalog(), "DB_SSLMODE", mode)),
              std::string("config: DB_SSLMODE=\"") + mode +
                  "\": ENVIRONMENT=production requires verify-full (or DB_SSLMODE_INSECURE_OK=true to accept a "
                  "weaker mode knowingly)")
        << mode;
  }
}

TEST(ConfigProduction, DB_SSLMODE_INSECURE_OK_accepts_a_weaker_mode_explicitly) {
  auto r = load_with("catalog", with(with(production_catalog(), "DB_SSLMODE", "disable"), "DB_SSLMODE_INSECURE_OK", "true"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->db.sslmode, "disable");
  EXPECT_TRUE(r->db.sslmode_insecure_ok);
  // The opt-out does not waive the secrets.
  EXPECT_EQ(error_of(with(without(production_catalog(), "DB_PASSWORD"), "DB_SSLMODE_INSECURE_OK", "true")),
            "config: DB_PASSWORD is empty: ENVIRONMENT=production requires it (the PostgreSQL password)");
}

TEST(ConfigProduction, development_and_test_require_none_of_it) {
  for (const char* environment : {"development", "test"}) {
    auto r = load_with("catalog", {{"ENVIRONMENT", environment}, {"DB_SSLMODE", "disable"}});
    EXPECT_TRUE(r.ok()) << environment << ": " << r.error().message;
  }
}

// ---- bad values: each names the variable, the value and what is expected, on one line ----

struct BadCase {
  const char* var;
  const char* value;
  const char* message;
};

TEST(ConfigErrors, every_kind_of_bad_value_gives_its_one_line_message) {
  const BadCase cases[] = {
      {"HTTP_PORT", "abc", R"(config: HTTP_PORT="abc": expected a port number 1-65535)"},
      {"HTTP_PORT", "0", R"(config: HTTP_PORT="0": expected a port number 1-65535)"},
      {"DB_PORT", "65536", R"(config: DB_PORT="65536": expected a port number 1-65535)"},
      {"REDIS_PORT", "-1", R"(config: REDIS_PORT="-1": expected a port number 1-65535)"},
      {"HTTP_PORT", " 8080", R"(config: HTTP_PORT=" 8080": expected a port number 1-65535)"},
      {"HTTP_WORKERS", "257", R"(config: HTTP_WORKERS="257": expected an integer 0-256)"},
      {"HTTP_WORKERS", "-1", R"(config: HTTP_WORKERS="-1": expected an integer 0-256)"},
      {"HTTP_WORKERS", "two", R"(config: HTTP_WORKERS="two": expected an integer 0-256)"},
      {"HTTP_WORKERS", "4.5", R"(config: HTTP_WORKERS="4.5": expected an integer 0-256)"},
      {"DB_MAX_OPEN_CONNS", "0", R"(config: DB_MAX_OPEN_CONNS="0": expected an integer 1-1000)"},
      {"DB_MAX_OPEN_CONNS", "99999999999999999999",
       R"(config: DB_MAX_OPEN_CONNS="99999999999999999999": expected an integer 1-1000)"},
      {"REDIS_DB", "16", R"(config: REDIS_DB="16": expected an integer 0-15)"},
      {"CACHE_REDIS_PORT", "0", R"(config: CACHE_REDIS_PORT="0": expected a port number 1-65535)"},
      {"RATE_LIMIT_PER_MINUTE", "2147483648", R"(config: RATE_LIMIT_PER_MINUTE="2147483648": expected an integer 1-2147483647)"},
      {"RATE_LIMIT_PER_MINUTE", "0", R"(config: RATE_LIMIT_PER_MINUTE="0": expected an integer 1-2147483647)"},
      {"HTTP_READ_TIMEOUT", "10", R"(config: HTTP_READ_TIMEOUT="10": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"HTTP_READ_TIMEOUT", "-5s", R"(config: HTTP_READ_TIMEOUT="-5s": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"DB_QUERY_TIMEOUT", "5 s", R"(config: DB_QUERY_TIMEOUT="5 s": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"DB_QUERY_TIMEOUT", "2d", R"(config: DB_QUERY_TIMEOUT="2d": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"DB_QUERY_TIMEOUT", "0s", R"(config: DB_QUERY_TIMEOUT="0s": expected a duration from 1ms to 1h)"},
      {"UPSTREAM_TIMEOUT", "11m", R"(config: UPSTREAM_TIMEOUT="11m": expected a duration from 1ms to 10m)"},
      {"REQUEST_TIMEOUT", "2h", R"(config: REQUEST_TIMEOUT="2h": expected a duration from 1ms to 1h)"},
      {"REQUEST_TIMEOUT", "-1s", R"(config: REQUEST_TIMEOUT="-1s": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"REQUEST_TIMEOUT", "0", R"(config: REQUEST_TIMEOUT="0": expected a duration from 1ms to 1h)"},
      {"JWT_ACCESS_TTL", "500ms", R"(config: JWT_ACCESS_TTL="500ms": expected a duration from 1s to 24h)"},
      {"HTTP_MAX_BODY", "1MB2", R"(config: HTTP_MAX_BODY="1MB2": expected a byte size such as 1048576, 512KiB, 64MiB or 1GiB)"},
      {"HTTP_MAX_BODY", "1mib", R"(config: HTTP_MAX_BODY="1mib": expected a byte size such as 1048576, 512KiB, 64MiB or 1GiB)"},
      {"HTTP_MAX_BODY", "0", R"(config: HTTP_MAX_BODY="0": expected a byte size from 1 to 1GiB)"},
      {"HTTP_MAX_HEADER", "100", R"(config: HTTP_MAX_HEADER="100": expected a byte size from 1KiB to 16MiB)"},
      {"LOG_LEVEL", "verbose", R"(config: LOG_LEVEL="verbose": expected one of debug|info|warn|error|off)"},
      {"ENVIRONMENT", "staging", R"(config: ENVIRONMENT="staging": expected one of development|test|production)"},
      {"DB_SSLMODE", "on", R"(config: DB_SSLMODE="on": expected one of disable|allow|prefer|require|verify-ca|verify-full)"},
      {"DB_SSLMODE_INSECURE_OK", "yes please", R"(config: DB_SSLMODE_INSECURE_OK="yes please": expected true or false)"},
      {"DB_REPLICA_HOSTS", "r1", R"(config: DB_REPLICA_HOSTS="r1": expected host:port pairs separated by commas, such as db1:5432,db2:5432)"},
      {"DB_REPLICA_HOSTS", "r1:1,", R"(config: DB_REPLICA_HOSTS="r1:1,": expected host:port pairs separated by commas, such as db1:5432,db2:5432)"},
      {"DB_REPLICA_HOSTS", "r1:99999", R"(config: DB_REPLICA_HOSTS="r1:99999": expected host:port pairs separated by commas, such as db1:5432,db2:5432)"},
      {"PRODUCT_SERVICE_HOST", "h1:1,h2", R"(config: PRODUCT_SERVICE_HOST="h1:1,h2": expected a host, or host:port pairs separated by commas)"},
      {"USER_SERVICE_PORT", "x", R"(config: USER_SERVICE_PORT="x": expected a port number 1-65535)"},
      {"CORS_ORIGINS", "localhost:3000", R"(config: CORS_ORIGINS="localhost:3000": expected origins such as http://localhost:3000 (no path) separated by commas, or *)"},
      {"CORS_ORIGINS", "http://a.example/", R"(config: CORS_ORIGINS="http://a.example/": expected origins such as http://localhost:3000 (no path) separated by commas, or *)"},
      {"DB_MAX_IDLE_CONNS", "30", R"(config: DB_MAX_IDLE_CONNS="30": expected an integer 0-1000, at most DB_MAX_OPEN_CONNS (25))"},
      {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0", R"(config: HTTP_MAX_CONNECTIONS_PER_ADDRESS="0": expected an integer 1-1000000)"},
      {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", "many", R"(config: HTTP_MAX_CONNECTIONS_PER_ADDRESS="many": expected an integer 1-1000000)"},
      {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", "10001", R"(config: HTTP_MAX_CONNECTIONS_PER_ADDRESS="10001": expected an integer 1-1000000, at most HTTP_MAX_CONNECTIONS (10000))"},
      {"HTTP_REQUEST_START_TIMEOUT", "0s", R"(config: HTTP_REQUEST_START_TIMEOUT="0s": expected a duration from 1ms to 1h)"},
      {"HTTP_REQUEST_START_TIMEOUT", "5", R"(config: HTTP_REQUEST_START_TIMEOUT="5": expected a duration such as 500ms, 30s, 15m or 1h30m)"},
      {"METRICS_PORT", "0", R"(config: METRICS_PORT="0": expected a port number 1-65535)"},
      {"METRICS_PORT", "8081", R"(config: METRICS_PORT="8081": expected a port other than HTTP_PORT (8081))"},
      {"METRICS_HOST", "metrics.internal", R"(config: METRICS_HOST="metrics.internal": expected an IP address such as 127.0.0.1)"},
      {"REDIS_MIN_IDLE_CONNS", "101", R"(config: REDIS_MIN_IDLE_CONNS="101": expected an integer 0-10000, at most REDIS_POOL_SIZE (100))"},
      {"TRUSTED_PROXIES", "10.0.0.256", R"(config: TRUSTED_PROXIES="10.0.0.256": expected IP addresses separated by commas, such as 10.0.0.1,10.0.0.2)"},
      {"TRUSTED_PROXIES", "lb.internal", R"(config: TRUSTED_PROXIES="lb.internal": expected IP addresses separated by commas, such as 10.0.0.1,10.0.0.2)"},
      {"UPSTREAM_SOURCE_ADDRESS", "gateway.internal", R"(config: UPSTREAM_SOURCE_ADDRESS="gateway.internal": expected one IP address of this host, such as 127.0.0.4)"},
      {"UPSTREAM_SOURCE_ADDRESS", "127.0.0.4,127.0.0.5", R"(config: UPSTREAM_SOURCE_ADDRESS="127.0.0.4,127.0.0.5": expected one IP address of this host, such as 127.0.0.4)"},
      {"UPSTREAM_SOURCE_ADDRESS", "127.0.0.4:80", R"(config: UPSTREAM_SOURCE_ADDRESS="127.0.0.4:80": expected one IP address of this host, such as 127.0.0.4)"},
      {"API_V1_SUNSET", "2025-12-31", R"(config: API_V1_SUNSET="2025-12-31": expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT)"},
      {"API_V2_SUNSET", "Thu, 31 Dec 2025 23:59:59 GMT", R"(config: API_V2_SUNSET="Thu, 31 Dec 2025 23:59:59 GMT": expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT)"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of({{c.var, c.value}});
    EXPECT_EQ(msg, c.message) << c.var << "=" << c.value;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

TEST(ConfigErrors, an_api_port_on_the_default_metrics_port_names_metrics_port) {
  EXPECT_EQ(error_of({{"HTTP_PORT", "9081"}}), R"(config: METRICS_PORT="9081": expected a port other than HTTP_PORT (9081))");
}

TEST(ConfigErrors, control_characters_in_a_value_stay_on_one_line) {
  EXPECT_EQ(error_of({{"HTTP_PORT", "80\n80"}}), R"(config: HTTP_PORT="80\n80": expected a port number 1-65535)");
}

TEST(ConfigErrors, a_very_long_value_is_cut) {
  const std::string msg = error_of({{"HTTP_PORT", std::string(5000, '9')}});
  EXPECT_LT(msg.size(), 200u);
  EXPECT_NE(msg.find("...\": expected a port number"), std::string::npos) << msg;
}

TEST(ConfigErrors, the_first_bad_variable_is_reported) {
  EXPECT_EQ(error_of({{"HTTP_PORT", "x"}, {"DB_PORT", "y"}}), R"(config: HTTP_PORT="x": expected a port number 1-65535)");
}

// ---- parsers ----

TEST(ParseDuration, accepts_units_largest_first) {
  const std::pair<const char*, Duration> ok[] = {
      {"0", 0ms},      {"0s", 0ms},        {"250ms", 250ms}, {"30s", 30s},          {"15m", 15min},
      {"1h", 1h},      {"1h30m", 90min},   {"720h", 720h},   {"1h2m3s4ms", 3723004ms}, {"0001s", 1s},
      {"90s", 90s},    {"2562047788015h", Duration{2562047788015LL * 3600000}},
  };
  for (const auto& [text, want] : ok) {
    Duration d{-1};
    EXPECT_TRUE(parse_duration(text, d)) << text;
    EXPECT_EQ(d, want) << text;
  }
}

TEST(ParseDuration, rejects_everything_else_and_leaves_the_output) {
  for (const char* bad : {"", "10", "-1s", "+1s", "1.5h", "1 h", " 1h", "1h ", "1H", "s", "1x", "1d", "1us", "30m1h",
                          "1s1s", "1m1m", "1ms1s", "99999999999999999999s", "9223372036854775807h",
                          "2562047788016h", "00", "1h-1m"}) {
    Duration d{42};
    EXPECT_FALSE(parse_duration(bad, d)) << bad;
    EXPECT_EQ(d, Duration{42}) << bad;
  }
}

TEST(ParseByteSize, binary_and_decimal_units) {
  const std::pair<const char*, std::size_t> ok[] = {
      {"0", 0},          {"1048576", 1048576}, {"512B", 512},          {"64KiB", 65536},
      {"1MiB", 1 << 20}, {"2GiB", 2ull << 30}, {"1TiB", 1ull << 40},   {"1KB", 1000},
      {"5MB", 5000000},  {"1GB", 1000000000},  {"16777215TiB", 16777215ull << 40},
  };
  for (const auto& [text, want] : ok) {
    std::size_t n = 7;
    EXPECT_TRUE(parse_byte_size(text, n)) << text;
    EXPECT_EQ(n, want) << text;
  }
}

TEST(ParseByteSize, rejects_bad_text_and_overflow) {
  for (const char* bad : {"", "KiB", "-1", "1.5MiB", "1 MiB", "1kib", "1Mb", "1K", "1MiB ", "1iB", "16777215TiB1", "16777216TiB",
                          "99999999999999999999"}) {
    std::size_t n = 7;
    EXPECT_FALSE(parse_byte_size(bad, n)) << bad;
    EXPECT_EQ(n, 7u) << bad;
  }
}

TEST(ParseHostList, pairs_with_optional_spaces_and_bracketed_ipv6) {
  std::vector<HostPort> out{{"x", 1}};
  ASSERT_TRUE(parse_host_list("", out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(parse_host_list("a:1", out));
  EXPECT_EQ(out, (std::vector<HostPort>{{"a", 1}}));
  ASSERT_TRUE(parse_host_list(" db1.example:5432 , 10.0.0.2:65535,[::1]:6379", out));
  EXPECT_EQ(out, (std::vector<HostPort>{{"db1.example", 5432}, {"10.0.0.2", 65535}, {"::1", 6379}}));
}

TEST(ParseHostList, rejects_malformed_items_and_leaves_the_output) {
  for (const char* bad : {"a", "a:", ":1", "a:0", "a:65536", "a:1,", ",a:1", "a:1,,b:2", "::1:80", "[::1]", "[::1]80",
                          "a b:1", "a:1x", "a:-1", "user@a:1", "a:+1"}) {
    std::vector<HostPort> out{{"keep", 1}};
    EXPECT_FALSE(parse_host_list(bad, out)) << bad;
    EXPECT_EQ(out, (std::vector<HostPort>{{"keep", 1}})) << bad;
  }
}

TEST(ParseHttpDate, imf_fixdate_only_with_a_matching_weekday) {
  std::int64_t t = 0;
  ASSERT_TRUE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", t));
  EXPECT_EQ(t, 784111777);
  ASSERT_TRUE(parse_http_date("Wed, 31 Dec 2025 23:59:59 GMT", t));
  EXPECT_EQ(t, 1767225599);
  ASSERT_TRUE(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", t));
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Thu, 29 Feb 2023 00:00:00 GMT",
                          "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT "}) {
    std::int64_t keep = 42;
    EXPECT_FALSE(parse_http_date(bad, keep)) << bad;
    EXPECT_EQ(keep, 42) << bad;
  }
}

// ---- help ----

TEST(HelpText, one_header_line_then_one_line_per_variable_with_this_services_default) {
  const std::string help = help_text("identity");
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = help.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(help.substr(start, end - start));
  ASSERT_EQ(lines.size(), all_vars().size() + 1);
  EXPECT_NE(lines[0].find("mercato-identity"), std::string::npos);
  for (std::size_t i = 0; i < all_vars().size(); ++i) {
    const auto& v = all_vars()[i];
    EXPECT_EQ(lines[i + 1].find("  " + std::string(v.name) + " "), 0u) << lines[i + 1];
    EXPECT_NE(lines[i + 1].find(v.doc), std::string::npos) << lines[i + 1];
  }
  auto line_of = [&](std::string_view name) {
    for (const auto& l : lines)
      if (l.starts_with("  " + std::string(name) + " ")) return l;
    return std::string();
  };
  EXPECT_NE(line_of("HTTP_PORT").find(" 8082 "), std::string::npos);
  EXPECT_NE(line_of("DB_NAME").find(" mercato_identity "), std::string::npos);
  EXPECT_NE(line_of("DB_PASSWORD").find(" \"\" "), std::string::npos);
  EXPECT_NE(line_of("DB_SSLMODE").find("verify-full"), std::string::npos);
}

}  // namespace
}  // namespace mercato::config
