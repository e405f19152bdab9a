#pragma once
// Typed configuration from the environment. Each module declares the variables it reads (a
// config::Group: name, type, default, range, doc) in its own *_config.cpp, next to the code
// that reads them; a service lists the groups of its components and validates only those.
// `--help` and the README's table are printed from the same declarations, and the loader is
// the only reader of the environment. How to add a variable: docs/architecture.md#configuration.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace mercato::config {

using Duration = std::chrono::milliseconds;

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  /// An upstream reached over a Unix domain socket (PRODUCT_SERVICE_SOCKET, …): the path, and
  /// then host and port only name the instance (Host field, span attributes). Empty: TCP.
  std::string socket = {};
  bool operator==(const HostPort&) const = default;
};

/// The longest path a Unix domain socket address holds on Linux (sun_path, less its NUL).
inline constexpr std::size_t kMaxSocketPath = 107;

enum class Kind { string, integer, port, duration, boolean, string_list, byte_size, level, choice, http_date };

/// Units for VarSpec bounds (durations in milliseconds, sizes in bytes); a declaring file says
/// `using namespace config::units;`.
namespace units {
inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kKiB = 1024;
inline constexpr std::int64_t kMiB = 1024 * kKiB;
inline constexpr std::int64_t kGiB = 1024 * kMiB;
}  // namespace units

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

/// A variable no module reads any more. Set anyway, it gets one warning at start naming it, so
/// a deployment that still sets it learns it does nothing.
struct RetiredVar {
  std::string_view name;
  std::string_view why;  // "removed: …", the rest of the warning line
};

struct Settings;
class Reader;

/// The variables one module reads, declared in that module's own file (src/db/db_config.cpp,
/// src/http/http_config.cpp, …), and how their values fill Settings. `load` reads every
/// variable of `vars` through the Reader (reading one that is not declared here is a bug the
/// Reader throws on) and checks the rules across them; production refusals too.
struct Group {
  std::string_view name;  // "db", "http", "gateway": unique across a service's groups
  std::string_view file;  // where it is declared, for the README: "src/db/db_config.cpp"
  std::span<const VarSpec> vars;
  void (*load)(Reader&, Settings&);
  std::span<const RetiredVar> retired = {};
  /// Groups whose fields `load` reads (e.g. "core" for ENVIRONMENT): they come earlier in a
  /// service's list.
  std::span<const std::string_view> after = {};
};

/// A service's groups, in load order (the order --help prints them).
using Groups = std::vector<const Group*>;

/// ENVIRONMENT and LOG_LEVEL: every service lists this group first.
const Group& core_group();

/// A list's programming errors: a group named twice, a variable declared (or retired) twice
/// across the groups, a group before one it reads (`after`), a declaration without a doc or a
/// choice without choices. The message names the first one found; load() refuses such a list,
/// and src/services/service_configs_test.cpp runs this over every service's list.
Status check_groups(const Groups& groups);

struct DbSettings {
  /// The first server of `hosts` (what logs and spans name); the only one for a plain DB_HOST.
  std::string host;
  std::uint16_t port = 5432;
  /// Every server libpq may try, in order (DB_HOST as host:port,...; db/libpq_target.hpp).
  /// Empty: `host` and `port` alone (a DbSettings built by hand).
  std::vector<HostPort> hosts;
  /// libpq target_session_attrs: "read-write" for a service's primary pool, so that with
  /// several hosts a session lands on whichever of them is the primary now (after a failover
  /// too); empty for a replica's pool, which must accept a standby.
  std::string target_session_attrs;
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
  /// Read replicas for db::ReplicaSet (DB_REPLICA_HOSTS; db/replica_config.cpp), and the
  /// staleness past which one leaves the read rotation (DB_REPLICA_MAX_LAG).
  std::vector<HostPort> replicas;
  Duration replica_max_lag{1000};
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
  Duration command_timeout{};
  Duration connect_timeout{};
  /// REDIS_SENTINELS: when not empty, host and port above are unused and the master's address
  /// is asked of these sentinels before every connect (src/cache/sentinel.hpp).
  std::vector<HostPort> sentinels = {};
  std::string sentinel_master = {};  // the name the sentinels monitor the master under
  /// REDIS_SENTINEL_USER/PASSWORD: the login to the sentinels themselves (empty: none).
  std::string sentinel_user = {};
  std::string sentinel_password = {};
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
  /// HTTP_SOCKET: a Unix domain socket the API is served on as well (empty: none).
  std::string socket = {};
};

struct CacheSettings {
  bool enabled = true;  // CACHE_ENABLED: false reads straight from the database
  Duration ttl_product_detail{};
  Duration ttl_product_list{};
  Duration ttl_category_list{};
  Duration http_max_age{};  // CACHE_HTTP_MAX_AGE: s-maxage of public GET answers (0: all private)
  std::size_t l1_max_bytes = 0;
  Duration l1_ttl{};        // CACHE_L1_TTL: L1 lifetime of any entry (at most 30 s)
  Duration ttl_negative{};  // CACHE_TTL_NEGATIVE: lifetime of "this id does not exist"
};

/// OpenTelemetry tracing (the OTEL_* variables and Mercato's tail rules), filled by the
/// "tracing" group (src/trace/tracing_config.cpp); the names are the specification's.
struct TracingSettings {
  /// Spans are recorded and exported: OTEL_SDK_DISABLED is false and OTEL_TRACES_EXPORTER is
  /// otlp (explicitly, or by default because an endpoint is set).
  bool exporting = false;
  std::string service_name;  // OTEL_SERVICE_NAME; empty: the service's own name
  /// OTEL_RESOURCE_ATTRIBUTES, percent-decoded, in the order given.
  std::vector<std::pair<std::string, std::string>> resource_attributes;
  /// Where spans are POSTed: host, port and path (…/v1/traces) of an http:// URL.
  HostPort endpoint;
  std::string endpoint_path;
  bool protobuf = false;      // OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (else http/json)
  Duration export_timeout{};  // OTEL_EXPORTER_OTLP_TIMEOUT: connect, write and read of one export
  /// OTEL_EXPORTER_OTLP_HEADERS, percent-decoded: often a collector's credential, so never
  /// logged, never in a metric or an error message.
  std::vector<std::pair<std::string, std::string>> headers;
  int max_queue_size = 0;         // OTEL_BSP_MAX_QUEUE_SIZE (spans)
  int max_export_batch_size = 0;  // OTEL_BSP_MAX_EXPORT_BATCH_SIZE (spans), at most the queue
  Duration schedule_delay{};      // OTEL_BSP_SCHEDULE_DELAY
  std::string sampler;            // OTEL_TRACES_SAMPLER, validated (trace::Sampler::parse)
  std::string sampler_arg;        // OTEL_TRACES_SAMPLER_ARG, validated with it
  Duration slow_threshold{};      // TRACES_SLOW_THRESHOLD; zero: no slow rule
  bool keep_errors = true;        // TRACES_KEEP_ERRORS
};

/// What the services read, filled by the groups a service lists; the comment on each part
/// names the group (and file) that declares it.
struct Settings {
  std::string service;
  // core (src/core/config.cpp)
  std::string environment;  // development | test | production
  log::Level log_level = log::Level::info;
  // http (src/http/http_config.cpp)
  HttpSettings http;
  std::vector<std::string> trusted_proxies;  // canonical IP text, as a server prints a peer's address
  // request-timeout (src/http/http_config.cpp): catalog and identity
  Duration request_timeout{};  // REQUEST_TIMEOUT: a service's own limit per request (http/deadline.hpp)
  // db (src/db/db_config.cpp)
  DbSettings db;
  std::string migrations_dir;
  // redis, cache-redis (src/cache/redis_config.cpp)
  RedisSettings redis;
  /// The catalog's L2 cache: `redis` with CACHE_REDIS_HOST/PORT (each defaulting to the main's).
  RedisSettings cache_redis;
  // tiered-cache (src/cache/tiered_cache_config.cpp) and catalog (src/services/catalog/catalog_config.cpp)
  CacheSettings cache;
  // identity-client (src/auth/auth_config.cpp): the JWKS and revocation fetches, the gateway's proxy
  std::vector<HostPort> user_service;
  Duration upstream_timeout{};
  // token-verify (src/auth/auth_config.cpp)
  std::string jwt_issuer;
  std::string jwt_audience;
  Duration jwt_clock_skew{};
  // gateway (src/services/gateway/gateway_config.cpp)
  std::vector<HostPort> product_service;
  /// Local address the gateway's upstream connections are opened from (canonical IP text);
  /// empty: the kernel's choice. The services behind trust that address (TRUSTED_PROXIES).
  std::string upstream_source_address;
  int rate_limit_per_minute = 0;
  int rate_limit_local_fallback = 1;  // expected gateway instances (local fallback budget divisor)
  int rate_limit_items_per_request = 100;  // RATE_LIMIT_ITEMS_PER_REQUEST: a bulk write's products per request
  std::vector<std::string> cors_origins;
  std::string api_v1_sunset;  // HTTP-date; empty: no Deprecation/Sunset headers on /api/v1
  std::string api_v2_sunset;
  std::string openapi_path;  // api/openapi.json, read once at start-up
  /// COMPRESS_MIN_BYTES: smallest answer body the gateway compresses; 0: compression off.
  std::size_t compress_min_bytes = 0;
  std::size_t gateway_cache_max_bytes = 0;  // GATEWAY_CACHE_MAX_BYTES; 0: no response cache
  Duration gateway_cache_max_ttl{};         // GATEWAY_CACHE_MAX_TTL: cap on an answer's s-maxage
  std::size_t principal_cache_max_bytes = 0;  // 0: GET /auth/me always asks identity
  Duration principal_cache_ttl{};             // safety net; changes drop entries at once
  // ops (src/services/gateway/ops_config.cpp)
  /// PROMETHEUS_URL, checked at load (http://host:port[/prefix]); empty: the operations
  /// endpoints answer 503.
  std::string prometheus_url;
  // identity (src/services/identity/identity_config.cpp)
  Duration jwt_access_ttl{};
  Duration jwt_refresh_ttl{};
  std::string jwt_keys_dir;
  int password_hash_workers = 0;  // 0: one per core
  int password_hash_queue = 0;
  int login_max_failures = 0;
  Duration login_failure_window{};
  // catalog (src/services/catalog/catalog_config.cpp)
  std::string catalog_cursor_secret;  // empty: the catalog signs cursors with a per-process key
  int audit_retention_months = 0;     // 0: the audit trail is kept forever
  int search_max_concurrent = 0;      // 0: no bound on the catalog's searches at once
  int search_max_waiting = 0;
  // catalog bulk writes and jobs (src/services/catalog/bulk_config.cpp)
  int bulk_max_items = 0;
  int bulk_chunk_size = 0;
  bool jobs_worker = true;
  Duration jobs_poll_interval{};
  Duration jobs_heartbeat_timeout{};
  int jobs_max_attempts = 0;
  // catalog CSV imports (src/services/catalog/bulk_config.cpp)
  int import_chunk_size = 0;
  Duration import_retention{};
  std::string import_currency;
  // tracing (src/trace/tracing_config.cpp): every service
  TracingSettings tracing;
};

using Getenv = std::function<const char*(const char*)>;

/// Reads and validates the variables of `groups`, group by group. The first bad one gives an
/// Error whose message is one line: `config: HTTP_PORT="abc": expected a port number 1-65535`.
/// Each set RetiredVar of the groups adds one line to `warnings` (when given).
Result<Settings> load(std::string_view service, const Groups& groups, const Getenv& getenv,
                      std::vector<std::string>* warnings = nullptr);
/// load() with the process environment.
Result<Settings> load_from_env(std::string_view service, const Groups& groups,
                               std::vector<std::string>* warnings = nullptr);

/// What `mercato-<service> --help` prints: each group's variables with type, this service's
/// default, accepted range and doc.
std::string help_text(std::string_view service, const Groups& groups);

/// One service and the groups it lists: the input of the README's configuration table.
struct ServiceGroups {
  std::string_view service;
  Groups groups;
};
/// The README's table (Markdown): one row per variable, the services that read it, its
/// default for each, its doc and range; then the retired variables.
std::string markdown_table(std::span<const ServiceGroups> services);

/// The text of a default for a service: "gateway=8080,catalog=8081,*=8080" gives "8081" for
/// the catalog; anything else is the same for every service.
std::string_view default_for(const VarSpec& v, std::string_view service);

/// Reads one group's variables for its `load`. The first failure is kept and every later read
/// returns a zero value, so a group's load reads like a plain list of fields.
class Reader {
 public:
  Reader(std::string_view service, const Getenv& getenv) : service_(service), getenv_(getenv) {}

  std::string string(std::string_view name);
  /// A string whose empty default means "the same as `fallback`".
  std::string string_or(std::string_view name, const std::string& fallback);
  std::uint16_t port(std::string_view name);
  /// A port whose empty default means "the same as `fallback`".
  std::uint16_t port_or(std::string_view name, std::uint16_t fallback);
  int integer(std::string_view name);
  Duration duration(std::string_view name);
  std::size_t bytes(std::string_view name);
  bool boolean(std::string_view name);
  /// CORS origins as browsers send them in `Origin`.
  std::vector<std::string> origin_list(std::string_view name);
  /// IP addresses in canonical form, so they compare equal to a peer address as printed.
  /// IP addresses and CIDR blocks (10.244.0.0/16; /0 refused), canonical, host bits cleared.
  std::vector<std::string> ip_list(std::string_view name);
  /// Empty, or one IP address in canonical form.
  std::string optional_ip(std::string_view name);
  /// One IP address (a listener's address), kept as written.
  std::string ip_address(std::string_view name);
  /// Empty, or an HTTP-date (kept as written: it is sent in headers as is).
  std::string http_date(std::string_view name);
  log::Level level(std::string_view name);
  /// The choice in its declared spelling (choices are case-insensitive).
  std::string choice(std::string_view name);
  /// A host (combined with the port variable) or a host:port list (the port is then unused,
  /// but still checked: a bad value anywhere is a mistake worth reporting).
  std::vector<HostPort> upstream(std::string_view host_name, std::string_view port_name);
  /// Empty, or the path of a Unix domain socket: absolute, at most kMaxSocketPath bytes, in a
  /// directory that exists.
  std::string socket_path(std::string_view name);
  /// `socket_name` (socket_path) set: the one instance of `hosts` is reached over that socket;
  /// refused when `hosts` lists several (a socket is one local instance).
  void upstream_socket(std::vector<HostPort>& hosts, std::string_view socket_name, std::string_view host_name);

  // Rules across variables of the group.

  /// `lower_name` must not exceed `upper`. Only an explicit setting is an error: a default
  /// that no longer fits under an explicitly lowered bound follows it down.
  int at_most(std::string_view lower_name, int value, std::string_view upper_name, int upper);
  /// `name`'s port must not be `other`'s: two listeners of one process cannot share a port.
  void port_differs(std::string_view name, std::uint16_t value, std::string_view other, std::uint16_t other_value);
  /// ENVIRONMENT=production refuses an empty `value` of `name` ("the Redis password").
  void require_in_production(const Settings& s, std::string_view name, const std::string& value,
                             std::string_view what);
  /// A rule across variables failed: `message` is the whole line after "config: ".
  void fail_rule(std::string message);

  // For load(): one group at a time.
  void begin(const Group& group);
  /// Every variable of the group must have been read: a declaration without a reader is a bug.
  void end();
  const std::optional<Error>& error() const { return error_; }

 private:
  struct Raw {
    const VarSpec* spec;
    std::string text;
  };
  bool failed() const { return error_.has_value(); }
  const VarSpec& find(std::string_view name) const;
  bool is_set(std::string_view name) const;
  Raw take(std::string_view name, Kind kind);
  std::uint16_t port_of(const Raw& r);
  void fail(const Raw& r, const std::string& expected);

  std::string_view service_;
  const Getenv& getenv_;
  const Group* group_ = nullptr;
  std::vector<bool> consumed_;
  std::optional<Error> error_;
};

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
