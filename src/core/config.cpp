#include "core/config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/json.hpp"

namespace mercato::config {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kGiB = 1024 * 1024 * kKiB;
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

using K = Kind;

// The one declaration of every variable. Defaults are parsed by the same code as the
// environment, so a bad default fails the unit tests. Per-service defaults read
// "gateway=…,catalog=…,*=…". An unset or empty variable takes its default; variables for
// which empty means something (passwords, DB_REPLICA_HOSTS) therefore default to empty.
// Bounds (min/max) are the last two fields: integers in their unit, durations in ms, sizes
// in bytes.
constexpr VarSpec kVars[] = {
    {"ENVIRONMENT", K::choice, "development", "deployment environment", "development|test|production"},
    {"LOG_LEVEL", K::level, "info", "lowest level written to the log: debug|info|warn|error|off"},

    {"HTTP_HOST", K::string, "127.0.0.1", "address the HTTP server listens on"},
    {"HTTP_PORT", K::port, "gateway=8080,catalog=8081,identity=8082,*=8080", "port the HTTP server listens on"},
    {"HTTP_WORKERS", K::integer, "0", "event-loop threads; 0 means one per CPU core", {}, 0, 256},
    {"HTTP_MAX_BODY", K::byte_size, "1MiB", "largest request body accepted (larger: 413)", {}, 1, kGiB},
    {"HTTP_MAX_HEADER", K::byte_size, "16KiB", "largest request header block accepted (larger: 431)", {}, kKiB,
     16 * 1024 * kKiB},
    {"HTTP_MAX_CONNECTIONS", K::integer, "10000", "client connections open at once; more wait in the backlog", {}, 1,
     1'000'000},
    {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", K::integer, "256",
     "client connections one peer address may hold open (more are closed at accept; TRUSTED_PROXIES are exempt); at "
     "most HTTP_MAX_CONNECTIONS",
     {}, 1, 1'000'000},
    {"HTTP_REQUEST_START_TIMEOUT", K::duration, "5s",
     "a new connection is closed unless its first request starts (first byte) within this", {}, 1, kHour},
    {"HTTP_READ_TIMEOUT", K::duration, "10s", "time a client has to send one whole request", {}, 1, kHour},
    {"HTTP_IDLE_TIMEOUT", K::duration, "60s",
     "keep-alive connection closed after this long without a request, once it has completed one", {}, 1,
     24 * kHour},
    {"METRICS_HOST", K::string, "127.0.0.1",
     "address of the internal listener serving /metrics, /health/live and /health/ready (never the API port)"},
    {"METRICS_PORT", K::port, "gateway=9080,catalog=9081,identity=9082,*=9080",
     "port of the internal /metrics listener; must differ from HTTP_PORT"},
    {"SHUTDOWN_TIMEOUT", K::duration, "10s", "time in-flight requests get to finish after SIGTERM", {}, 0, kHour},

    {"DB_HOST", K::string, "127.0.0.1", "PostgreSQL primary host"},
    {"DB_PORT", K::port, "15432", "PostgreSQL primary port"},
    {"DB_USER", K::string, "postgres", "PostgreSQL user"},
    {"DB_PASSWORD", K::string, "", "PostgreSQL password (empty: none)"},
    {"DB_NAME", K::string, "catalog=mercato_catalog,identity=mercato_identity,*=mercato", "PostgreSQL database"},
    {"DB_SSLMODE", K::choice, "prefer", "libpq sslmode (production requires verify-full)",
     "disable|allow|prefer|require|verify-ca|verify-full"},
    {"DB_SSLMODE_INSECURE_OK", K::boolean, "false",
     "true lets ENVIRONMENT=production start with a DB_SSLMODE weaker than verify-full (say why in the deployment)"},
    {"DB_MAX_OPEN_CONNS", K::integer, "25", "connections to the primary, at most", {}, 1, 1000},
    {"DB_MAX_IDLE_CONNS", K::integer, "25", "idle connections kept open (at most DB_MAX_OPEN_CONNS)", {}, 0, 1000},
    {"DB_CONN_MAX_LIFETIME", K::duration, "15m", "a connection is replaced after this long; 0: never", {}, 0,
     1000 * kHour},
    {"DB_CONNECT_TIMEOUT", K::duration, "3s", "time allowed to open a connection", {}, 1, 10 * kMinute},
    {"DB_QUERY_TIMEOUT", K::duration, "5s", "time allowed for one query", {}, 1, kHour},
    {"DB_REPLICA_HOSTS", K::host_list, "", "read replicas as host:port,host:port (empty: reads use the primary)"},

    {"REDIS_HOST", K::string, "127.0.0.1", "Redis host"},
    {"REDIS_PORT", K::port, "16379", "Redis port"},
    {"REDIS_USER", K::string, "", "Redis ACL user (empty: the default user, AUTH with REDIS_PASSWORD alone)"},
    {"REDIS_PASSWORD", K::string, "", "Redis password (empty: none)"},
    {"REDIS_DB", K::integer, "0", "Redis database number", {}, 0, 15},
    {"REDIS_POOL_SIZE", K::integer, "100", "Redis connections, at most", {}, 1, 10000},
    {"REDIS_MIN_IDLE_CONNS", K::integer, "10", "Redis connections kept open when idle (at most REDIS_POOL_SIZE)", {},
     0, 10000},
    {"REDIS_MAX_CONN_AGE", K::duration, "30m", "a Redis connection is replaced after this long; 0: never", {}, 0,
     1000 * kHour},
    {"REDIS_COMMAND_TIMEOUT", K::duration, "500ms", "time allowed for one Redis command", {}, 1, kMinute},
    {"REDIS_CONNECT_TIMEOUT", K::duration, "1s", "time allowed to open a Redis connection", {}, 1, kMinute},
    // The catalog's L2 values live in a Redis of their own, bounded by maxmemory with
    // volatile-lru, so filling the cache can never evict the counters in the main one.
    {"CACHE_REDIS_HOST", K::string, "",
     "Redis holding the catalog's cached values, leases and generations (empty: REDIS_HOST); same user and "
     "password as REDIS_USER/REDIS_PASSWORD"},
    {"CACHE_REDIS_PORT", K::port, "", "port of CACHE_REDIS_HOST (empty: REDIS_PORT)"},

    {"PRODUCT_SERVICE_HOST", K::string, "127.0.0.1",
     "catalog service host, or host:port,host:port for several instances (then PRODUCT_SERVICE_PORT is ignored)"},
    {"PRODUCT_SERVICE_PORT", K::port, "8081", "catalog service port"},
    {"USER_SERVICE_HOST", K::string, "127.0.0.1",
     "identity service host, or host:port,host:port for several instances (then USER_SERVICE_PORT is ignored)"},
    {"USER_SERVICE_PORT", K::port, "8082", "identity service port"},
    {"UPSTREAM_TIMEOUT", K::duration, "5s", "time the gateway waits for a service's answer", {}, 1, 10 * kMinute},
    // The services behind the gateway trust exactly this address (their TRUSTED_PROXIES), so
    // no other local process can speak for a client there.
    {"UPSTREAM_SOURCE_ADDRESS", K::string, "",
     "local IP address the gateway opens upstream connections from (empty: the kernel's choice)"},
    {"REQUEST_TIMEOUT", K::duration, "30s",
     "time catalog and identity allow one request when no trusted caller sent X-Request-Deadline-Ms (a caller's "
     "budget only shortens it; the gateway's budget is UPSTREAM_TIMEOUT)",
     {}, 1, kHour},

    {"CACHE_ENABLED", K::boolean, "true",
     "false sends every read straight to PostgreSQL (no L1, no Redis cache, no single flight): for honest uncached "
     "benchmarks and for ruling the cache out while debugging"},
    {"CACHE_TTL_PRODUCT_DETAIL", K::duration, "1h", "cache lifetime of one product", {}, 0, 1000 * kHour},
    {"CACHE_TTL_PRODUCT_LIST", K::duration, "5m", "cache lifetime of a product list page", {}, 0, 1000 * kHour},
    {"CACHE_TTL_CATEGORY_LIST", K::duration, "24h", "cache lifetime of the category list", {}, 0, 1000 * kHour},
    {"CACHE_TTL_USER_DATA", K::duration, "15m",
     "cache lifetime of user data (accepted, unused: /auth/me always reads the row)", {}, 0, 1000 * kHour},
    {"CACHE_L1_MAX_BYTES", K::byte_size, "64MiB", "in-process cache size; 0 turns it off", {}, 0, 64 * kGiB},
    {"CACHE_L1_TTL", K::duration, "30s", "in-process cache lifetime of any entry (bounds staleness while Redis is down)",
     {}, 0, 30 * kSecond},
    {"CACHE_TTL_NEGATIVE", K::duration, "5s", "cache lifetime of a miss for an absent id (both tiers)", {}, 0,
     kHour},

    {"RATE_LIMIT_PER_MINUTE", K::integer, "100", "requests per client per minute at the gateway", {}, 1},
    {"RATE_LIMIT_LOCAL_FALLBACK", K::integer, "1",
     "expected gateway instances: while Redis is unreachable each allows RATE_LIMIT_PER_MINUTE / this", {}, 1, 1000},
    {"CORS_ORIGINS", K::string_list, "http://localhost:3000,http://127.0.0.1:3000",
     "origins allowed to call the API from a browser, comma-separated; * for any"},
    {"API_V1_SUNSET", K::http_date, "",
     "HTTP-date when /api/v1 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},
    {"API_V2_SUNSET", K::http_date, "",
     "HTTP-date when /api/v2 goes away, announced on its responses by Deprecation and Sunset headers (empty: none)"},

    {"JWT_ISSUER", K::string, "mercato-identity", "iss of issued tokens, required when verifying"},
    {"JWT_AUDIENCE", K::string, "mercato", "aud of issued tokens, required when verifying"},
    {"JWT_ACCESS_TTL", K::duration, "15m", "lifetime of an access token", {}, kSecond, 24 * kHour},
    {"JWT_REFRESH_TTL", K::duration, "720h", "lifetime of a refresh token family", {}, kSecond, 24 * 366 * kHour},
    {"JWT_KEYS_DIR", K::string, ".var/keys", "directory of the token signing keys"},
    {"JWT_CLOCK_SKEW", K::duration, "30s", "clock difference tolerated when checking exp, nbf and iat", {}, 0,
     5 * kMinute},

    {"PASSWORD_HASH_WORKERS", K::integer, "0", "threads hashing passwords (argon2id); 0 means one per CPU core", {},
     0, 256},
    {"PASSWORD_HASH_QUEUE", K::integer, "32", "password hashes waiting or running at once; more get 503", {}, 1,
     100000},
    {"LOGIN_MAX_FAILURES", K::integer, "10",
     "failed logins per account and client address per LOGIN_FAILURE_WINDOW before 429", {}, 1, 100000},
    {"LOGIN_FAILURE_WINDOW", K::duration, "15m", "window in which failed logins are counted", {}, kSecond,
     24 * kHour},
    // Per service: the gateway's own peers are clients (all on 127.0.0.1 in development), so
    // it believes no X-Forwarded-For unless told; the services behind it believe the gateway.
    {"TRUSTED_PROXIES", K::string_list, "gateway=,*=127.0.0.1",
     "peers whose X-Forwarded-For names the client address, as IP addresses separated by commas"},

    {"MIGRATIONS_DIR", K::string, "migrations", "directory of the SQL migrations"},
    {"OPENAPI_PATH", K::string, "api/openapi.json", "the OpenAPI document the gateway serves at /api/openapi.json"},

    {"CATALOG_CURSOR_SECRET", K::string, "",
     "key signing v2 list cursors; every catalog instance must share it (empty: random per process, development only)"},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto pos = s.find(sep);
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return parts;
    s.remove_prefix(pos + 1);
  }
}

// Digits only (no sign, no spaces), fitting in uint64.
bool parse_unsigned(std::string_view s, std::uint64_t& out) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), is_digit)) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_port(std::string_view s, std::uint16_t& out) {
  std::uint64_t v = 0;
  if (!parse_unsigned(s, v) || v < 1 || v > 65535) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

bool parse_integer(std::string_view s, std::int64_t& out) {
  if (s.empty() || !(is_digit(s[0]) || (s[0] == '-' && s.size() > 1))) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool parse_bool(std::string_view s, bool& out) {
  for (auto t : {"true", "1", "yes", "on"})
    if (iequals(s, t)) return out = true, true;
  for (auto f : {"false", "0", "no", "off"})
    if (iequals(s, f)) return out = false, true;
  return false;
}

bool valid_host(std::string_view h) {
  return !h.empty() && std::none_of(h.begin(), h.end(), [](char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '/' || c == '@' || static_cast<unsigned char>(c) < 0x20;
  });
}

// "h:p" or "[v6]:p".
bool parse_host_port(std::string_view item, HostPort& out) {
  std::string_view host, port;
  if (!item.empty() && item.front() == '[') {
    const auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':') return false;
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
  } else {
    const auto colon = item.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 needs brackets
  }
  std::uint16_t p = 0;
  if (!valid_host(host) || !parse_port(port, p)) return false;
  out = {std::string(host), p};
  return true;
}

// "gateway=8080,catalog=8081,*=8080": every comma-separated part is service=value.
bool is_per_service(std::string_view d) {
  if (d.find('=') == std::string_view::npos) return false;
  for (auto part : split(d, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    for (char c : part.substr(0, eq))
      if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '*')) return false;
  }
  return true;
}

std::string_view default_for(const VarSpec& v, std::string_view service) {
  if (!is_per_service(v.default_value)) return v.default_value;
  std::string_view any;
  for (auto part : split(v.default_value, ',')) {
    const auto eq = part.find('=');
    const auto who = part.substr(0, eq);
    if (who == service) return part.substr(eq + 1);
    if (who == "*") any = part.substr(eq + 1);
  }
  return any;
}

std::string format_duration(std::int64_t ms) {
  if (ms == 0) return "0";
  std::string out;
  const std::pair<std::int64_t, const char*> units[] = {{kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}, {1, "ms"}};
  for (auto [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

std::string format_bytes(std::int64_t n) {
  const std::pair<std::int64_t, const char*> units[] = {{kGiB, "GiB"}, {1024 * kKiB, "MiB"}, {kKiB, "KiB"}};
  for (auto [size, name] : units)
    if (n >= size && n % size == 0) return std::to_string(n / size) + name;
  return std::to_string(n);
}

// "from 1ms to 1h", "at least 1KiB"; `fmt` renders a bound in the kind's unit.
template <class Fmt>
std::string range_text(const VarSpec& v, Fmt fmt) {
  if (v.max < 0) return "at least " + fmt(v.min);
  return "from " + fmt(v.min) + " to " + fmt(v.max);
}

bool canonical_ip(std::string_view text, std::string& out) {
  const std::string s(text);
  unsigned char addr[16];
  char buf[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, s.c_str(), addr) == 1 && inet_ntop(family, addr, buf, sizeof buf) != nullptr) {
      out = buf;
      return true;
    }
  }
  return false;
}

bool valid_origin(std::string_view o) {
  if (o == "*") return true;
  const auto scheme_end = o.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  const auto rest = o.substr(scheme_end + 3);
  // Browsers send Origin without a path, so "http://x/" would never match anything.
  return !rest.empty() && rest.find('/') == std::string_view::npos && valid_host(rest);
}

/// Reads the variables one by one in the loader's order; the first failure is kept and
/// every later read returns a zero value, so load() reads like a plain list of fields.
class Loader {
 public:
  Loader(std::string_view service, const Getenv& getenv)
      : service_(service), getenv_(getenv), consumed_(std::size(kVars), false) {}

  std::optional<Error> error;

  std::string string(std::string_view name) { return std::string(take(name, K::string).text); }

  std::uint16_t port(std::string_view name) {
    Raw r = take(name, K::port);
    std::uint16_t p = 0;
    if (!failed() && !parse_port(r.text, p)) fail(r, "expected a port number 1-65535");
    return p;
  }

  /// A port whose empty default means "the same as `fallback`".
  std::uint16_t port_or(std::string_view name, std::uint16_t fallback) {
    Raw r = take(name, K::port);
    if (r.text.empty()) return fallback;
    std::uint16_t p = 0;
    if (!failed() && !parse_port(r.text, p)) fail(r, "expected a port number 1-65535");
    return p;
  }

  /// A string whose empty default means "the same as `fallback`".
  std::string string_or(std::string_view name, const std::string& fallback) {
    std::string v = string(name);
    return v.empty() ? fallback : v;
  }

  int integer(std::string_view name) {
    Raw r = take(name, K::integer);
    std::int64_t v = 0;
    const std::int64_t max = r.spec->max < 0 ? kIntMax : r.spec->max;
    if (failed()) return 0;
    if (!parse_integer(r.text, v) || v < r.spec->min || v > max) {
      fail(r, "expected an integer " + std::to_string(r.spec->min) + "-" + std::to_string(max));
      return 0;
    }
    return static_cast<int>(v);
  }

  Duration duration(std::string_view name) {
    Raw r = take(name, K::duration);
    Duration d{};
    if (failed()) return d;
    if (!parse_duration(r.text, d)) {
      fail(r, "expected a duration such as 500ms, 30s, 15m or 1h30m");
    } else if (d.count() < r.spec->min || (r.spec->max >= 0 && d.count() > r.spec->max)) {
      fail(r, "expected a duration " + range_text(*r.spec, format_duration));
    }
    return d;
  }

  std::size_t bytes(std::string_view name) {
    Raw r = take(name, K::byte_size);
    std::size_t n = 0;
    if (failed()) return n;
    if (!parse_byte_size(r.text, n)) {
      fail(r, "expected a byte size such as 1048576, 512KiB, 64MiB or 1GiB");
    } else if (n < static_cast<std::uint64_t>(r.spec->min) ||
               (r.spec->max >= 0 && n > static_cast<std::uint64_t>(r.spec->max))) {
      fail(r, "expected a byte size " + range_text(*r.spec, format_bytes));
    }
    return n;
  }

  bool boolean(std::string_view name) {
    Raw r = take(name, K::boolean);
    bool b = false;
    if (!failed() && !parse_bool(r.text, b)) fail(r, "expected true or false");
    return b;
  }

  std::vector<HostPort> host_list(std::string_view name) {
    Raw r = take(name, K::host_list);
    std::vector<HostPort> hosts;
    if (!failed() && !parse_host_list(r.text, hosts))
      fail(r, "expected host:port pairs separated by commas, such as db1:5432,db2:5432");
    return hosts;
  }

  std::vector<std::string> string_list(std::string_view name) {
    Raw r = take(name, K::string_list);
    std::vector<std::string> items;
    for (auto item : split(r.text, ','))
      if (auto t = trim(item); !t.empty()) items.emplace_back(t);
    return items;
  }

  /// CORS origins as browsers send them in `Origin`.
  std::vector<std::string> origin_list(std::string_view name) {
    Raw r = take(name, K::string_list);
    std::vector<std::string> items;
    for (auto item : split(r.text, ',')) {
      const auto t = trim(item);
      if (t.empty()) continue;
      if (!valid_origin(t)) {
        fail(r, "expected origins such as http://localhost:3000 (no path) separated by commas, or *");
        return {};
      }
      items.emplace_back(t);
    }
    return items;
  }

  /// IP addresses in canonical form, so they compare equal to a peer address as printed.
  std::vector<std::string> ip_list(std::string_view name) {
    Raw r = take(name, K::string_list);
    std::vector<std::string> ips;
    for (auto item : split(r.text, ',')) {
      const auto t = trim(item);
      if (t.empty()) continue;
      std::string ip;
      if (!canonical_ip(t, ip)) {
        fail(r, "expected IP addresses separated by commas, such as 10.0.0.1,10.0.0.2");
        return {};
      }
      ips.push_back(std::move(ip));
    }
    return ips;
  }

  /// Empty, or one IP address in canonical form.
  std::string optional_ip(std::string_view name) {
    Raw r = take(name, K::string);
    std::string ip;
    if (failed() || trim(r.text).empty()) return ip;
    if (!canonical_ip(trim(r.text), ip)) fail(r, "expected one IP address of this host, such as 127.0.0.4");
    return ip;
  }

  /// One IP address (a listener's address), kept as written.
  std::string ip_address(std::string_view name) {
    Raw r = take(name, K::string);
    std::string ip;
    if (!failed() && !canonical_ip(r.text, ip)) fail(r, "expected an IP address such as 127.0.0.1");
    return r.text;
  }

  /// `name`'s port must not be `other`'s: two listeners of one process cannot share a port.
  void port_differs(std::string_view name, std::uint16_t value, std::string_view other, std::uint16_t other_value) {
    if (failed() || value != other_value) return;
    const VarSpec& spec = find(name);
    const char* set = getenv_(std::string(name).c_str());
    fail(Raw{&spec, set && *set ? std::string(set) : std::to_string(value)},
         "expected a port other than " + std::string(other) + " (" + std::to_string(other_value) + ")");
  }

  /// Empty, or an HTTP-date (kept as written: it is sent in headers as is).
  std::string http_date(std::string_view name) {
    Raw r = take(name, K::http_date);
    std::int64_t t = 0;
    if (failed() || r.text.empty()) return {};
    if (!parse_http_date(r.text, t)) fail(r, "expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT");
    return r.text;
  }

  log::Level level(std::string_view name) {
    Raw r = take(name, K::level);
    log::Level l = log::Level::info;
    if (!failed() && !log::parse_level(r.text, l)) fail(r, "expected one of debug|info|warn|error|off");
    return l;
  }

  std::string choice(std::string_view name) {
    Raw r = take(name, K::choice);
    if (failed()) return {};
    for (auto c : split(r.spec->choices, '|'))
      if (iequals(r.text, c)) return std::string(c);
    fail(r, "expected one of " + std::string(r.spec->choices));
    return {};
  }

  /// A host (combined with the port variable) or a host:port list (the port is then unused,
  /// but still checked: a bad value anywhere is a mistake worth reporting).
  std::vector<HostPort> upstream(std::string_view host_name, std::string_view port_name) {
    Raw r = take(host_name, K::string);
    const std::uint16_t p = port(port_name);
    if (failed()) return {};
    std::vector<HostPort> hosts;
    const std::string_view text = r.text;
    const bool bracketed_host = text.size() > 2 && text.front() == '[' && text.back() == ']';
    if (bracketed_host) {
      hosts.push_back({std::string(text.substr(1, text.size() - 2)), p});
    } else if (text.find_first_of(":,") == std::string_view::npos && valid_host(text)) {
      hosts.push_back({std::string(text), p});
    } else if (!parse_host_list(text, hosts) || hosts.empty()) {
      fail(r, "expected a host, or host:port pairs separated by commas");
    }
    return hosts;
  }

  /// `lower_name` must not exceed `upper`. Only an explicit setting is an error: a default
  /// that no longer fits under an explicitly lowered bound follows it down.
  int at_most(std::string_view lower_name, int value, std::string_view upper_name, int upper) {
    if (failed() || value <= upper) return value;
    const VarSpec& spec = find(lower_name);
    if (!is_set(lower_name)) return upper;
    fail(Raw{&spec, std::string(getenv_(std::string(lower_name).c_str()))},
         "expected an integer " + std::to_string(spec.min) + "-" + std::to_string(spec.max) + ", at most " +
             std::string(upper_name) + " (" + std::to_string(upper) + ")");
    return value;
  }

  /// A rule across variables failed: `message` is the whole line after "config: ".
  void fail_rule(std::string message) {
    if (!failed()) error = Error{ErrorCode::bad_request, "config: " + std::move(message)};
  }

  /// Every declared variable must have been read: a row without a reader is a bug.
  void check_all_read() {
    if (failed()) return;
    for (std::size_t i = 0; i < consumed_.size(); ++i) {
      if (!consumed_[i]) {
        error = Error{ErrorCode::internal, "config: " + std::string(kVars[i].name) + " is declared but never read"};
        return;
      }
    }
  }

 private:
  struct Raw {
    const VarSpec* spec;
    std::string text;
  };

  bool failed() const { return error.has_value(); }

  static const VarSpec& find(std::string_view name) {
    for (const auto& v : kVars)
      if (v.name == name) return v;
    throw std::logic_error("config: no variable " + std::string(name) + " in the table");
  }

  bool is_set(std::string_view name) const {
    const char* v = getenv_(std::string(name).c_str());
    return v != nullptr && *v != '\0';
  }

  Raw take(std::string_view name, Kind kind) {
    const VarSpec& spec = find(name);
    if (spec.kind != kind) throw std::logic_error("config: " + std::string(name) + " read as the wrong kind");
    consumed_[static_cast<std::size_t>(&spec - kVars)] = true;
    const char* v = getenv_(std::string(name).c_str());
    if (v != nullptr && *v != '\0') return {&spec, v};
    return {&spec, std::string(default_for(spec, service_))};
  }

  void fail(const Raw& r, const std::string& expected) {
    if (failed()) return;
    // Quoted and escaped, so a value with a newline still gives one line; cut so a pasted
    // blob does not flood the terminal.
    constexpr std::size_t kMaxShown = 100;
    std::string shown = r.text.size() > kMaxShown ? r.text.substr(0, kMaxShown) + "..." : r.text;
    std::string msg = "config: " + std::string(r.spec->name) + "=";
    json::append_quoted(msg, shown);
    msg += ": " + expected;
    error = Error{ErrorCode::bad_request, std::move(msg)};
  }

  std::string_view service_;
  const Getenv& getenv_;
  std::vector<bool> consumed_;
};

}  // namespace

std::span<const VarSpec> all_vars() { return kVars; }

bool parse_duration(std::string_view text, Duration& out) {
  if (text == "0") {
    out = Duration{0};
    return true;
  }
  if (text.empty()) return false;
  struct Unit {
    std::string_view suffix;
    std::int64_t ms;
    int rank;  // units must appear in increasing rank: largest first, each once
  };
  // "ms" before "m" so the longer suffix wins.
  static constexpr Unit kUnits[] = {{"h", kHour, 0}, {"ms", 1, 3}, {"m", kMinute, 1}, {"s", kSecond, 2}};
  std::int64_t total = 0;
  int last_rank = -1;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) ++digits;
    std::uint64_t n = 0;
    if (!parse_unsigned(text.substr(0, digits), n) || n > static_cast<std::uint64_t>(INT64_MAX)) return false;
    text.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (!unit || unit->rank <= last_rank) return false;
    last_rank = unit->rank;
    text.remove_prefix(unit->suffix.size());
    std::int64_t part = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(n), unit->ms, &part) ||
        __builtin_add_overflow(total, part, &total))
      return false;
  }
  out = Duration{total};
  return true;
}

bool parse_byte_size(std::string_view text, std::size_t& out) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  std::uint64_t n = 0;
  if (!parse_unsigned(text.substr(0, digits), n)) return false;
  const std::string_view unit = text.substr(digits);
  struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},          {"B", 1},
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
      {"KB", 1000},     {"MB", 1000'000},   {"GB", 1000'000'000}, {"TB", 1000'000'000'000},
  };
  for (const auto& u : kUnits) {
    if (unit == u.suffix) {
      std::uint64_t v = 0;
      if (__builtin_mul_overflow(n, u.factor, &v) || v > std::numeric_limits<std::size_t>::max()) return false;
      out = static_cast<std::size_t>(v);
      return true;
    }
  }
  return false;
}

bool parse_host_list(std::string_view text, std::vector<HostPort>& out) {
  std::vector<HostPort> hosts;
  if (!trim(text).empty()) {
    for (auto item : split(text, ',')) {
      HostPort hp;
      if (!parse_host_port(trim(item), hp)) return false;
      hosts.push_back(std::move(hp));
    }
  }
  out = std::move(hosts);
  return true;
}

bool parse_http_date(std::string_view text, std::int64_t& unix_seconds) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": every field at a fixed offset.
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return false;
  auto number = [&](std::size_t pos, std::size_t len, unsigned& out) {
    std::uint64_t v = 0;
    if (!parse_unsigned(text.substr(pos, len), v)) return false;
    out = static_cast<unsigned>(v);
    return true;
  };
  unsigned day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!number(5, 2, day) || !number(12, 4, year) || !number(17, 2, hour) || !number(20, 2, minute) ||
      !number(23, 2, second) || hour > 23 || minute > 59 || second > 60)
    return false;
  unsigned month = 0;
  while (month < 12 && kMonths[month] != text.substr(8, 3)) ++month;
  if (month == 12) return false;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)), std::chrono::month(month + 1),
                                         std::chrono::day(day)};
  if (!date.ok()) return false;
  const std::chrono::sys_days days{date};
  if (kDays[std::chrono::weekday(days).c_encoding()] != text.substr(0, 3)) return false;
  unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(days.time_since_epoch()).count() + hour * 3600 +
                 minute * 60 + second;
  return true;
}

// Production refuses to start without the secrets development runs fine without, and with a
// database connection that does not verify the server (anything below verify-full can be
// intercepted by whoever sits on the path) unless the operator opts out by name.
void check_production(const Settings& s, Loader& L) {
  const bool uses_database = s.service != "gateway";
  auto require = [&](std::string_view name, const std::string& value, std::string_view what) {
    if (value.empty())
      L.fail_rule(std::string(name) + " is empty: ENVIRONMENT=production requires it (" + std::string(what) + ")");
  };
  if (s.service == "catalog") require("CATALOG_CURSOR_SECRET", s.catalog_cursor_secret, "the key signing v2 list cursors");
  if (uses_database) require("DB_PASSWORD", s.db.password, "the PostgreSQL password");
  require("REDIS_PASSWORD", s.redis.password, "the Redis password");
  if (uses_database && s.db.sslmode != "verify-full" && !s.db.sslmode_insecure_ok)
    L.fail_rule("DB_SSLMODE=\"" + s.db.sslmode +
                "\": ENVIRONMENT=production requires verify-full (or DB_SSLMODE_INSECURE_OK=true to accept a weaker "
                "mode knowingly)");
}

Result<Settings> load(std::string_view service, const Getenv& getenv) {
  Loader L(service, getenv);
  Settings s;
  s.service = std::string(service);
  s.environment = L.choice("ENVIRONMENT");
  s.log_level = L.level("LOG_LEVEL");

  s.http.host = L.string("HTTP_HOST");
  s.http.port = L.port("HTTP_PORT");
  s.http.workers = L.integer("HTTP_WORKERS");
  if (s.http.workers == 0) s.http.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s.http.max_body = L.bytes("HTTP_MAX_BODY");
  s.http.max_header = L.bytes("HTTP_MAX_HEADER");
  s.http.max_connections = L.integer("HTTP_MAX_CONNECTIONS");
  s.http.max_connections_per_address =
      L.at_most("HTTP_MAX_CONNECTIONS_PER_ADDRESS", L.integer("HTTP_MAX_CONNECTIONS_PER_ADDRESS"),
                "HTTP_MAX_CONNECTIONS", s.http.max_connections);
  s.http.request_start_timeout = L.duration("HTTP_REQUEST_START_TIMEOUT");
  s.http.read_timeout = L.duration("HTTP_READ_TIMEOUT");
  s.http.idle_timeout = L.duration("HTTP_IDLE_TIMEOUT");
  s.http.metrics_host = L.ip_address("METRICS_HOST");
  s.http.metrics_port = L.port("METRICS_PORT");
  L.port_differs("METRICS_PORT", s.http.metrics_port, "HTTP_PORT", s.http.port);
  s.http.shutdown_timeout = L.duration("SHUTDOWN_TIMEOUT");

  s.db.host = L.string("DB_HOST");
  s.db.port = L.port("DB_PORT");
  s.db.user = L.string("DB_USER");
  s.db.password = L.string("DB_PASSWORD");
  s.db.name = L.string("DB_NAME");
  s.db.sslmode = L.choice("DB_SSLMODE");
  s.db.sslmode_insecure_ok = L.boolean("DB_SSLMODE_INSECURE_OK");
  s.db.max_open_conns = L.integer("DB_MAX_OPEN_CONNS");
  s.db.max_idle_conns = L.at_most("DB_MAX_IDLE_CONNS", L.integer("DB_MAX_IDLE_CONNS"), "DB_MAX_OPEN_CONNS",
                                  s.db.max_open_conns);
  s.db.conn_max_lifetime = L.duration("DB_CONN_MAX_LIFETIME");
  s.db.connect_timeout = L.duration("DB_CONNECT_TIMEOUT");
  s.db.query_timeout = L.duration("DB_QUERY_TIMEOUT");
  s.db.replicas = L.host_list("DB_REPLICA_HOSTS");

  s.redis.host = L.string("REDIS_HOST");
  s.redis.port = L.port("REDIS_PORT");
  s.redis.user = L.string("REDIS_USER");
  s.redis.password = L.string("REDIS_PASSWORD");
  s.redis.db = L.integer("REDIS_DB");
  s.redis.pool_size = L.integer("REDIS_POOL_SIZE");
  s.redis.min_idle_conns = L.at_most("REDIS_MIN_IDLE_CONNS", L.integer("REDIS_MIN_IDLE_CONNS"), "REDIS_POOL_SIZE",
                                     s.redis.pool_size);
  s.redis.max_conn_age = L.duration("REDIS_MAX_CONN_AGE");
  s.redis.command_timeout = L.duration("REDIS_COMMAND_TIMEOUT");
  s.redis.connect_timeout = L.duration("REDIS_CONNECT_TIMEOUT");
  s.cache_redis = s.redis;
  s.cache_redis.host = L.string_or("CACHE_REDIS_HOST", s.redis.host);
  s.cache_redis.port = L.port_or("CACHE_REDIS_PORT", s.redis.port);

  s.product_service = L.upstream("PRODUCT_SERVICE_HOST", "PRODUCT_SERVICE_PORT");
  s.user_service = L.upstream("USER_SERVICE_HOST", "USER_SERVICE_PORT");
  s.upstream_timeout = L.duration("UPSTREAM_TIMEOUT");
  s.upstream_source_address = L.optional_ip("UPSTREAM_SOURCE_ADDRESS");
  s.request_timeout = L.duration("REQUEST_TIMEOUT");

  s.cache.enabled = L.boolean("CACHE_ENABLED");
  s.cache.ttl_product_detail = L.duration("CACHE_TTL_PRODUCT_DETAIL");
  s.cache.ttl_product_list = L.duration("CACHE_TTL_PRODUCT_LIST");
  s.cache.ttl_category_list = L.duration("CACHE_TTL_CATEGORY_LIST");
  s.cache.ttl_user_data = L.duration("CACHE_TTL_USER_DATA");
  s.cache.l1_max_bytes = L.bytes("CACHE_L1_MAX_BYTES");
  s.cache.l1_ttl = L.duration("CACHE_L1_TTL");
  s.cache.ttl_negative = L.duration("CACHE_TTL_NEGATIVE");

  s.rate_limit_per_minute = L.integer("RATE_LIMIT_PER_MINUTE");
  s.rate_limit_local_fallback = L.integer("RATE_LIMIT_LOCAL_FALLBACK");
  s.cors_origins = L.origin_list("CORS_ORIGINS");
  s.api_v1_sunset = L.http_date("API_V1_SUNSET");
  s.api_v2_sunset = L.http_date("API_V2_SUNSET");

  s.jwt_issuer = L.string("JWT_ISSUER");
  s.jwt_audience = L.string("JWT_AUDIENCE");
  s.jwt_access_ttl = L.duration("JWT_ACCESS_TTL");
  s.jwt_refresh_ttl = L.duration("JWT_REFRESH_TTL");
  s.jwt_keys_dir = L.string("JWT_KEYS_DIR");
  s.jwt_clock_skew = L.duration("JWT_CLOCK_SKEW");
  s.password_hash_workers = L.integer("PASSWORD_HASH_WORKERS");
  s.password_hash_queue = L.integer("PASSWORD_HASH_QUEUE");
  s.login_max_failures = L.integer("LOGIN_MAX_FAILURES");
  s.login_failure_window = L.duration("LOGIN_FAILURE_WINDOW");
  s.trusted_proxies = L.ip_list("TRUSTED_PROXIES");
  s.migrations_dir = L.string("MIGRATIONS_DIR");
  s.openapi_path = L.string("OPENAPI_PATH");
  s.catalog_cursor_secret = L.string("CATALOG_CURSOR_SECRET");

  L.check_all_read();
  if (!L.error && s.environment == "production") check_production(s, L);
  if (L.error) return std::move(*L.error);
  return s;
}

Result<Settings> load_from_env(std::string_view service) {
  return load(service, [](const char* name) -> const char* { return std::getenv(name); });
}

std::string help_text(std::string_view service) {
  std::size_t name_width = 0, default_width = 0;
  for (const auto& v : kVars) {
    name_width = std::max(name_width, v.name.size());
    const auto d = default_for(v, service);
    default_width = std::max(default_width, d.empty() ? 2 : d.size());
  }
  std::string out = "Environment variables of mercato-" + std::string(service) +
                    " (an unset or empty variable takes the default shown):\n";
  for (const auto& v : kVars) {
    std::string d(default_for(v, service));
    if (d.empty()) d = "\"\"";
    out += "  ";
    out += v.name;
    out.append(name_width - v.name.size() + 2, ' ');
    out += d;
    out.append(default_width - d.size() + 2, ' ');
    out += v.doc;
    if (v.kind == Kind::choice && v.doc.find(v.choices) == std::string_view::npos) {
      out += " (";
      out += v.choices;
      out += ')';
    }
    out += '\n';
  }
  return out;
}

}  // namespace mercato::config
