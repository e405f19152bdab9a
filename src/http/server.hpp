#pragma once
// The HTTP/1.1 server (Boost.Beast, C++20 coroutines). The only translation unit that
// includes Beast, so the rest of the code compiles fast.
//
// Limits, each answered with an envelope and then the connection closed:
//   header block over max_header → 431 (code bad_request); body over max_body → 413;
//   malformed request → 400. A new connection that sends no byte within request_start_timeout,
//   a keep-alive connection idle longer than idle_timeout after a response, or a request not
//   fully received within read_timeout of its first byte (slowloris), is closed. Connections
//   beyond max_connections in all, or beyond max_connections_per_address from one peer address
//   (except the uncapped ones), are closed at accept.

#include <utility>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/error.hpp"
#include "http/handler.hpp"

namespace mercato::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests)
  /// A Unix domain socket to serve on as well (HTTP_SOCKET), for a proxy on the same host;
  /// empty: TCP only. Created mode 0660 (its peers are trusted proxies, http/client_address.hpp),
  /// a stale file nobody listens on replaced, the file removed at shutdown. Its connections get
  /// remote_addr kUnixSocketPeer and no per-address cap; they count towards max_connections.
  std::string socket_path;
  std::size_t max_body = 1 << 20;
  std::size_t max_header = 16 << 10;
  int max_connections = 10000;
  /// Connections one peer address may hold open at once, so one client (or one attacker's
  /// address) cannot take the whole of max_connections from everyone else.
  int max_connections_per_address = 256;
  /// Peer addresses (canonical IP text) and CIDR blocks (TRUSTED_PROXIES' forms) the
  /// per-address cap does not apply to: proxies that carry many clients' requests (the
  /// dashboard in front of the gateway, the gateway in front of the services). They still
  /// count towards max_connections.
  std::vector<std::string> uncapped_addresses;
  std::chrono::milliseconds read_timeout{10000};
  /// A new connection must send the first byte of its first request within this: a socket
  /// opened and left silent costs a file descriptor and a slot for no more than this long.
  std::chrono::milliseconds request_start_timeout{5000};
  /// Between requests on a keep-alive connection that has completed a request.
  std::chrono::milliseconds idle_timeout{60000};
  /// How many threads run the io_context. Exactly 1 lets connections skip their strand (a
  /// measurable share of the per-request cost); 0 (unknown) or more keeps a strand per
  /// connection. Setting 1 while more threads run `io` is a data race.
  int io_threads = 0;
};

/// How the read path ended on the bytes it was given (see parse_request).
struct ParseOutcome {
  enum class Kind {
    complete,    // a whole request: on_request was called with it
    incomplete,  // the bytes end inside a request; the connection would read on
    refused,     // the server answers `answer` and closes the connection
  };
  Kind kind = Kind::incomplete;
  std::optional<Error> answer;  // refused (and complete with a target that is not a path)
  std::size_t consumed = 0;     // bytes the request took (complete)
  bool keep_alive = false;      // complete: the connection may carry another request
};

/// The connection's parse step without a socket, through the same code and limits a session
/// uses: one request from the start of `bytes`, fed to the parser `read_size` bytes at a time
/// (as reads would deliver them). `on_request` sees a complete request before the handler
/// would; its header views are valid during the call only. For tests and the fuzz harness.
ParseOutcome parse_request(std::string_view bytes, const ServerOptions& options,
                           const std::function<void(const Request&)>& on_request,
                           std::size_t read_size = std::string_view::npos);

class Server {
 public:
  /// `handler` answers every request that passed the limits (normally the service pipeline).
  /// It is called on any thread running `io`; it must be safe to call concurrently.
  Server(asio::io_context& io, ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts accepting (on the socket path too, when set). Error when the
  /// address or the path cannot be used (a live process listens on the path; it is no socket).
  Status start();
  std::uint16_t port() const;

  /// Graceful stop: no new connections; requests in flight, and requests that arrive on a
  /// connection within a short grace after its last answer, finish and get `Connection: close`;
  /// connections idle longer are closed (keep_alive.hpp says why). `done` runs once every
  /// connection is closed, or once `timeout` has passed (the rest are then cut). Thread-safe; call once.
  void shutdown(std::chrono::milliseconds timeout, std::function<void()> done);

  std::size_t active_connections() const;
  bool draining() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mercato::http
