#include "http/server.hpp"

#include <atomic>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"

namespace mercato::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

namespace {

// RFC 9110 wants a Date on every response; formatting it once per second per thread keeps it
// off the profile.
std::string_view http_date() {
  thread_local std::time_t cached_at = 0;
  thread_local char buf[64];
  thread_local std::size_t len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_at = now;
  }
  return {buf, len};
}

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{true};
};

bhttp::response<bhttp::string_body> to_beast(Response&& res, bool head, bool keep_alive, unsigned version) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
  out.set(bhttp::field::server, "mercato");
  out.set(bhttp::field::date, http_date());
  bool bodiless = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  if (!bodiless && !res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  if (bodiless) return out;
  std::size_t size = res.body.size();
  if (!head) out.body() = std::move(res.body);
  out.content_length(size);
  return out;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, ServerOptions o, Handler h)
      : io(io), options(std::move(o)), handler(std::move(h)), acceptor(asio::make_strand(io)) {}

  asio::io_context& io;
  ServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};
  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io), redirect_error(use_awaitable, ec));
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
      socket.set_option(tcp::no_delay(true), ec);
      auto conn = std::make_shared<Connection>(std::move(socket));
      {
        std::lock_guard lock(mu);
        connections.emplace(conn.get(), conn);
      }
      ++active;
      auto exec = conn->stream.get_executor();
      asio::co_spawn(exec, session(conn), [self, raw = conn.get()](std::exception_ptr) {
        std::lock_guard lock(self->mu);
        self->connections.erase(raw);
        --self->active;
      });
    }
  }

  asio::awaitable<void> write_error(Connection& c, const Error& e, unsigned version) {
    Response res = error_response(e);
    res.set_header("X-Request-ID", ids::uuid_v7());
    auto out = to_beast(std::move(res), false, false, version ? version : 11);
    boost::system::error_code ec;
    c.stream.expires_after(options.read_timeout);
    co_await bhttp::async_write(c.stream, out, redirect_error(use_awaitable, ec));
  }

  asio::awaitable<void> session(std::shared_ptr<Connection> conn) {
    Connection& c = *conn;
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    std::string remote;
    if (auto ep = c.stream.socket().remote_endpoint(ec); !ec) remote = ep.address().to_string();

    for (;;) {
      if (buffer.size() == 0) {
        // Between requests: wait for the first byte under the idle timeout.
        c.idle = true;
        if (stopping) break;
        c.stream.expires_after(options.idle_timeout);
        std::size_t n = co_await c.stream.async_read_some(buffer.prepare(4096), redirect_error(use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      c.idle = false;
      // From the first byte, the whole request must arrive within read_timeout: a client
      // trickling bytes (slowloris) is cut off however slowly it sends.
      c.stream.expires_after(options.read_timeout);
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header));
      parser.body_limit(options.max_body);
      co_await bhttp::async_read(c.stream, buffer, parser, redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == bhttp::error::header_limit)
          co_await write_error(c, Error{ErrorCode::bad_request, "request header fields too large", {}, 431}, 11);
        else if (ec == bhttp::error::body_limit)
          co_await write_error(c, Error{ErrorCode::payload_too_large,
                                        "request body exceeds " + std::to_string(options.max_body) + " bytes"},
                               11);
        else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
          co_await write_error(c, Error{ErrorCode::bad_request, "malformed HTTP request: " + ec.message()}, 11);
        break;
      }

      auto& msg = parser.get();
      Request req;
      req.method = parse_method(msg.method_string());
      req.target.assign(msg.target().data(), msg.target().size());
      req.headers.reserve(16);
      for (const auto& f : msg) req.headers.emplace_back(f.name_string(), f.value());
      req.body = std::move(msg.body());
      req.remote_addr = remote;

      Response res;
      if (req.target.empty() || req.target[0] != '/') {
        res = error_response(bad_request("request target must be an absolute path"));
      } else {
        try {
          res = co_await handler(req);
        } catch (const std::exception& e) {
          // The pipeline's recover middleware normally catches this; this is the last guard.
          log::error("unhandled exception", {{"error", e.what()}});
          res = error_response(internal_error());
        }
      }
      bool keep_alive = msg.keep_alive() && !stopping;
      auto out = to_beast(std::move(res), req.method == Method::HEAD, keep_alive, msg.version());
      c.stream.expires_after(options.read_timeout);
      co_await bhttp::async_write(c.stream, out, redirect_error(use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    c.stream.socket().close(ec);
  }

  void close_connections(bool idle_only) {
    std::vector<std::shared_ptr<Connection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [raw, weak] : connections)
        if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) {
      asio::post(c->stream.get_executor(), [c, idle_only] {
        if (!idle_only || c->idle) c->stream.cancel();
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
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  return {};
}

std::uint16_t Server::port() const { return impl_->bound_port; }
std::size_t Server::active_connections() const { return impl_->active.load(); }
bool Server::draining() const { return impl_->stopping.load(); }

void Server::shutdown(std::chrono::milliseconds timeout, std::function<void()> done) {
  auto impl = impl_;
  impl->stopping = true;
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  asio::co_spawn(
      impl->io,
      [impl, timeout, done = std::move(done)]() -> asio::awaitable<void> {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        boost::system::error_code ec;
        while (impl->active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
          // Connections that finished their request since the last sweep are now idle.
          impl->close_connections(/*idle_only=*/true);
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
