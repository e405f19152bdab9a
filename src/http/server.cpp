#include "http/server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "http/body_stream.hpp"
#include "http/client_address.hpp"
#include "http/envelope.hpp"
#include "http/keep_alive.hpp"
#include "http/response_head.hpp"
#include "http/send_now.hpp"

namespace mercato::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
/// A connection's socket, TCP or Unix: one type, so the session is compiled once. Its reads
/// and writes are the same non-virtual reactor calls as tcp::socket's; only endpoints differ.
using stream_socket = asio::generic::stream_protocol::socket;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

using Clock = std::chrono::steady_clock;

/// One client connection: its socket, and one deadline for whatever the session waits on.
///
/// Why not beast::tcp_stream: it cancels and re-arms a read and a write timer on every
/// expires_after(), ~10 % of the server's user-space instructions per request (callgrind,
/// GET /health/live). Here setting a deadline is storing a time_point; one timer per connection
/// (the watchdog, see Server::Impl::watch) wakes at least every `check_period` and closes the
/// socket once the deadline has passed. Every deadline set is at least `check_period` after
/// the moment it is set, and the timer is never armed further than `check_period` ahead, so
/// the timer never needs moving earlier: it fires at or before each deadline, never after.
/// Only the connection's executor touches `deadline`, `finished`, `socket` and `timer`.
struct Connection {
  explicit Connection(stream_socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  stream_socket socket;
  asio::steady_timer timer;  // the watchdog's
  std::string peer;          // the peer's address, as counted in Impl::per_address ("" if uncapped)
  Clock::time_point deadline = Clock::time_point::max();  // max: none (the handler runs)
  bool finished = false;  // the session ended; the watchdog stops at its next wake-up
  std::atomic<bool> idle{true};
  Clock::time_point idle_since = Clock::now();  // when `idle` last became true
};

/// Head (written into `head`, which the connection reuses) and body of `res`, for one gathered
/// write; the body buffer is empty when none may be sent (HEAD, 1xx, 204, 304).
std::array<asio::const_buffer, 2> response_buffers(std::string& head, const Response& res,
                                                   const ResponseFraming& framing) {
  bool with_body = write_response_head(head, res, framing);
  return {asio::buffer(head), with_body ? asio::buffer(res.body) : asio::const_buffer()};
}

/// Its fields live in the connection's arena (see session()).
using RequestParser = bhttp::request_parser<bhttp::string_body, std::pmr::polymorphic_allocator<char>>;

/// Feeds what `buffer` holds to `parser` (consuming it) until the request is complete, the
/// buffer runs out or the parser refuses the bytes; running out (need_more) is not an error.
void parse_buffered(RequestParser& parser, beast::flat_buffer& buffer, boost::system::error_code& ec) {
  ec = {};
  while (buffer.size() > 0 && !parser.is_done()) {
    std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec || used == 0) break;
  }
  if (ec == bhttp::error::need_more) ec = {};
}

/// What the server answers a request the parser refused before closing; nullopt when it just
/// closes (the peer went away or the socket failed mid-request).
std::optional<Error> refusal(const boost::system::error_code& ec, const ServerOptions& options) {
  if (ec == bhttp::error::header_limit) return Error{ErrorCode::bad_request, "request header fields too large", {}, 431};
  if (ec == bhttp::error::body_limit)
    return Error{ErrorCode::payload_too_large, "request body exceeds " + std::to_string(options.max_body) + " bytes"};
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    return Error{ErrorCode::bad_request, "malformed HTTP request: " + ec.message()};
  return std::nullopt;
}

/// The handler's view of the parsed message: the body is moved out, header views point into
/// the parser's fields.
void to_request(RequestParser& parser, Request& req) {
  auto& msg = parser.get();
  req.method = parse_method(msg.method_string());
  req.target.assign(msg.target().data(), msg.target().size());
  req.version = static_cast<int>(msg.version());
  for (const auto& f : msg) req.headers.emplace_back(f.name_string(), f.value());
  req.body = std::move(msg.body());
}

/// Answered instead of calling the handler (the connection stays open).
std::optional<Error> target_problem(const Request& req) {
  if (req.target.empty() || req.target[0] != '/') return bad_request("request target must be an absolute path");
  return std::nullopt;
}

}  // namespace

ParseOutcome parse_request(std::string_view bytes, const ServerOptions& options,
                           const std::function<void(const Request&)>& on_request, std::size_t read_size) {
  ParseOutcome out;
  std::array<std::byte, 2048> field_storage;  // as in session()
  std::pmr::monotonic_buffer_resource field_arena(field_storage.data(), field_storage.size());
  RequestParser parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(&field_arena));
  parser.header_limit(static_cast<std::uint32_t>(options.max_header));
  parser.body_limit(options.max_body);
  read_size = std::max<std::size_t>(read_size, 1);
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::size_t fed = 0;
  while (!parser.is_done() && fed < bytes.size()) {
    const auto chunk = bytes.substr(fed, read_size);
    buffer.commit(asio::buffer_copy(buffer.prepare(chunk.size()), asio::buffer(chunk)));
    fed += chunk.size();
    parse_buffered(parser, buffer, ec);
    if (ec) {
      out.kind = ParseOutcome::Kind::refused;
      out.answer = refusal(ec, options);
      return out;
    }
  }
  if (!parser.is_done()) return out;  // incomplete
  out.kind = ParseOutcome::Kind::complete;
  out.consumed = fed - buffer.size();
  out.keep_alive = parser.get().keep_alive();
  Request req;
  to_request(parser, req);
  out.answer = target_problem(req);
  if (!out.answer) on_request(req);
  return out;
}

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, ServerOptions o, Handler h)
      : io(io),
        options(std::move(o)),
        handler(std::move(h)),
        uncapped_set(options.uncapped_addresses),
        acceptor(asio::make_strand(io)),
        unix_acceptor(acceptor.get_executor()) {}
  ~Impl() { remove_socket_file(); }

  asio::io_context& io;
  ServerOptions options;
  Handler handler;
  /// options.uncapped_addresses as TRUSTED_PROXIES reads them: addresses and CIDR blocks.
  TrustedProxies uncapped_set;
  tcp::acceptor acceptor;
  local::acceptor unix_acceptor;  // open only with options.socket_path; on the acceptor's strand
  std::atomic<bool> created_socket{false};  // the file at socket_path is ours to remove
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};
  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  /// Open connections per capped peer address (under `mu`); an entry leaves at zero.
  std::unordered_map<std::string, int> per_address;
  /// How far ahead a connection's watchdog timer is ever armed: the shortest timeout, so that
  /// no deadline set later (now + a timeout) can fall before the timer's expiry.
  Clock::duration check_period = std::max<Clock::duration>(
      std::min({options.read_timeout, options.idle_timeout, options.request_start_timeout}),
      std::chrono::milliseconds(1));

  bool uncapped(const std::string& address) const { return uncapped_set.contains(address); }

  /// Counts a new connection from `address`; false when that address is at its cap.
  bool admit(const std::string& address) {
    std::lock_guard lock(mu);
    int& n = per_address[address];
    if (n >= options.max_connections_per_address) return false;
    ++n;
    return true;
  }

  void release(const std::string& address) {
    std::lock_guard lock(mu);
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
  }

  /// Where a new connection's coroutine, socket and timer run. With several threads on `io`, a
  /// strand keeps them and shutdown's posted cancel from running at once. With one thread they
  /// already run one at a time, so the strand only adds a lock and a queue to every completion:
  /// about a quarter of the server's user-space instructions per request (callgrind, 34k → 25k
  /// on GET /health/live).
  asio::any_io_executor connection_executor() {
    if (options.io_threads == 1) return io.get_executor();
    return asio::make_strand(io);
  }

  /// The connection's deadline loop: one async_wait at a time, re-armed only when it fires
  /// (at most every check_period), never cancelled per request. Closing the socket makes the
  /// session's pending read or write complete with an error, which ends the session.
  void watch(std::shared_ptr<Connection> conn) {
    Connection& c = *conn;
    c.timer.async_wait([this, conn = std::move(conn)](boost::system::error_code ec) mutable {
      Connection& c = *conn;
      if (c.finished || ec == asio::error::operation_aborted) return;
      auto now = Clock::now();
      if (now >= c.deadline) {
        c.finished = true;
        c.socket.close(ec);
        return;
      }
      c.timer.expires_at(c.deadline - now < check_period ? c.deadline : now + check_period);
      watch(std::move(conn));
    });
  }

  /// Ends `c`'s watchdog and closes its socket (once; also after an exception left the session).
  static void finish(Connection& c) {
    if (c.finished && !c.socket.is_open()) return;
    c.finished = true;
    c.timer.cancel();
    boost::system::error_code ec;
    c.socket.shutdown(stream_socket::shutdown_send, ec);
    c.socket.close(ec);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(connection_executor(), redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // EMFILE and friends: back off briefly instead of spinning on a failing accept.
        log::warn("accept failed", {{"error", ec.message()}});
        asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await t.async_wait(redirect_error(use_awaitable, ec));
        continue;
      }
      if (active.load() >= static_cast<std::size_t>(options.max_connections)) {
        socket.close(ec);
        continue;
      }
      // Closed at once rather than left in the backlog: a client over its share learns it now,
      // and its connections never take a slot another address needs (issue 13: 10,000 idle
      // sockets from one address filled the gateway).
      std::string peer;
      if (auto ep = socket.remote_endpoint(ec); !ec) peer = ep.address().to_string();
      if (ec) {
        socket.close(ec);
        continue;
      }
      const bool capped = !uncapped(peer);
      if (capped && !admit(peer)) {
        socket.close(ec);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      std::string capped_peer = capped ? peer : std::string();
      launch(stream_socket(std::move(socket)), std::move(capped_peer), std::move(peer));
    }
  }

  /// Accepts on the Unix socket. No per-address cap (every peer is the same local proxy, whose
  /// pool carries many clients), but the same max_connections.
  asio::awaitable<void> accept_unix_loop() {
    auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      local::socket socket = co_await unix_acceptor.async_accept(connection_executor(), redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        log::warn("accept failed", {{"error", ec.message()}, {"socket", options.socket_path}});
        asio::steady_timer t(unix_acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await t.async_wait(redirect_error(use_awaitable, ec));
        continue;
      }
      if (active.load() >= static_cast<std::size_t>(options.max_connections)) {
        socket.close(ec);
        continue;
      }
      launch(stream_socket(std::move(socket)), std::string(), std::string(kUnixSocketPeer));
    }
  }

  /// Registers an accepted connection and starts its watchdog and session. `capped_peer`: the
  /// address admit() counted it under ("" if uncapped); `remote`: Request::remote_addr.
  void launch(stream_socket socket, std::string capped_peer, std::string remote) {
    auto self = shared_from_this();
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->peer = std::move(capped_peer);
    {
      std::lock_guard lock(mu);
      connections.emplace(conn.get(), conn);
    }
    ++active;
    auto exec = conn->socket.get_executor();
    conn->deadline = Clock::now() + options.request_start_timeout;
    conn->timer.expires_at(Clock::now() + check_period);
    watch(conn);
    asio::co_spawn(exec, session(conn, std::move(remote)), [self, conn](std::exception_ptr) {
      finish(*conn);
      if (!conn->peer.empty()) self->release(conn->peer);
      std::lock_guard lock(self->mu);
      self->connections.erase(conn.get());
      --self->active;
    });
  }

  /// Binds the Unix socket (see ServerOptions::socket_path). A file left by a process that
  /// died is replaced only once a connect to it is refused: a live server's socket is never
  /// taken over, and a path that is no socket is never deleted.
  Status listen_unix() {
    const std::string& path = options.socket_path;
    const auto failed = [&](const std::string& why) {
      boost::system::error_code ignored;
      unix_acceptor.close(ignored);
      return Status(Error{ErrorCode::internal, "cannot listen on HTTP_SOCKET " + path + ": " + why});
    };
    if (path.size() >= sizeof(sockaddr_un::sun_path)) return failed("path too long");
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) return failed("the file exists and is not a socket");
      boost::system::error_code ec;
      local::socket probe(io);
      probe.connect(local::endpoint(path), ec);  // a local connect does not wait: it is accepted or refused
      if (!ec) return failed("another process listens on it");
      if (ec != asio::error::connection_refused) return failed(ec.message());
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return failed(std::string("removing the stale socket: ") + std::strerror(errno));
      log::info("removed a stale socket file", {{"socket", path}});
    }
    boost::system::error_code ec;
    unix_acceptor.open(local(), ec);
    if (!ec) unix_acceptor.bind(local::endpoint(path), ec);
    if (ec) return failed(ec.message());
    created_socket = true;
    // Before listen(): until then a connect is refused, so no one gets in under the umask's mode.
    if (::chmod(path.c_str(), 0660) != 0) {
      const std::string why = std::string("chmod: ") + std::strerror(errno);
      remove_socket_file();
      return failed(why);
    }
    unix_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      remove_socket_file();
      return failed(ec.message());
    }
    return {};
  }

  /// The file this server bound, once (at shutdown, or when start() fails after binding it).
  void remove_socket_file() {
    if (!created_socket.exchange(false)) return;
    ::unlink(options.socket_path.c_str());
  }

  asio::awaitable<void> write_error(Connection& c, std::string& head, const Error& e) {
    Response res = error_response(e);
    res.set_header("X-Request-ID", ids::uuid_v7());
    ResponseFraming framing;
    framing.keep_alive = false;
    auto buffers = response_buffers(head, res, framing);
    boost::system::error_code ec;
    c.deadline = Clock::now() + options.read_timeout;
    co_await asio::async_write(c.socket, buffers, redirect_error(use_awaitable, ec));
  }

  /// Writes `res`'s head, then its streamed body piece by piece: each piece is asked for only
  /// once the previous one is on the wire (back-pressure), and each write must finish within
  /// read_timeout (a reader that stops reading is cut off, the producer with it). No deadline
  /// while the producer works: it bounds its own calls. True when the whole body was sent and
  /// the connection may carry another request.
  asio::awaitable<bool> write_streamed(Connection& c, std::string& head, Response& res,
                                       const ResponseFraming& framing) {
    // The producer is released (BodyStream's destructor) however this ends.
    std::shared_ptr<BodyStream> stream = std::move(res.stream);
    const bool with_body = write_response_head(head, res, framing);
    boost::system::error_code ec;
    c.deadline = Clock::now() + options.read_timeout;
    co_await asio::async_write(c.socket, asio::buffer(head), redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    if (!with_body) co_return true;
    const bool chunked = framing.version >= 11;
    std::string piece;
    char size_line[24];
    for (;;) {
      piece.clear();
      c.deadline = Clock::time_point::max();
      Status produced = Error{ErrorCode::internal, "body producer threw"};
      try {
        produced = co_await stream->next(piece);
      } catch (const std::exception& e) {
        log::error("streamed body failed", {{"error", e.what()}});
      }
      if (!produced) {
        // Cut without the last chunk: the client must not take a partial body for a whole one.
        log::warn("streamed body ended early", {{"error", produced.error().message}});
        co_return false;
      }
      c.deadline = Clock::now() + options.read_timeout;
      if (!chunked) {
        if (piece.empty()) co_return false;  // close-delimited: the close ends the body
        co_await asio::async_write(c.socket, asio::buffer(piece), redirect_error(use_awaitable, ec));
        if (ec) co_return false;
        continue;
      }
      if (piece.empty()) {
        co_await asio::async_write(c.socket, asio::buffer("0\r\n\r\n", 5), redirect_error(use_awaitable, ec));
        co_return !ec;
      }
      // size in hex, CRLF, data, CRLF (RFC 9112 §7.1), in one gathered write.
      auto end = std::to_chars(size_line, size_line + sizeof size_line - 2, piece.size(), 16).ptr;
      *end++ = '\r';
      *end++ = '\n';
      const std::array<asio::const_buffer, 3> out = {
          asio::buffer(size_line, static_cast<std::size_t>(end - size_line)), asio::buffer(piece),
          asio::buffer("\r\n", 2)};
      co_await asio::async_write(c.socket, out, redirect_error(use_awaitable, ec));
      if (ec) co_return false;
    }
  }

  asio::awaitable<void> session(std::shared_ptr<Connection> conn, std::string remote) {
    Connection& c = *conn;
    beast::flat_buffer buffer;
    std::string head;  // every response head of this connection is written here
    head.reserve(512);
    // The parser's fields (one allocation each in Beast) and the request's header index are
    // the per-request allocations the connection can keep: the fields go to an arena reset
    // after each request (2 KiB in the coroutine frame holds a browser's header block; more
    // spills to the heap until the reset), the index vector passes from request to request.
    std::array<std::byte, 2048> field_storage;
    std::pmr::monotonic_buffer_resource field_arena(field_storage.data(), field_storage.size());
    std::vector<std::pair<std::string_view, std::string_view>> spare_headers;
    spare_headers.reserve(16);
    boost::system::error_code ec;
    bool first_request = true;
    allow_send_now(c.socket, ec);
    if (ec) {
      finish(c);
      co_return;
    }

    for (;;) {
      if (buffer.size() == 0) {
        // Waiting for a request's first byte: a new connection gets the short start timeout
        // (a silent socket is the cheapest way to hold a slot), a keep-alive connection that
        // has completed a request the idle timeout.
        // Also while draining: the answer just sent said keep-alive, so the peer may be writing
        // its next request now. The drain closes the connection once idle for its grace
        // (keep_alive.hpp); a request before then is answered with `Connection: close`.
        c.idle = true;
        c.idle_since = Clock::now();
        c.deadline = c.idle_since + (first_request ? options.request_start_timeout : options.idle_timeout);
        std::size_t n = co_await c.socket.async_read_some(buffer.prepare(4096), redirect_error(use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      c.idle = false;
      field_arena.release();
      RequestParser parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(&field_arena));
      parser.header_limit(static_cast<std::uint32_t>(options.max_header));
      parser.body_limit(options.max_body);
      // Usually the whole request came with the first read: parse it from the buffer, which
      // spares an asynchronous read (a posted completion) and a timer reset per request.
      parse_buffered(parser, buffer, ec);
      if (!ec && !parser.is_done()) {
        // From the first byte, the whole request must arrive within read_timeout: a client
        // trickling bytes (slowloris) is cut off however slowly it sends.
        c.deadline = Clock::now() + options.read_timeout;
        co_await bhttp::async_read(c.socket, buffer, parser, redirect_error(use_awaitable, ec));
      }
      if (ec) {
        if (auto answer = refusal(ec, options)) co_await write_error(c, head, *answer);
        break;
      }

      auto& msg = parser.get();
      Request req;
      req.headers = std::move(spare_headers);
      to_request(parser, req);
      req.remote_addr = remote;

      // No deadline while the handler runs (a proxied call has its own timeouts); shutdown's
      // timeout cuts a handler that never ends.
      c.deadline = Clock::time_point::max();
      // Made where it is known, not assigned over a default Response (whose content type alone
      // is an allocation).
      std::optional<Response> answer;
      if (auto problem = target_problem(req)) {
        answer.emplace(error_response(*problem));
      } else {
        try {
          Response handled = co_await handler(req);
          answer.emplace(std::move(handled));
        } catch (const std::exception& e) {
          // The pipeline's recover middleware normally catches this; this is the last guard.
          log::error("unhandled exception", {{"trace_id", req.context.trace_id()}, {"error", e.what()}});
          answer.emplace(error_response(internal_error()));
        }
      }
      Response& res = *answer;
      bool keep_alive = msg.keep_alive() && !stopping;
      ResponseFraming framing;
      framing.version = msg.version();
      framing.keep_alive = keep_alive;
      framing.head_request = req.method == Method::HEAD;
      if (res.stream) [[unlikely]] {
        // An HTTP/1.0 client gets the body delimited by the close.
        if (framing.version < 11 && !framing.head_request) keep_alive = framing.keep_alive = false;
        framing.streamed = true;
        const bool whole = co_await write_streamed(c, head, res, framing);
        if (!whole || !keep_alive) break;
        first_request = false;
        spare_headers = std::move(req.headers);
        spare_headers.clear();
        continue;
      }
      auto buffers = response_buffers(head, res, framing);
      // Sent at once where the socket takes it all (nearly always: an answer is smaller than
      // the socket's send buffer; http/send_now.hpp says why). What it did not take goes the
      // asynchronous way, under the read timeout like any write.
      const std::size_t total = asio::buffer_size(buffers);
      const std::size_t sent = send_now(c.socket, buffers, ec);
      if (!ec && sent < total) {
        beast::buffers_suffix<TwoBuffers> rest(buffers);
        rest.consume(sent);
        c.deadline = Clock::now() + options.read_timeout;
        co_await asio::async_write(c.socket, rest, redirect_error(use_awaitable, ec));
      }
      if (ec || !keep_alive) break;
      first_request = false;
      spare_headers = std::move(req.headers);
      spare_headers.clear();
    }
    finish(c);
  }

  /// Cuts every connection, or (idle_only) those waiting for a request since `idle_for` or
  /// longer.
  void close_connections(bool idle_only, Clock::duration idle_for = {}) {
    std::vector<std::shared_ptr<Connection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [raw, weak] : connections)
        if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) {
      asio::post(c->socket.get_executor(), [c, idle_only, idle_for] {
        boost::system::error_code ec;
        if (!idle_only || (c->idle && Clock::now() - c->idle_since >= idle_for)) c->socket.cancel(ec);
      });
    }
  }
};

Server::Server(asio::io_context& io, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(handler))) {}

Server::~Server() = default;

Status Server::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Error{ErrorCode::internal, "HTTP_HOST \"" + impl_->options.host + "\" is not an IP address"};
  tcp::endpoint ep(address, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    a.close(ignored);  // so a later start() can try again
    return Error{ErrorCode::internal,
                 "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) + ": " + ec.message()};
  }
  impl_->bound_port = a.local_endpoint().port();
  if (!impl_->options.socket_path.empty()) {
    if (auto st = impl_->listen_unix(); !st) {
      boost::system::error_code ignored;
      a.close(ignored);
      return st;
    }
    asio::co_spawn(a.get_executor(), impl_->accept_unix_loop(), asio::detached);
  }
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  return {};
}

std::uint16_t Server::port() const { return impl_->bound_port; }
std::size_t Server::active_connections() const { return impl_->active.load(); }
bool Server::draining() const { return impl_->stopping.load(); }

void Server::shutdown(std::chrono::milliseconds timeout, std::function<void()> done) {
  auto impl = impl_;
  impl->stopping = true;
  // The socket file goes first, here rather than with its acceptor (posted below), so it is
  // gone before `done` runs however the handlers are ordered; a proxy then gets "no such file"
  // at once, and a new instance can bind the path while this one drains.
  impl->remove_socket_file();
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->unix_acceptor.close(ec);
  });
  asio::co_spawn(
      impl->io,
      [impl, timeout, done = std::move(done)]() -> asio::awaitable<void> {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        boost::system::error_code ec;
        // Idle connections are closed once idle for a grace (keep_alive.hpp): the peer's next
        // request on a connection it used a moment ago is answered with `Connection: close`
        // instead of meeting the close in flight. Connections idle longer go at the first sweep.
        const auto grace = std::min<Clock::duration>(kDrainIdleGrace, timeout / 4);
        while (impl->active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
          impl->close_connections(/*idle_only=*/true, grace);
          timer.expires_after(std::chrono::milliseconds(20));
          co_await timer.async_wait(redirect_error(use_awaitable, ec));
        }
        if (impl->active.load() > 0) {
          log::warn("shutdown timeout: cutting connections", {{"connections", impl->active.load()}});
          impl->close_connections(/*idle_only=*/false);
        }
        done();
      },
      asio::detached);
}

}  // namespace mercato::http
