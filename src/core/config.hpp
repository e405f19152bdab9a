#pragma once
// Typed configuration from the environment. Every variable is declared once, with its type,
// default and one-line doc, in the table in config.cpp; `--help` prints that table, and the
// loader is the only reader of the environment.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace mercato::config {

using Duration = std::chrono::milliseconds;

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const HostPort&) const = default;
};

enum class Kind { string, integer, port, duration, boolean, host_list, string_list, byte_size, level, choice, http_date };

/// One environment variable. `default_value` may depend on the service: it is then written
/// "gateway=8080,catalog=8081,identity=8082,*=8080" (`*` for any other service).
struct VarSpec {
  std::string_view name;
  Kind kind;
  std::string_view default_value;
  std::string_view doc;
  std::string_view choices = {};  // for Kind::choice: "a|b|c"
  /// Accepted range — integer: the value; duration: milliseconds; byte_size: bytes.
  /// max < 0: no upper bound beyond the type's own.
  std::int64_t min = 0;
  std::int64_t max = -1;
};

/// The whole table, in the order `--help` prints it.
std::span<const VarSpec> all_vars();

struct DbSettings {
  std::string host;
  std::uint16_t port = 5432;
  std::string user;
  std::string password;
  std::string name;
  std::string sslmode;
  /// DB_SSLMODE_INSECURE_OK: production accepts an sslmode below verify-full only with this.
  bool sslmode_insecure_ok = false;
  int max_open_conns = 0;
  int max_idle_conns = 0;
  Duration conn_max_lifetime{};
  Duration connect_timeout{};
  Duration query_timeout{};
  std::vector<HostPort> replicas;
  /// libpq `options`: server settings for every session of a pool, such as
  /// "-c plan_cache_mode=force_generic_plan". Set by a service's code, not by the environment.
  std::string server_options;
};

struct RedisSettings {
  std::string host;
  std::uint16_t port = 6379;
  std::string user;  // empty: AUTH <password> as the default user
  std::string password;
  int db = 0;
  int pool_size = 0;
  int min_idle_conns = 0;
  Duration max_conn_age{};
  Duration command_timeout{};
  Duration connect_timeout{};
  bool operator==(const RedisSettings&) const = default;
};

struct HttpSettings {
  std::string host;
  std::uint16_t port = 0;
  int workers = 0;  // resolved: never 0 after load()
  std::size_t max_body = 0;
  std::size_t max_header = 0;
  int max_connections = 0;
  int max_connections_per_address = 0;  // at most max_connections
  Duration request_start_timeout{};     // a new connection's first byte
  Duration read_timeout{};
  Duration idle_timeout{};
  Duration shutdown_timeout{};
  std::string metrics_host;  // the internal listener: /metrics and /health/*
  std::uint16_t metrics_port = 0;
};

struct CacheSettings {
  bool enabled = true;  // CACHE_ENABLED: false reads straight from the database
  Duration ttl_product_detail{};
  Duration ttl_product_list{};
  Duration ttl_category_list{};
  Duration ttl_user_data{};
  std::size_t l1_max_bytes = 0;
  Duration l1_ttl{};        // CACHE_L1_TTL: L1 lifetime of any entry (at most 30 s)
  Duration ttl_negative{};  // CACHE_TTL_NEGATIVE: lifetime of "this id does not exist"
};

struct Settings {
  std::string service;
  std::string environment;  // development | test | production
  log::Level log_level = log::Level::info;
  HttpSettings http;
  DbSettings db;
  RedisSettings redis;
  /// The catalog's L2 cache: `redis` with CACHE_REDIS_HOST/PORT (each defaulting to the main's).
  RedisSettings cache_redis;
  CacheSettings cache;
  std::vector<HostPort> product_service;
  std::vector<HostPort> user_service;
  Duration upstream_timeout{};
  /// Local address the gateway's upstream connections are opened from (canonical IP text);
  /// empty: the kernel's choice. The services behind trust that address (TRUSTED_PROXIES).
  std::string upstream_source_address;
  Duration request_timeout{};  // REQUEST_TIMEOUT: a service's own limit per request (http/deadline.hpp)
  int rate_limit_per_minute = 0;
  int rate_limit_local_fallback = 1;  // expected gateway instances (local fallback budget divisor)
  std::vector<std::string> cors_origins;
  std::string jwt_issuer;
  std::string jwt_audience;
  Duration jwt_access_ttl{};
  Duration jwt_refresh_ttl{};
  std::string jwt_keys_dir;
  Duration jwt_clock_skew{};
  int password_hash_workers = 0;  // 0: one per core
  int password_hash_queue = 0;
  int login_max_failures = 0;
  Duration login_failure_window{};
  std::vector<std::string> trusted_proxies;  // canonical IP text, as a server prints a peer's address
  std::string api_v1_sunset;  // HTTP-date; empty: no Deprecation/Sunset headers on /api/v1
  std::string api_v2_sunset;
  std::string migrations_dir;
  std::string openapi_path;  // gateway: api/openapi.json, read once at start-up
  std::string catalog_cursor_secret;  // empty: the catalog signs cursors with a per-process key
};

using Getenv = std::function<const char*(const char*)>;

/// Reads and validates every variable. The first bad one gives an Error whose message is one
/// line: `config: HTTP_PORT="abc": expected a port number 1-65535`.
Result<Settings> load(std::string_view service, const Getenv& getenv);
/// load() with the process environment.
Result<Settings> load_from_env(std::string_view service);

/// Every variable, its default for this service, and its doc — what `--help` prints.
std::string help_text(std::string_view service);

// Parsers, exposed for tests and for other code that takes the same formats. Each leaves
// `out` untouched when it returns false.

/// Whole numbers with units h, m, s, ms, each at most once and largest first: "250ms",
/// "30s", "15m", "1h", "1h30m"; "0" alone is zero. No sign, no fractions, no spaces.
bool parse_duration(std::string_view text, Duration& out);
/// A whole number of bytes, optionally with a unit: B; KiB, MiB, GiB, TiB (powers of 1024);
/// KB, MB, GB, TB (powers of 1000, as the SI prefixes say). Units are case-sensitive
/// ("Mb" would be megabits). "1048576", "64KiB", "1MiB", "2GiB".
bool parse_byte_size(std::string_view text, std::size_t& out);
/// "a:1,b:2" (spaces around items allowed; IPv6 hosts in brackets: "[::1]:5432"). Empty text
/// is an empty list.
bool parse_host_list(std::string_view text, std::vector<HostPort>& out);
/// An IMF-fixdate, the one HTTP-date form a sender may generate (RFC 9110 5.6.7):
/// "Sun, 06 Nov 1994 08:49:37 GMT", with the weekday matching the date.
bool parse_http_date(std::string_view text, std::int64_t& unix_seconds);

}  // namespace mercato::config
