#include "http/http_config.hpp"

#include <algorithm>
#include <thread>

namespace mercato::http {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kServerVars[] = {
    {"HTTP_HOST", K::string, "127.0.0.1", "address the HTTP server listens on"},
    {"HTTP_PORT", K::port, "gateway=8080,catalog=8081,identity=8082,*=8080", "port the HTTP server listens on"},
    // The file is created mode 0660: whoever may connect (the service's user and group) is
    // trusted like TRUSTED_PROXIES (src/http/client_address.hpp).
    {"HTTP_SOCKET", K::string, "",
     "Unix domain socket (absolute path) the API is served on besides HTTP_PORT, for a proxy on the same host; "
     "its peers are trusted proxies; empty: none"},
    {"HTTP_WORKERS", K::integer, "0", "event-loop threads; 0 means one per CPU core", {}, 0, 256},
    {"HTTP_MAX_BODY", K::byte_size, "1MiB", "largest request body accepted (larger: 413)", {}, 1, kGiB},
    {"HTTP_MAX_HEADER", K::byte_size, "16KiB", "largest request header block accepted (larger: 431)", {}, kKiB,
     16 * 1024 * kKiB},
    {"HTTP_MAX_CONNECTIONS", K::integer, "10000", "client connections open at once; more are closed at accept", {},
     1, 1'000'000},
    {"HTTP_MAX_CONNECTIONS_PER_ADDRESS", K::integer, "256",
     "client connections one peer address may hold open (more are closed at accept; TRUSTED_PROXIES are exempt, "
     "since they carry many clients); at most HTTP_MAX_CONNECTIONS",
     {}, 1, 1'000'000},
    {"HTTP_REQUEST_START_TIMEOUT", K::duration, "5s",
     "a new connection is closed unless its first request starts (first byte) within this", {}, 1, kHour},
    {"HTTP_READ_TIMEOUT", K::duration, "10s", "time a client has to send one whole request (slowloris)", {}, 1,
     kHour},
    {"HTTP_IDLE_TIMEOUT", K::duration, "60s",
     "keep-alive connection closed after this long without a request, once it has completed one", {}, 1,
     24 * kHour},
    {"METRICS_HOST", K::string, "127.0.0.1",
     "address of the internal listener serving /metrics, /health/live and /health/ready (never the API port)"},
    {"METRICS_PORT", K::port, "gateway=9080,catalog=9081,identity=9082,*=9080",
     "port of the internal /metrics listener; must differ from HTTP_PORT"},
    {"SHUTDOWN_TIMEOUT", K::duration, "10s", "time in-flight requests get to finish after SIGTERM", {}, 0, kHour},
    // Per service: the gateway's own peers are clients (all on 127.0.0.1 in development), so
    // it believes no X-Forwarded-For unless told; the services behind it believe the gateway.
    {"TRUSTED_PROXIES", K::string_list, "gateway=,*=127.0.0.1",
     "peers whose X-Forwarded-For names the client address, as IP addresses or CIDR blocks (10.244.0.0/16) "
     "separated by commas"},
};

void load_server(config::Reader& r, config::Settings& s) {
  auto& h = s.http;
  h.host = r.string("HTTP_HOST");
  h.port = r.port("HTTP_PORT");
  h.socket = r.socket_path("HTTP_SOCKET");
  h.workers = r.integer("HTTP_WORKERS");
  if (h.workers == 0) h.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  h.max_body = r.bytes("HTTP_MAX_BODY");
  h.max_header = r.bytes("HTTP_MAX_HEADER");
  h.max_connections = r.integer("HTTP_MAX_CONNECTIONS");
  h.max_connections_per_address = r.at_most("HTTP_MAX_CONNECTIONS_PER_ADDRESS",
                                            r.integer("HTTP_MAX_CONNECTIONS_PER_ADDRESS"), "HTTP_MAX_CONNECTIONS",
                                            h.max_connections);
  h.request_start_timeout = r.duration("HTTP_REQUEST_START_TIMEOUT");
  h.read_timeout = r.duration("HTTP_READ_TIMEOUT");
  h.idle_timeout = r.duration("HTTP_IDLE_TIMEOUT");
  h.metrics_host = r.ip_address("METRICS_HOST");
  h.metrics_port = r.port("METRICS_PORT");
  r.port_differs("METRICS_PORT", h.metrics_port, "HTTP_PORT", h.port);
  h.shutdown_timeout = r.duration("SHUTDOWN_TIMEOUT");
  s.trusted_proxies = r.ip_list("TRUSTED_PROXIES");
}

constexpr config::VarSpec kRequestTimeoutVars[] = {
    {"REQUEST_TIMEOUT", K::duration, "30s",
     "time the service allows one request when no trusted caller sent X-Request-Deadline-Ms (a caller's budget "
     "only shortens it; the gateway's budget is UPSTREAM_TIMEOUT)",
     {}, 1, kHour},
};

void load_request_timeout(config::Reader& r, config::Settings& s) { s.request_timeout = r.duration("REQUEST_TIMEOUT"); }

constexpr config::Group kServer{"http", "src/http/http_config.cpp", kServerVars, load_server};
constexpr config::Group kRequestTimeout{"request-timeout", "src/http/http_config.cpp", kRequestTimeoutVars,
                                        load_request_timeout};

}  // namespace

const config::Group& server_config() { return kServer; }
const config::Group& request_timeout_config() { return kRequestTimeout; }

}  // namespace mercato::http
