#pragma once
// HTTP/1.1 client for calling other services (the gateway's proxy is its first user), over
// keep-alive connections pooled per upstream instance. Beast stays inside client.cpp, as it
// does inside server.cpp, so including this header costs nothing at compile time.
//
//   http::Client client(io);
//   http::Upstream& catalog = client.upstream({"127.0.0.1", 8081});
//   http::ClientRequest req;
//   req.target = "/api/v1/products";
//   auto res = co_await client.send(catalog, req, std::chrono::steady_clock::now() + 5s);
//   if (!res) return error_response(res.error());   // bad_gateway or gateway_timeout

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::http {

namespace asio = boost::asio;

struct ClientOptions {
  /// Bound on opening one TCP connection (resolution included), within the call's deadline.
  std::chrono::milliseconds connect_timeout{1000};
  /// Idle connections kept per upstream instance; more are closed when they come back.
  std::size_t max_idle_per_upstream = 64;
  /// A pooled connection unused this long is closed instead of reused. Kept below the
  /// servers' HTTP_IDLE_TIMEOUT (60 s) so the client, not the server, closes an idle
  /// connection, and a request is rarely written into one the server is closing.
  std::chrono::milliseconds max_idle_time{30000};
  std::size_t max_response_header = 64 << 10;
  std::size_t max_response_body = 32 << 20;
  /// Local IP address every connection is opened from (UPSTREAM_SOURCE_ADDRESS), so the
  /// upstream can tell this client from any other process of the host; empty: the kernel's
  /// choice. Only upstream addresses of its family are tried; a failure to bind is a failure
  /// to connect.
  std::string source_address;
};

struct ClientRequest {
  Method method = Method::GET;
  std::string_view target;  // path and optional query, starting with '/'
  /// Sent as given, in order. The client adds Content-Length (and Host, unless given here);
  /// do not pass hop-by-hop fields. Views must stay valid until send() returns.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  /// The trace id of the request this call is made for, for the client's log lines only (the
  /// traceparent goes in `headers`); empty when none.
  std::string_view trace_id;
  /// Nonzero: an answer in chunked transfer coding is not read whole. send() returns once its
  /// head arrived (within the deadline), with ClientResponse::stream reading the body a piece
  /// at a time, each piece within this long; the connection goes back to the pool only once
  /// the body was read to its end. Any other answer is read whole, as usual.
  std::chrono::milliseconds stream_idle_timeout{0};
};

struct ClientResponse {
  int status = 0;
  /// Every field as received (Connection, Content-Length and the like included).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Set instead of `body` for a chunked answer to a request with stream_idle_timeout: the
  /// body as it arrives, decoded from its chunks (http/body_stream.hpp). Destroying it before
  /// its end closes the connection, which tells the upstream to stop. The Client must outlive it.
  std::shared_ptr<BodyStream> stream;

  std::optional<std::string_view> header(std::string_view name) const;
};

/// Error::reason of a failed send(), so a caller can decide whether a retry is safe.
namespace upstream_failure {
/// No connection could be opened (refused, unreachable, unresolvable, connect timeout): the
/// request was never sent, so it may go to another instance even if it is a write.
inline constexpr std::string_view connect = "connect";
/// The deadline passed after the request was (or may have been) sent.
inline constexpr std::string_view timeout = "timeout";
/// The connection was reset or closed before a whole response came.
inline constexpr std::string_view io = "io";
/// The response was not valid HTTP/1.1 or exceeded the size limits.
inline constexpr std::string_view protocol = "protocol";
/// The request itself cannot be sent (CR/LF in a header, a target not starting with '/').
inline constexpr std::string_view invalid = "invalid_request";
}  // namespace upstream_failure

/// "host:port", an IPv6 host in brackets: the default Host field, and the `upstream` label of
/// the client's metrics for a TCP upstream.
std::string host_port(const config::HostPort& address);
/// How an upstream instance is named in logs, errors and the `upstream` metric label:
/// host_port(), or "unix:<path>" for one reached over a Unix domain socket.
std::string upstream_label(const config::HostPort& address);

/// True when the failed request provably never reached the upstream.
inline bool never_sent(const Error& e) {
  return e.reason == upstream_failure::connect || e.reason == upstream_failure::invalid;
}

/// One upstream instance (host:port, or a Unix socket path) with its pool of idle connections; opaque. Obtained from
/// Client::upstream() and valid as long as the Client.
class Upstream;

class Client {
 public:
  /// Connections are opened on `io`; the Client must be destroyed before `io`.
  explicit Client(asio::io_context& io, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// The pool for one instance, created on the first call for that host:port or socket path
  /// (later calls return the same one): over the Unix socket when address.socket is set, TCP
  /// otherwise. Keep the reference: send() then does no lookup. Thread-safe.
  Upstream& upstream(const config::HostPort& address);

  /// One request/response exchange, all of it (connect included) finished by `deadline`.
  /// Never throws for network trouble; failures come back as values:
  ///   refused, reset, closed early, malformed answer → Error{bad_gateway}
  ///   deadline passed (connect or answer)            → Error{gateway_timeout}
  /// with Error::reason one of upstream_failure (see never_sent()). Any HTTP status the
  /// upstream answers, 5xx included, is a successful Result.
  ///
  /// Reuses an idle pooled connection when one is alive, else opens one. A reused connection
  /// that fails before a single byte of the response arrived is assumed to have been closed
  /// by the server while idle (the request never reached its application), and the request
  /// is sent once more on a new connection. A HEAD response is read without a body.
  ///
  /// Threads: any number of coroutines may call send() at once, from any thread running the
  /// io_context; the pool is guarded by a mutex. Each call's I/O runs on the calling
  /// coroutine's executor, which must therefore be a strand (as every server connection's
  /// is) or a single-threaded io_context.
  asio::awaitable<Result<ClientResponse>> send(Upstream& to, const ClientRequest& request,
                                               std::chrono::steady_clock::time_point deadline);

  /// Idle connections pooled for `to` right now (for tests and diagnostics).
  std::size_t idle_connections(const Upstream& to) const;
  /// Closes every idle connection (at shutdown, or in tests to force new connections).
  void close_idle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::http
