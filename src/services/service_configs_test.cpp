// Every service's configuration: the groups each lists (services/*/…_config.cpp) loaded as the
// service loads them at start. The machinery itself (Reader, Group, parsers) is tested in
// src/core/config_test.cpp.
#include "services/service_configs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace mercato::config {
namespace {

using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

Groups groups_of(std::string_view service) {
  for (auto& s : services::all_service_groups())
    if (s.service == service) return s.groups;
  ADD_FAILURE() << "no service " << service;
  return {};
}

Getenv env_of(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

Result<Settings> load_with(std::string_view service, const Env& env, std::vector<std::string>* warnings = nullptr) {
  return load(service, groups_of(service), env_of(env), warnings);
}

std::string error_of(const Env& env, std::string_view service = "catalog") {
  auto r = load_with(service, env);
  if (r.ok()) return "(loaded)";
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  return r.error().message;
}

bool declares(std::string_view service, std::string_view name) {
  for (const Group* g : groups_of(service))
    for (const auto& v : g->vars)
      if (v.name == name) return true;
  return false;
}

/// The service a bad-value case is tried on: the first of catalog, gateway, identity that reads it.
std::string first_reader(std::string_view name) {
  for (const char* svc : {"catalog", "gateway", "identity"})
    if (declares(svc, name)) return svc;
  ADD_FAILURE() << name << " is read by no service";
  return "catalog";
}

// ---- the registry: every service's list of groups ----

TEST(ServiceConfigs, every_service_list_declares_each_variable_once_and_orders_its_groups) {
  for (const auto& s : services::all_service_groups()) {
    auto st = check_groups(s.groups);
    EXPECT_TRUE(st.ok()) << s.service << ": " << st.error().message;
  }
}

TEST(ServiceConfigs, every_service_lists_core_then_the_http_server_first) {
  for (const auto& s : services::all_service_groups()) {
    ASSERT_GE(s.groups.size(), 2u) << s.service;
    EXPECT_EQ(s.groups[0]->name, "core") << s.service;
    EXPECT_EQ(s.groups[1]->name, "http") << s.service;
  }
}

TEST(ServiceConfigs, every_declaration_has_a_doc_and_a_default_its_readers_accept) {
  // A default is parsed like a value: loading with nothing set reads every default of the
  // service's groups, and a declared variable no load reads fails the load (Reader::end).
  for (const auto& s : services::all_service_groups()) {
    auto r = load(s.service, s.groups, env_of({}));
    EXPECT_TRUE(r.ok()) << s.service << ": " << r.error().message;
  }
}

TEST(ServiceConfigs, each_contract_variable_is_read_by_a_service_or_retired_by_name) {
  std::set<std::string_view> declared, retired;
  for (const auto& s : services::all_service_groups()) {
    for (const Group* g : s.groups) {
      for (const auto& v : g->vars) declared.insert(v.name);
      for (const auto& v : g->retired) retired.insert(v.name);
    }
  }
  for (const char* n :
       {"ENVIRONMENT", "LOG_LEVEL", "HTTP_HOST", "HTTP_PORT", "HTTP_WORKERS", "HTTP_MAX_BODY", "HTTP_MAX_HEADER",
        "HTTP_MAX_CONNECTIONS", "HTTP_READ_TIMEOUT", "HTTP_IDLE_TIMEOUT", "SHUTDOWN_TIMEOUT", "DB_HOST", "DB_PORT",
        "DB_USER", "DB_PASSWORD", "DB_NAME", "DB_SSLMODE", "DB_MAX_OPEN_CONNS", "DB_MAX_IDLE_CONNS",
        "DB_CONN_MAX_LIFETIME", "DB_CONNECT_TIMEOUT", "DB_QUERY_TIMEOUT", "REDIS_HOST", "REDIS_PORT", "REDIS_USER",
        "REDIS_PASSWORD", "CACHE_REDIS_HOST", "CACHE_REDIS_PORT", "REDIS_DB", "REDIS_COMMAND_TIMEOUT",
        "REDIS_CONNECT_TIMEOUT", "PRODUCT_SERVICE_HOST", "PRODUCT_SERVICE_PORT", "USER_SERVICE_HOST",
        "USER_SERVICE_PORT", "UPSTREAM_TIMEOUT", "CACHE_TTL_PRODUCT_DETAIL", "CACHE_TTL_PRODUCT_LIST",
        "CACHE_TTL_CATEGORY_LIST", "CACHE_L1_MAX_BYTES", "CACHE_ENABLED", "RATE_LIMIT_PER_MINUTE", "CORS_ORIGINS",
        "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ACCESS_TTL", "JWT_REFRESH_TTL", "JWT_KEYS_DIR", "MIGRATIONS_DIR",
        "OPENAPI_PATH", "CATALOG_CURSOR_SECRET", "TRUSTED_PROXIES", "API_V1_SUNSET", "API_V2_SUNSET",
        "UPSTREAM_SOURCE_ADDRESS", "DB_SSLMODE_INSECURE_OK", "REQUEST_TIMEOUT"})
    EXPECT_TRUE(declared.count(n)) << n;
  // Declared and never read before: each now retired, so an operator who sets one is told.
  for (const char* n :
       {"REDIS_POOL_SIZE", "REDIS_MIN_IDLE_CONNS", "REDIS_MAX_CONN_AGE", "CACHE_TTL_USER_DATA"}) {
    EXPECT_TRUE(retired.count(n)) << n;
    EXPECT_FALSE(declared.count(n)) << n;
  }
}

TEST(ServiceConfigs, each_service_reads_only_what_its_components_use) {
  EXPECT_FALSE(declares("gateway", "DB_PORT"));  // no database
  EXPECT_FALSE(declares("gateway", "REQUEST_TIMEOUT"));  // its budget is UPSTREAM_TIMEOUT
  EXPECT_FALSE(declares("gateway", "CACHE_L1_TTL"));
  EXPECT_FALSE(declares("identity", "USER_SERVICE_HOST"));  // it is the user service
  EXPECT_FALSE(declares("identity", "CACHE_REDIS_HOST"));
  EXPECT_FALSE(declares("catalog", "RATE_LIMIT_PER_MINUTE"));
  EXPECT_FALSE(declares("catalog", "JWT_KEYS_DIR"));
  EXPECT_TRUE(declares("catalog", "USER_SERVICE_HOST"));  // its JWKS and revocation fetches
}

TEST(ServiceConfigs, the_gateway_starts_with_a_bad_db_port_the_catalog_refuses_it) {
  EXPECT_TRUE(load_with("gateway", {{"DB_PORT", "abc"}}).ok());
  EXPECT_EQ(error_of({{"DB_PORT", "abc"}}, "catalog"), R"(config: DB_PORT="abc": expected a port number 1-65535)");
  EXPECT_EQ(error_of({{"DB_PORT", "abc"}}, "identity"), R"(config: DB_PORT="abc": expected a port number 1-65535)");
}

// DB_HOST: a plain host with DB_PORT, or every node of an HA formation (docs/scaling.md); the
// primary pool always asks libpq for a session that takes writes.
TEST(ServiceConfigs, db_host_is_a_host_or_a_host_port_list) {
  auto plain = load_with("catalog", {{"DB_HOST", "db.internal"}, {"DB_PORT", "5433"}});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->db.hosts, (std::vector<HostPort>{{"db.internal", 5433}}));
  EXPECT_EQ(plain->db.host, "db.internal");
  EXPECT_EQ(plain->db.port, 5433);
  EXPECT_EQ(plain->db.target_session_attrs, "read-write");

  auto nodes = load_with("identity", {{"DB_HOST", "127.0.0.1:5432, 127.0.0.1:5433,[::1]:5434"}});
  ASSERT_TRUE(nodes.ok()) << nodes.error().message;
  EXPECT_EQ(nodes->db.hosts,
            (std::vector<HostPort>{{"127.0.0.1", 5432}, {"127.0.0.1", 5433}, {"::1", 5434}}));
  EXPECT_EQ(nodes->db.host, "127.0.0.1");  // what logs and spans name
  EXPECT_EQ(nodes->db.port, 5432);

  for (const char* bad : {"127.0.0.1:5432,,127.0.0.1:5433", "127.0.0.1:70000", "a:1,b", "db internal", "::1:5432"})
    EXPECT_EQ(error_of({{"DB_HOST", bad}}), "config: DB_HOST=\"" + std::string(bad) +
                                                "\": expected a host, or host:port pairs separated by commas")
        << bad;
}

TEST(ServiceConfigs, a_retired_variable_that_is_set_gets_one_warning_naming_it) {
  std::vector<std::string> warnings;
  auto r = load_with("catalog", {{"REDIS_POOL_SIZE", "100"}, {"REDIS_MIN_IDLE_CONNS", "2"}, {"REDIS_MAX_CONN_AGE", ""}},
                     &warnings);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_TRUE(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.starts_with("REDIS_MIN_IDLE_CONNS is set but no longer read: removed:");
  }));
  EXPECT_TRUE(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.starts_with("REDIS_POOL_SIZE is set but no longer read: removed:");
  }));
  // Identity keeps every read on the primary: a replica list set for it is named, not ignored.
  warnings.clear();
  ASSERT_TRUE(load_with("identity", {{"DB_REPLICA_HOSTS", "r1:5433"}}, &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(warnings[0].starts_with("DB_REPLICA_HOSTS is set but no longer read: not read by identity:")) << warnings[0];
  // Only the groups a service lists: the gateway has no database, so no DB_* warning either.
  warnings.clear();
  ASSERT_TRUE(load_with("gateway", {{"DB_REPLICA_HOSTS", "r1:5433"}}, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST(ServiceConfigs, the_catalog_reads_its_replicas_and_refuses_a_bad_list) {
  auto r = load_with("catalog", {{"DB_REPLICA_HOSTS", "10.0.0.2:5433, [::1]:5434"}, {"DB_REPLICA_MAX_LAG", "2s"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->db.replicas.size(), 2u);
  EXPECT_EQ(r->db.replicas[0], (config::HostPort{"10.0.0.2", 5433}));
  EXPECT_EQ(r->db.replicas[1], (config::HostPort{"::1", 5434}));
  EXPECT_EQ(r->db.replica_max_lag, std::chrono::seconds(2));
  auto none = load_with("catalog", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->db.replicas.empty());
  EXPECT_EQ(error_of({{"DB_REPLICA_HOSTS", "replica1"}}, "catalog"),
            R"(config: DB_REPLICA_HOSTS="replica1": expected host:port pairs separated by commas)");
  EXPECT_EQ(error_of({{"DB_REPLICA_HOSTS", "a:5433,"}}, "catalog"),
            R"(config: DB_REPLICA_HOSTS="a:5433,": expected host:port pairs separated by commas)");
  EXPECT_NE(error_of({{"DB_REPLICA_MAX_LAG", "100ms"}}, "catalog"), "");
}

TEST(ServiceConfigs, help_lists_a_services_own_variables_only_with_its_defaults) {
  const std::string gateway = help_text("gateway", groups_of("gateway"));
  EXPECT_NE(gateway.find("RATE_LIMIT_PER_MINUTE"), std::string::npos);
  EXPECT_EQ(gateway.find("DB_PORT"), std::string::npos);
  EXPECT_NE(gateway.find("[gateway]"), std::string::npos);
  const std::string identity = help_text("identity", groups_of("identity"));
  EXPECT_NE(identity.find("mercato_identity"), std::string::npos);
  EXPECT_EQ(identity.find("RATE_LIMIT_PER_MINUTE"), std::string::npos);
}

TEST(ServiceConfigs, the_readme_table_names_each_variables_readers_and_per_service_defaults) {
  const auto all = services::all_service_groups();
  const std::string table = markdown_table(all);
  EXPECT_NE(table.find("| `DB_PORT` | catalog, identity | `15432` |"), std::string::npos) << table;
  EXPECT_NE(table.find("| `HTTP_PORT` | gateway, catalog, identity | gateway: `8080`; catalog: `8081`; identity: `8082` |"),
            std::string::npos);
  EXPECT_NE(table.find("| `RATE_LIMIT_PER_MINUTE` | gateway |"), std::string::npos);
  EXPECT_NE(table.find("- `REDIS_POOL_SIZE` (gateway, catalog, identity): removed:"), std::string::npos);
}

// ---- the variables, as each service reads them ----

TEST(ServiceConfigs, defaults_load_for_every_service) {
  for (const char* svc : {"gateway", "catalog", "identity"}) {
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
  EXPECT_EQ(s.redis.host, "127.0.0.1");
  EXPECT_EQ(s.redis.port, 16379);
  EXPECT_EQ(s.redis.user, "");  // the default user
  EXPECT_EQ(s.redis.password, "");
  EXPECT_EQ(s.redis.db, 0);
  EXPECT_EQ(s.redis.command_timeout, 500ms);
  EXPECT_EQ(s.redis.connect_timeout, 1s);
  EXPECT_EQ(s.cache_redis, s.redis);  // one Redis unless CACHE_REDIS_* say otherwise
  EXPECT_EQ(s.user_service, (std::vector<HostPort>{{"127.0.0.1", 8082}}));
  EXPECT_EQ(s.upstream_timeout, 5s);
  EXPECT_EQ(s.request_timeout, 30s);
  EXPECT_EQ(s.cache.ttl_product_detail, 1h);
  EXPECT_EQ(s.cache.ttl_product_list, 5min);
  EXPECT_EQ(s.cache.ttl_category_list, 24h);
  EXPECT_EQ(s.cache.l1_max_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(s.jwt_issuer, "mercato-identity");
  EXPECT_EQ(s.jwt_audience, "mercato");
  EXPECT_EQ(s.jwt_clock_skew, 30s);
  EXPECT_EQ(s.migrations_dir, "migrations");
  EXPECT_EQ(s.catalog_cursor_secret, "");  // random per process unless set
  EXPECT_EQ(s.trusted_proxies, (std::vector<std::string>{"127.0.0.1"}));
}

TEST(ConfigDefaults, gateway_group_matches_the_contract) {
  auto r = load_with("gateway", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Settings& s = *r;
  EXPECT_EQ(s.product_service, (std::vector<HostPort>{{"127.0.0.1", 8081}}));
  EXPECT_EQ(s.user_service, (std::vector<HostPort>{{"127.0.0.1", 8082}}));
  EXPECT_EQ(s.upstream_timeout, 5s);
  EXPECT_EQ(s.rate_limit_per_minute, 100);
  EXPECT_EQ(s.rate_limit_local_fallback, 1);
  EXPECT_EQ(s.cors_origins, (std::vector<std::string>{"http://localhost:3000", "http://127.0.0.1:3000"}));
  EXPECT_EQ(s.openapi_path, "api/openapi.json");
  EXPECT_EQ(s.api_v1_sunset, "");
  EXPECT_EQ(s.api_v2_sunset, "");
  // Groups the gateway does not list keep their zero values.
  EXPECT_EQ(s.db.port, config::DbSettings{}.port);
  EXPECT_EQ(s.request_timeout, Duration{0});
}

TEST(ConfigDefaults, identity_group_matches_the_contract) {
  auto r = load_with("identity", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Settings& s = *r;
  EXPECT_EQ(s.jwt_access_ttl, 15min);
  EXPECT_EQ(s.jwt_refresh_ttl, 720h);
  EXPECT_EQ(s.jwt_keys_dir, ".var/keys");
  EXPECT_EQ(s.password_hash_workers, 0);
  EXPECT_EQ(s.password_hash_queue, 32);
  EXPECT_EQ(s.login_max_failures, 10);
  EXPECT_EQ(s.login_failure_window, 15min);
  EXPECT_EQ(s.db.name, "mercato_identity");
  EXPECT_EQ(s.request_timeout, 30s);
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

// ---- Unix domain sockets: HTTP_SOCKET, PRODUCT_SERVICE_SOCKET, USER_SERVICE_SOCKET ----

TEST(ConfigDefaults, no_unix_socket_unless_told) {
  for (const char* svc : {"catalog", "identity", "gateway"}) {
    auto r = load_with(svc, {});
    ASSERT_TRUE(r.ok()) << svc << ": " << r.error().message;
    EXPECT_EQ(r->http.socket, "") << svc;
    for (const auto& u : r->user_service) EXPECT_EQ(u.socket, "") << svc;
    for (const auto& u : r->product_service) EXPECT_EQ(u.socket, "") << svc;
  }
}

TEST(ConfigValues, a_socket_path_is_kept_and_names_the_one_upstream_instance) {
  auto r = load_with("gateway", {{"HTTP_SOCKET", "/tmp/gateway.sock"},
                                 {"PRODUCT_SERVICE_SOCKET", "/tmp/catalog.sock"},
                                 {"PRODUCT_SERVICE_HOST", "127.0.0.2"},
                                 {"USER_SERVICE_SOCKET", "/tmp/identity.sock"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->http.socket, "/tmp/gateway.sock");
  ASSERT_EQ(r->product_service.size(), 1u);
  EXPECT_EQ(r->product_service[0].socket, "/tmp/catalog.sock");
  EXPECT_EQ(r->product_service[0].host, "127.0.0.2");  // still names the instance (Host, spans)
  ASSERT_EQ(r->user_service.size(), 1u);
  EXPECT_EQ(r->user_service[0].socket, "/tmp/identity.sock");
  // The catalog fetches identity's keys: it reads USER_SERVICE_SOCKET too.
  auto c = load_with("catalog", {{"USER_SERVICE_SOCKET", "/tmp/identity.sock"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->user_service[0].socket, "/tmp/identity.sock");
}

TEST(ConfigErrors, a_bad_socket_path_names_the_variable) {
  const std::string longest = "/tmp/" + std::string(kMaxSocketPath - 5, 'a');
  ASSERT_EQ(longest.size(), kMaxSocketPath);
  EXPECT_EQ(error_of({{"HTTP_SOCKET", longest}}), "(loaded)");  // 107 bytes fit sun_path with its NUL
  for (const char* var : {"HTTP_SOCKET", "PRODUCT_SERVICE_SOCKET", "USER_SERVICE_SOCKET"}) {
    const std::string svc = first_reader(var);
    EXPECT_EQ(error_of({{var, "run/catalog.sock"}}, svc),
              std::string("config: ") + var + R"(="run/catalog.sock": expected an absolute path such as /run/mercato/catalog.sock)");
    EXPECT_EQ(error_of({{var, longest + "b"}}, svc).find(std::string("config: ") + var + "=\"/tmp/aaa"), 0u);
    EXPECT_NE(error_of({{var, longest + "b"}}, svc).find("expected a socket file path of at most 107 bytes"),
              std::string::npos);
    EXPECT_EQ(error_of({{var, "/nonexistent-dir-of-mercato/catalog.sock"}}, svc),
              std::string("config: ") + var +
                  R"(="/nonexistent-dir-of-mercato/catalog.sock": expected a path in an existing directory)");
    EXPECT_EQ(error_of({{var, "/tmp/"}}, svc),
              std::string("config: ") + var + R"(="/tmp/": expected the path of a socket file, not of a directory)");
  }
}

TEST(ConfigErrors, an_upstream_socket_with_several_instances_is_refused) {
  EXPECT_EQ(error_of({{"PRODUCT_SERVICE_HOST", "127.0.0.2:8081,127.0.0.3:8081"}, {"PRODUCT_SERVICE_SOCKET", "/tmp/c.sock"}},
                     "gateway"),
            "config: PRODUCT_SERVICE_SOCKET is set, but PRODUCT_SERVICE_HOST lists 2 instances: a socket reaches one "
            "instance on this host");
  EXPECT_EQ(error_of({{"USER_SERVICE_HOST", "a:1,b:2"}, {"USER_SERVICE_SOCKET", "/tmp/i.sock"}}, "catalog"),
            "config: USER_SERVICE_SOCKET is set, but USER_SERVICE_HOST lists 2 instances: a socket reaches one "
            "instance on this host");
}

TEST(ConfigDefaults, port_and_database_depend_on_the_service) {
  const std::map<std::string, std::pair<int, std::string>> expected = {
      {"catalog", {8081, "mercato_catalog"}},
      {"identity", {8082, "mercato_identity"}},
  };
  for (const auto& [svc, want] : expected) {
    auto r = load_with(svc, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->http.port, want.first) << svc;
    EXPECT_EQ(r->db.name, want.second) << svc;
  }
}

TEST(ConfigDefaults, empty_variable_takes_the_default) {
  auto r = load_with("identity", {{"HTTP_PORT", ""}, {"LOG_LEVEL", ""}, {"DB_PORT", ""}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->http.port, 8082);
  EXPECT_EQ(r->log_level, log::Level::info);
  EXPECT_EQ(r->db.port, 15432);
}

// ---- values that are set ----

TEST(ConfigValues, set_values_are_parsed) {
  auto r = load_with("gateway", {{"ENVIRONMENT", "production"},
                                 {"LOG_LEVEL", "warning"},
                                 {"HTTP_PORT", "18080"},
                                 {"HTTP_WORKERS", "3"},
                                 {"HTTP_MAX_BODY", "512KiB"},
                                 {"HTTP_READ_TIMEOUT", "1m30s"},
                                 {"REDIS_DB", "15"},
                                 {"REDIS_USER", "mercato-gateway"},
                                 {"REDIS_PASSWORD", "r3dis"},
                                 {"RATE_LIMIT_PER_MINUTE", "1000"},
                                 {"CORS_ORIGINS", " https://shop.example , http://localhost:13000 ,"},
                                 {"TRUSTED_PROXIES", " 10.0.0.1, 0:0:0::1, 10.244.7.9/16, FD00:0::1/8 "},
                                 {"API_V1_SUNSET", "Wed, 31 Dec 2025 23:59:59 GMT"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->environment, "production");
  EXPECT_EQ(r->log_level, log::Level::warn);
  EXPECT_EQ(r->http.port, 18080);
  EXPECT_EQ(r->http.workers, 3);
  EXPECT_EQ(r->http.max_body, 512u * 1024);
  EXPECT_EQ(r->http.read_timeout, 90s);
  EXPECT_EQ(r->redis.db, 15);
  EXPECT_EQ(r->redis.user, "mercato-gateway");
  EXPECT_EQ(r->redis.password, "r3dis");
  EXPECT_EQ(r->rate_limit_per_minute, 1000);
  EXPECT_EQ(r->cors_origins, (std::vector<std::string>{"https://shop.example", "http://localhost:13000"}));
  // Blocks canonical, their host bits cleared.
  EXPECT_EQ(r->trusted_proxies, (std::vector<std::string>{"10.0.0.1", "::1", "10.244.0.0/16", "fd00::/8"}));
  EXPECT_EQ(r->api_v1_sunset, "Wed, 31 Dec 2025 23:59:59 GMT");
  EXPECT_EQ(r->api_v2_sunset, "");
}

TEST(ConfigValues, catalog_values_are_parsed) {
  auto r = load_with("catalog", {{"DB_PASSWORD", "s3cret"},
                                 {"DB_SSLMODE", "verify-full"},
                                 {"CACHE_L1_MAX_BYTES", "0"},
                                 {"CACHE_ENABLED", "false"},
                                 {"CACHE_TTL_PRODUCT_LIST", "90s"},
                                 {"REQUEST_TIMEOUT", "750ms"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->db.password, "s3cret");
  EXPECT_EQ(r->db.sslmode, "verify-full");
  EXPECT_EQ(r->cache.l1_max_bytes, 0u);
  EXPECT_FALSE(r->cache.enabled);
  EXPECT_EQ(r->cache.ttl_product_list, 90s);
  EXPECT_EQ(r->request_timeout, 750ms);
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
  auto r = load_with("catalog", {{"DB_MAX_OPEN_CONNS", "10"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->db.max_idle_conns, 10);
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
      {"TRUSTED_PROXIES", "10.0.0.256", R"(config: TRUSTED_PROXIES="10.0.0.256": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "lb.internal", R"(config: TRUSTED_PROXIES="lb.internal": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/0", R"(config: TRUSTED_PROXIES="10.0.0.0/0": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "::/0", R"(config: TRUSTED_PROXIES="::/0": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/33", R"(config: TRUSTED_PROXIES="10.0.0.0/33": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "fd00::/129", R"(config: TRUSTED_PROXIES="fd00::/129": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/", R"(config: TRUSTED_PROXIES="10.0.0.0/": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/8/9", R"(config: TRUSTED_PROXIES="10.0.0.0/8/9": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/x", R"(config: TRUSTED_PROXIES="10.0.0.0/x": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/-8", R"(config: TRUSTED_PROXIES="10.0.0.0/-8": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/ 8", R"(config: TRUSTED_PROXIES="10.0.0.0/ 8": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"TRUSTED_PROXIES", "10.0.0.0/0008", R"(config: TRUSTED_PROXIES="10.0.0.0/0008": expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16)"},
      {"UPSTREAM_SOURCE_ADDRESS", "gateway.internal", R"(config: UPSTREAM_SOURCE_ADDRESS="gateway.internal": expected one IP address of this host, such as 127.0.0.4)"},
      {"UPSTREAM_SOURCE_ADDRESS", "127.0.0.4,127.0.0.5", R"(config: UPSTREAM_SOURCE_ADDRESS="127.0.0.4,127.0.0.5": expected one IP address of this host, such as 127.0.0.4)"},
      {"UPSTREAM_SOURCE_ADDRESS", "127.0.0.4:80", R"(config: UPSTREAM_SOURCE_ADDRESS="127.0.0.4:80": expected one IP address of this host, such as 127.0.0.4)"},
      {"API_V1_SUNSET", "2025-12-31", R"(config: API_V1_SUNSET="2025-12-31": expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT)"},
      {"API_V2_SUNSET", "Thu, 31 Dec 2025 23:59:59 GMT", R"(config: API_V2_SUNSET="Thu, 31 Dec 2025 23:59:59 GMT": expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT)"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of({{c.var, c.value}}, first_reader(c.var));
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



}  // namespace
}  // namespace mercato::config
