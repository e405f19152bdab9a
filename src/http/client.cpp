#include "http/client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <deque>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log.hpp"
#include "http/body_stream.hpp"
#include "http/keep_alive.hpp"
#include "http/send_now.hpp"
#include "core/metrics.hpp"

namespace mercato::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
/// TCP or a Unix domain socket (config::HostPort::socket), one type for both: the exchange is
/// compiled once and its reads and writes are the same non-virtual calls either way.
using generic_stream = asio::generic::stream_protocol;
using Stream = beast::basic_stream<generic_stream>;
using Clock = std::chrono::steady_clock;
using asio::redirect_error;
using asio::use_awaitable;

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

namespace {

struct Connection {
  // Beast reads at most max(512, free capacity) bytes at a time, so an empty buffer took a
  // 2 KB answer in four reads (and four trips through the reactor); one read of a typical
  // answer needs the room up front. 16 KiB per pooled connection.
  static constexpr std::size_t kReadBuffer = 16 << 10;
  explicit Connection(Stream s) : stream(std::move(s)) { buffer.reserve(kReadBuffer); }
  Stream stream;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};
};
using ConnectionPtr = std::unique_ptr<Connection>;

/// Parses an upstream's answer straight into a ClientResponse. Beast's response_parser first
/// keeps the fields in its own container (an allocation and a tree insert per field), from which
/// they were copied into the ClientResponse anyway: ~5,000 of a forwarded request's ~64,000
/// gateway instructions (callgrind). Framing, limits and keep-alive stay Beast's (basic_parser);
/// only where the parts go is decided here.
class AnswerParser final : public bhttp::basic_parser<false> {
 public:
  AnswerParser() { answer.headers.reserve(16); }
  ClientResponse answer;

 private:
  // A body declared larger than this still arrives (up to body_limit), only not reserved at once.
  static constexpr std::uint64_t kReserveAtMost = 1 << 20;

  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int, beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override { answer.status = code; }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
    answer.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    if (length) answer.body.reserve(static_cast<std::size_t>(std::min(*length, kReserveAtMost)));
  }
  std::size_t on_body_impl(beast::string_view piece, beast::error_code&) override {
    answer.body.append(piece.data(), piece.size());
    return piece.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view piece, beast::error_code&) override {
    answer.body.append(piece.data(), piece.size());
    return piece.size();
  }
  void on_finish_impl(beast::error_code&) override {}
};

Error failure(ErrorCode code, std::string message, std::string_view reason) {
  Error e(code, std::move(message));
  e.reason = std::string(reason);
  return e;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_field_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!is_token_char(c)) return false;
  return true;
}

// Obs-text and tabs are allowed in values; CR, LF and NUL would let a value forge fields.
// Three memchr passes rather than one loop with three compares a byte: every forwarded request
// checks each of its fields, and a bearer token alone is ~400 bytes.
bool valid_field_value(std::string_view value) {
  return value.find('\r') == std::string_view::npos && value.find('\n') == std::string_view::npos &&
         value.find('\0') == std::string_view::npos;
}

bool valid_target(std::string_view target) {
  if (target.empty() || target[0] != '/') return false;
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

bool sends_body(Method m, std::string_view body) {
  return !body.empty() || m == Method::POST || m == Method::PUT || m == Method::PATCH;
}

// A pooled connection the server has closed shows EOF (or an error) to a non-blocking
// peek; one that is still open has nothing to read. One syscall, and it catches the common
// case (the server's idle timeout, a restart) before a request is written into a dead socket.
bool looks_alive(Connection& c) {
  if (c.buffer.size() != 0 || !c.stream.socket().is_open()) return false;
  char byte;
  const ssize_t n = ::recv(c.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// Opens `sock` for `to`'s family, bound to `source` before it connects. The port is left to
// connect() (IP_BIND_ADDRESS_NO_PORT, Linux 4.2+), which picks one per destination, instead of
// bind() reserving one of the source address's ephemeral ports for good.
void open_bound(generic_stream::socket& sock, const tcp::endpoint& to, const asio::ip::address& source,
                boost::system::error_code& ec) {
  sock.close(ec);
  sock.open(generic_stream(to.protocol()), ec);
  if (ec) return;
  const int one = 1;
  ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);  // a hint only
  sock.bind(generic_stream::endpoint(tcp::endpoint(source, 0)), ec);
}

}  // namespace

std::string host_port(const config::HostPort& a) {
  const bool v6 = a.host.find(':') != std::string::npos;
  return (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

std::string upstream_label(const config::HostPort& a) {
  return a.socket.empty() ? host_port(a) : "unix:" + a.socket;
}

class Upstream {
 public:
  Upstream(const config::HostPort& a, metrics::CounterFamily& requests, metrics::HistogramFamily& durations,
           metrics::GaugeFamily& idle_family)
      : address(a), label(upstream_label(a)), host_field(host_port(a)) {
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(a.host, ec);
    if (!ec) literal = tcp::endpoint(ip, a.port);
    for (std::string_view r : kResults) results.push_back(&requests.with({label, r}));
    duration = &durations.with({label});
    idle_gauge = &idle_family.with({label});
  }

  // Result labels of upstream_requests_total: "ok", then the upstream_failure reasons.
  static constexpr std::array<std::string_view, 6> kResults = {
      "ok", upstream_failure::connect, upstream_failure::timeout, upstream_failure::io, upstream_failure::protocol,
      upstream_failure::invalid};

  metrics::Counter& result_counter(std::string_view result) {
    for (std::size_t i = 0; i < kResults.size(); ++i)
      if (kResults[i] == result) return *results[i];
    return *results[0];
  }

  config::HostPort address;
  std::string label;       // upstream_label(): logs, metrics, errors
  std::string host_field;  // the Host field sent: host:port, even over a Unix socket
  std::optional<tcp::endpoint> literal;  // host is an IP address: no resolver needed

  mutable std::mutex mu;
  std::deque<ConnectionPtr> idle;  // back: most recently returned, so reuse is LIFO

  std::vector<metrics::Counter*> results;
  metrics::Histogram* duration = nullptr;
  metrics::Gauge* idle_gauge = nullptr;
};

struct Client::Impl {
  Impl(asio::io_context& io, ClientOptions o)
      : io(io),
        options(o),
        requests(metrics::Registry::global().counter("upstream_requests_total",
                                                     "Requests sent to upstream services, by outcome",
                                                     {"upstream", "result"})),
        durations(metrics::Registry::global().histogram("upstream_request_duration_seconds",
                                                        "Time from sending a request upstream to its whole answer",
                                                        {"upstream"})),
        idle_family(metrics::Registry::global().gauge("upstream_pool_idle",
                                                      "Idle keep-alive connections pooled per upstream instance",
                                                      {"upstream"})) {
    if (!o.source_address.empty()) source = asio::ip::make_address(o.source_address, source_error);
  }

  asio::io_context& io;
  ClientOptions options;
  std::optional<asio::ip::address> source;  // options.source_address, parsed
  boost::system::error_code source_error;   // it did not parse: every connect fails
  metrics::CounterFamily& requests;
  metrics::HistogramFamily& durations;
  metrics::GaugeFamily& idle_family;

  std::mutex mu;
  std::unordered_map<std::string, std::unique_ptr<Upstream>> upstreams;  // by label

  /// A live idle connection, or null. Stale ones met on the way are closed. For an idempotent
  /// request a connection used within kUncheckedReuse is taken without the MSG_PEEK check
  /// (keep_alive.hpp).
  ConnectionPtr checkout(Upstream& to, Method method) {
    const auto now = Clock::now();
    for (;;) {
      ConnectionPtr c;
      {
        std::lock_guard lock(to.mu);
        if (to.idle.empty()) return nullptr;
        c = std::move(to.idle.back());
        to.idle.pop_back();
        to.idle_gauge->dec();
      }
      const auto idle = now - c->idle_since;
      if (idempotent(method) && idle < kUncheckedReuse && c->buffer.size() == 0 && c->stream.socket().is_open()) return c;
      if (idle < options.max_idle_time && looks_alive(*c)) return c;
    }
  }

  void checkin(Upstream& to, ConnectionPtr c) {
    const auto now = Clock::now();
    c->idle_since = now;
    std::vector<ConnectionPtr> closing;  // closed after the lock is released
    {
      std::lock_guard lock(to.mu);
      // The front holds the longest idle; they would be discarded at checkout anyway, and
      // meanwhile hold a socket the server is about to close.
      while (!to.idle.empty() && now - to.idle.front()->idle_since >= options.max_idle_time) {
        closing.push_back(std::move(to.idle.front()));
        to.idle.pop_front();
        to.idle_gauge->dec();
      }
      if (to.idle.size() < options.max_idle_per_upstream) {
        to.idle.push_back(std::move(c));
        to.idle_gauge->inc();
      } else {
        closing.push_back(std::move(c));
      }
    }
  }

  /// Serializes the request line and header block; the body is written after it as is.
  std::optional<Error> write_head(const Upstream& to, const ClientRequest& r, std::string& head) const {
    const auto method = method_name(r.method);
    if (r.method == Method::OTHER)
      return failure(ErrorCode::internal, "cannot send a request with an unknown method", upstream_failure::invalid);
    if (!valid_target(r.target))
      return failure(ErrorCode::internal, "request target must be an absolute path without spaces",
                     upstream_failure::invalid);
    std::size_t size = method.size() + r.target.size() + to.host_field.size() + 64;
    for (const auto& [k, v] : r.headers) size += k.size() + v.size() + 4;
    head.reserve(size);
    head.append(method).append(" ").append(r.target).append(" HTTP/1.1\r\n");
    bool has_host = false;
    for (const auto& [k, v] : r.headers) {
      if (!valid_field_name(k) || !valid_field_value(v))
        return failure(ErrorCode::internal, "request header \"" + std::string(k.substr(0, 64)) + "\" is malformed",
                       upstream_failure::invalid);
      // The body is always sent whole with its own length; a caller's framing fields would
      // contradict it.
      if (iequals(k, "content-length") || iequals(k, "transfer-encoding")) continue;
      has_host = has_host || iequals(k, "host");
      head.append(k).append(": ").append(v).append("\r\n");
    }
    if (!has_host) head.append("Host: ").append(to.host_field).append("\r\n");
    if (sends_body(r.method, r.body)) head.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    head.append("\r\n");
    return std::nullopt;
  }

  asio::awaitable<Result<ConnectionPtr>> connect(Upstream& to, Clock::time_point deadline) {
    const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
    const auto timed_out = [&] {
      return failure(ErrorCode::gateway_timeout, "upstream " + to.label + ": connect timed out", upstream_failure::connect);
    };
    boost::system::error_code ec;
    if (!to.address.socket.empty()) co_return co_await connect_unix(to, connect_deadline);
    std::vector<tcp::endpoint> endpoints;
    if (to.literal) {
      endpoints.push_back(*to.literal);
    } else {
      // Asio's resolver has no deadline of its own: a timer on this coroutine's executor
      // cancels it, so both run serialized with this coroutine.
      // (The executor is fetched in its own statement: g++ 12 destroys a lambda built in the
      // same full-expression as a co_await twice.)
      const auto executor = co_await asio::this_coro::executor;
      auto resolver = std::make_shared<tcp::resolver>(io);
      asio::steady_timer timer(io);
      timer.expires_at(connect_deadline);
      timer.async_wait(asio::bind_executor(executor, [resolver](boost::system::error_code e) {
        if (!e) resolver->cancel();
      }));
      auto found = co_await resolver->async_resolve(to.address.host, std::to_string(to.address.port),
                                                    redirect_error(use_awaitable, ec));
      timer.cancel();
      if (ec == asio::error::operation_aborted) co_return timed_out();
      if (ec)
        co_return failure(ErrorCode::bad_gateway, "upstream " + to.label + ": cannot resolve host: " + ec.message(),
                          upstream_failure::connect);
      for (const auto& entry : found) endpoints.push_back(entry.endpoint());
    }
    Stream stream(io.get_executor());
    stream.expires_at(connect_deadline);
    if (options.source_address.empty()) {
      const std::vector<generic_stream::endpoint> any(endpoints.begin(), endpoints.end());
      co_await stream.async_connect(any, redirect_error(use_awaitable, ec));
    } else {
      // Asio's range connect opens a new socket for each endpoint, which would lose the bind:
      // each endpoint of the source's family gets a socket bound here instead, in turn.
      ec = source_error ? source_error : asio::error::address_family_not_supported;
      for (const auto& ep : endpoints) {
        if (source_error || ep.address().is_v4() != source->is_v4()) continue;
        open_bound(stream.socket(), ep, *source, ec);
        if (!ec) co_await stream.async_connect(generic_stream::endpoint(ep), redirect_error(use_awaitable, ec));
        if (!ec || ec == beast::error::timeout) break;
      }
    }
    if (ec == beast::error::timeout) co_return timed_out();
    if (ec)
      co_return failure(ErrorCode::bad_gateway,
                        "upstream " + to.label + ": cannot connect" +
                            (options.source_address.empty() ? "" : " from " + options.source_address) + ": " +
                            ec.message(),
                        upstream_failure::connect);
    stream.socket().set_option(tcp::no_delay(true), ec);
    co_return std::make_unique<Connection>(std::move(stream));
  }

  /// The upstream's Unix domain socket: no resolver, no source address (the socket file's
  /// permissions, not an address, say who may connect), no Nagle to turn off.
  asio::awaitable<Result<ConnectionPtr>> connect_unix(Upstream& to, Clock::time_point connect_deadline) {
    boost::system::error_code ec;
    Stream stream(io.get_executor());
    stream.expires_at(connect_deadline);
    co_await stream.async_connect(generic_stream::endpoint(local::endpoint(to.address.socket)),
                                  redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout)
      co_return failure(ErrorCode::gateway_timeout, "upstream " + to.label + ": connect timed out",
                        upstream_failure::connect);
    if (ec)
      co_return failure(ErrorCode::bad_gateway, "upstream " + to.label + ": cannot connect: " + ec.message(),
                        upstream_failure::connect);
    co_return std::make_unique<Connection>(std::move(stream));
  }

  using StreamParser = bhttp::response_parser<bhttp::buffer_body>;

  struct Exchange {
    Result<ClientResponse> result;
    bool received_any = false;  // some of the response arrived (so the request reached the app)
    bool reusable = false;      // the connection may serve another request
    /// A chunked answer to a streaming request: its head is read, the body is still to come
    /// through this parser, on the exchange's connection.
    std::unique_ptr<StreamParser> streaming{};
  };

  Error io_failure(const Upstream& to, const boost::system::error_code& ec, bool writing) const {
    if (ec == beast::error::timeout)
      return failure(ErrorCode::gateway_timeout, "upstream " + to.label + " did not answer in time",
                     upstream_failure::timeout);
    const bool framing = ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (framing)
      return failure(ErrorCode::bad_gateway, "upstream " + to.label + " sent an invalid response: " + ec.message(),
                     upstream_failure::protocol);
    return failure(ErrorCode::bad_gateway,
                   "upstream " + to.label + (writing ? ": sending the request failed: " : ": connection lost: ") +
                       ec.message(),
                   upstream_failure::io);
  }

  asio::awaitable<Exchange> exchange(Upstream& to, Connection& c, const ClientRequest& r, const std::string& head,
                                     Clock::time_point deadline) {
    boost::system::error_code ec;
    c.stream.expires_at(deadline);
    const TwoBuffers out = {asio::buffer(head), asio::buffer(r.body.data(), r.body.size())};
    // At once where the socket takes the whole request (http/send_now.hpp); the rest, if any,
    // under the deadline like every wait.
    allow_send_now(c.stream.socket(), ec);
    const std::size_t sent = ec ? 0 : send_now(c.stream.socket(), out, ec);
    if (!ec && sent < asio::buffer_size(out)) {
      beast::buffers_suffix<TwoBuffers> rest(out);
      rest.consume(sent);
      co_await asio::async_write(c.stream, rest, redirect_error(use_awaitable, ec));
    }
    if (ec) co_return Exchange{io_failure(to, ec, true)};

    if (r.stream_idle_timeout.count() > 0 && r.method != Method::HEAD) co_return co_await read_head_first(to, c);

    AnswerParser parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_response_header));
    parser.body_limit(options.max_response_body);
    if (r.method == Method::HEAD) parser.skip(true);
    co_await bhttp::async_read(c.stream, c.buffer, parser, redirect_error(use_awaitable, ec));
    const bool received = parser.got_some() || c.buffer.size() != 0;
    if (ec) co_return Exchange{io_failure(to, ec, false), received};
    // Bytes beyond the response would be an unasked-for answer to the next request.
    const bool reusable = parser.keep_alive() && !parser.need_eof() && c.buffer.size() == 0;
    co_return Exchange{std::move(parser.answer), true, reusable};
  }

  static ClientResponse head_of(const bhttp::response_header<>& msg) {
    ClientResponse res;
    res.status = static_cast<int>(msg.result_int());
    res.headers.reserve(16);
    for (const auto& f : msg) res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return res;
  }

  /// A streaming request's answer: the head first; a chunked body is left to a StreamParser
  /// (Exchange::streaming), anything else is read whole as exchange() reads it. Only streaming
  /// requests take this path: the ordinary one stays one read call.
  asio::awaitable<Exchange> read_head_first(Upstream& to, Connection& c) {
    boost::system::error_code ec;
    bhttp::response_parser<bhttp::empty_body> head;
    head.header_limit(static_cast<std::uint32_t>(options.max_response_header));
    co_await bhttp::async_read_header(c.stream, c.buffer, head, redirect_error(use_awaitable, ec));
    const bool received = head.got_some() || c.buffer.size() != 0;
    if (ec) co_return Exchange{io_failure(to, ec, false), received};
    if (head.chunked()) {
      // Beast moves a parser whose head is done into one of another body type.
      auto body = std::make_unique<StreamParser>(std::move(head));
      body->body_limit(boost::none);  // read a piece at a time, never held whole
      Exchange ex{head_of(body->get().base()), true, false};
      ex.streaming = std::move(body);
      co_return ex;
    }
    bhttp::response_parser<bhttp::string_body> whole(std::move(head));
    whole.body_limit(options.max_response_body);
    co_await bhttp::async_read(c.stream, c.buffer, whole, redirect_error(use_awaitable, ec));
    if (ec) co_return Exchange{io_failure(to, ec, false), true};
    auto& msg = whole.get();
    ClientResponse res = head_of(msg.base());
    res.body = std::move(msg.body());
    const bool reusable = msg.keep_alive() && !whole.need_eof() && c.buffer.size() == 0;
    co_return Exchange{std::move(res), true, reusable};
  }

  asio::awaitable<Result<ClientResponse>> send(Upstream& to, const ClientRequest& r, Clock::time_point deadline) {
    std::string head;
    if (auto bad = write_head(to, r, head)) co_return std::move(*bad);
    // Beast's timers only fire after an operation that is already under way, so a deadline
    // that has passed must be checked here, or a fast upstream would still be asked.
    if (Clock::now() >= deadline)
      co_return failure(ErrorCode::gateway_timeout, "deadline passed before the request to " + to.label + " was sent",
                        upstream_failure::connect);

    ConnectionPtr conn = checkout(to, r.method);
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = co_await connect(to, deadline);
      if (!opened) co_return std::move(opened).error();
      conn = std::move(opened.value());
    }
    Exchange ex = co_await exchange(to, *conn, r, head, deadline);
    if (!ex.result && reused && !ex.received_any && ex.result.error().reason == upstream_failure::io) {
      // Nothing came back on a connection that sat in the pool: the server closed it while
      // idle, before reading this request. One more try on a new connection.
      log::debug("pooled upstream connection was closed; retrying on a new one",
                 {{"upstream", to.label}, {"trace_id", r.trace_id}, {"error", ex.result.error().message}});
      conn.reset();
      auto opened = co_await connect(to, deadline);
      // The first failure is the one reported: were it "cannot connect", a caller could take
      // the request for never sent, though it was written once.
      if (!opened) co_return std::move(ex.result);
      conn = std::move(opened.value());
      ex = co_await exchange(to, *conn, r, head, deadline);
    }
    if (ex.streaming && ex.result) {
      ex.result->stream = std::make_shared<UpstreamBody>(*this, to, std::move(conn), std::move(ex.streaming),
                                                         r.stream_idle_timeout);
      co_return std::move(ex.result);
    }
    if (ex.reusable) checkin(to, std::move(conn));
    co_return std::move(ex.result);
  }

  /// The body of a chunked answer, decoded, a piece of up to kPiece bytes per next(). Owns the
  /// connection until the body's end, then pools it; destroyed earlier, it closes it.
  class UpstreamBody final : public BodyStream {
   public:
    static constexpr std::size_t kPiece = 64 << 10;
    UpstreamBody(Impl& client, Upstream& to, ConnectionPtr conn, std::unique_ptr<StreamParser> parser,
                 std::chrono::milliseconds idle)
        : client_(client), to_(to), conn_(std::move(conn)), parser_(std::move(parser)), idle_(idle) {}

    asio::awaitable<Status> next(std::string& out) override {
      while (conn_ && !parser_->is_done()) {
        out.resize(kPiece);
        auto& body = parser_->get().body();
        body.data = out.data();
        body.size = out.size();
        body.more = true;
        boost::system::error_code ec;
        conn_->stream.expires_after(idle_);
        co_await bhttp::async_read(conn_->stream, conn_->buffer, *parser_, redirect_error(use_awaitable, ec));
        if (ec == bhttp::error::need_buffer) ec = {};  // the piece is full
        if (ec) {
          out.clear();
          conn_.reset();
          co_return client_.io_failure(to_, ec, false);
        }
        out.resize(kPiece - body.size);
        if (parser_->is_done()) finished();
        if (!out.empty()) co_return Status{};
      }
      out.clear();
      co_return Status{};
    }

   private:
    void finished() {
      const bool reusable = parser_->get().keep_alive() && !parser_->need_eof() && conn_->buffer.size() == 0;
      if (reusable) client_.checkin(to_, std::move(conn_));
      conn_.reset();
    }

    Impl& client_;
    Upstream& to_;
    ConnectionPtr conn_;  // null once the body ended (pooled or closed) or failed
    std::unique_ptr<StreamParser> parser_;
    std::chrono::milliseconds idle_;
  };
};

Client::Client(asio::io_context& io, ClientOptions options) : impl_(std::make_unique<Impl>(io, options)) {}

Client::~Client() { close_idle(); }

Upstream& Client::upstream(const config::HostPort& address) {
  std::lock_guard lock(impl_->mu);
  auto& slot = impl_->upstreams[upstream_label(address)];
  if (!slot) slot = std::make_unique<Upstream>(address, impl_->requests, impl_->durations, impl_->idle_family);
  return *slot;
}

asio::awaitable<Result<ClientResponse>> Client::send(Upstream& to, const ClientRequest& request,
                                                     std::chrono::steady_clock::time_point deadline) {
  const auto start = Clock::now();
  Result<ClientResponse> result = co_await impl_->send(to, request, deadline);
  to.duration->observe(std::chrono::duration<double>(Clock::now() - start).count());
  to.result_counter(result ? std::string_view("ok") : std::string_view(result.error().reason)).inc();
  co_return result;
}

std::size_t Client::idle_connections(const Upstream& to) const {
  std::lock_guard lock(to.mu);
  return to.idle.size();
}

void Client::close_idle() {
  std::vector<ConnectionPtr> closing;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& [key, u] : impl_->upstreams) {
      std::lock_guard pool_lock(u->mu);
      u->idle_gauge->dec(static_cast<double>(u->idle.size()));
      for (auto& c : u->idle) closing.push_back(std::move(c));
      u->idle.clear();
    }
  }
}

}  // namespace mercato::http
