// The proxy and the route table against real upstream servers on loopback: what reaches the
// upstream, what comes back, and how failures, retries and breakers are answered.
#include "services/gateway/proxy.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio.hpp>

#include "http/body_stream.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "services/gateway/routes.hpp"
#include "services/gateway/upstream_test_support.hpp"
#include "trace/span.hpp"

namespace mercato::gateway {
namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

/// An http::Server upstream on its own thread that answers with what it received.
struct Upstream {
  /// `socket_path`: served on that Unix socket as well (HTTP_SOCKET).
  explicit Upstream(std::string socket_path = {}) {
    http::Handler h = [this](http::Request& req) -> asio::awaitable<http::Response> {
      ++requests;
      if (req.path() == "/api/v1/products/export") co_return export_answer(req);
      if (auto ms = req.query_param("sleep_ms")) {
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(std::stoi(*ms)));
        co_await t.async_wait(asio::use_awaitable);
      }
      http::Response r;
      r.status = req.method == http::Method::POST ? 201 : 200;
      std::string seen;
      for (const auto& [k, v] : req.headers) seen += std::string(k) + "=" + std::string(v) + "\n";
      r.body = std::string(http::method_name(req.method)) + " " + req.target + "\n" + seen + "\n" + req.body;
      r.set_header("Connection", "X-Upstream-Hop");
      r.set_header("X-Upstream-Hop", "1");
      r.set_header("ETag", "\"v1\"");
      co_return r;
    };
    http::ServerOptions o;
    o.socket_path = std::move(socket_path);
    server = std::make_unique<http::Server>(io, o, std::move(h));
    EXPECT_TRUE(server->start().ok());
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
  }
  ~Upstream() {
    work.reset();
    io.stop();
    thread.join();
  }
  config::HostPort address() const { return {"127.0.0.1", server->port()}; }

  /// A streamed answer of `pieces` pieces "<i>:" + 1 KiB, or (bad=1) an ordinary 422.
  struct Pieces : http::BodyStream {
    Pieces(Upstream& u, int n) : up(u), left(n) {}
    ~Pieces() override { up.stream_released = true; }
    asio::awaitable<Status> next(std::string& out) override {
      if (left-- > 0) {
        out = std::to_string(up.produced++) + ":" + std::string(1024, 'x');
      }
      co_return Status{};
    }
    Upstream& up;
    int left;
  };
  http::Response export_answer(const http::Request& req) {
    if (req.query_param("bad")) return http::error_response(Error{ErrorCode::validation_failed, "bad"});
    http::Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.set_header("Content-Disposition", "attachment; filename=\"x.csv\"");
    r.stream = std::make_shared<Pieces>(*this, std::stoi(req.query_param("pieces").value_or("3")));
    return r;
  }
  std::atomic<int> produced{0};
  std::atomic<bool> stream_released{false};

  std::atomic<int> requests{0};
  asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
};

/// Accepts, reads what comes, and closes without answering: an instance that dies holding
/// the request.
struct Dropper {
  Dropper() : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread = std::thread([this] {
      for (;;) {
        tcp::socket s(io);
        boost::system::error_code ec;
        acceptor.accept(s, ec);
        if (ec || stop) return;
        ++accepted;
        char buf[4096];
        s.read_some(asio::buffer(buf), ec);
      }
    });
  }
  ~Dropper() {
    stop = true;
    tcp::socket wake(io);
    boost::system::error_code ec;
    wake.connect(acceptor.local_endpoint(), ec);
    thread.join();
  }
  config::HostPort address() const { return {"127.0.0.1", acceptor.local_endpoint().port()}; }

  asio::io_context io;
  tcp::acceptor acceptor;
  std::atomic<int> accepted{0};
  std::atomic<bool> stop{false};
  std::thread thread;
};

using test_support::refused_address;

/// The gateway's side: a router with the public routes, run by the test thread.
struct Gateway {
  Gateway(std::vector<config::HostPort> catalog_hosts, std::chrono::milliseconds timeout = 2s,
          std::vector<std::string> trusted = {})
      : client(io),
        catalog("catalog", catalog_hosts, client, {.failure_threshold = 5, .cool_down = 60s}),
        identity("identity", {refused_address()}, client),
        proxy(client, timeout, TrustedProxies(std::move(trusted))) {
    add_routes(router, proxy, catalog, identity);
  }

  http::Response call(http::Method method, std::string target, Fields headers = {}, std::string body = {},
                      std::string peer = "198.51.100.20", std::shared_ptr<trace::Trace> trace = nullptr) {
    http::Request req;
    req.method = method;
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_addr = std::move(peer);
    req.request_id = "test-request-1";
    if (trace) {  // what the tracing middleware hands the proxy: the trace and the server span
      req.context.trace = std::move(trace);
      req.context.span = server_span;
    }
    std::optional<http::Response> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await router.dispatch(req); }, asio::detached);
    io.restart();
    io.run();
    return std::move(*out);
  }

  asio::io_context io;
  http::Client client;
  UpstreamGroup catalog;
  UpstreamGroup identity;
  Proxy proxy;
  http::Router router;
  trace::SpanId server_span = trace::SpanId::random();
};

/// What a recording tracer exported. The tracer holds its sink, so the sink must not hold the
/// tracer (a cycle that would never be freed: LeakSanitizer's finding).
struct Exported : trace::SpanSink {
  std::mutex m;
  std::vector<trace::SpanData> spans;
  void submit(std::vector<trace::SpanData> batch) override {
    std::lock_guard lock(m);
    for (auto& s : batch) spans.push_back(std::move(s));
  }
};

/// A recording tracer and what it exported.
struct Traces {
  std::shared_ptr<Exported> exported = std::make_shared<Exported>();
  std::shared_ptr<trace::Tracer> tracer;
  /// A trace as a request from a client that sent `incoming` (trusted) would have.
  std::shared_ptr<trace::Trace> begin(std::string_view incoming = {}, std::string tracestate = {}) {
    auto ctx = trace::parse_traceparent(incoming);
    if (ctx) ctx->tracestate = std::move(tracestate);
    return tracer->begin(ctx, true);
  }
  std::vector<trace::SpanData> client_spans() {
    std::lock_guard lock(exported->m);
    std::vector<trace::SpanData> out;
    for (auto& s : exported->spans)
      if (s.kind == trace::SpanKind::client) out.push_back(s);
    return out;
  }
};

std::shared_ptr<Traces> traces() {
  auto t = std::make_shared<Traces>();
  trace::TracerSettings s;
  s.recording = true;
  t->tracer = trace::Tracer::create(s, t->exported);
  return t;
}

const trace::AttributeValue* attribute(const trace::SpanData& s, std::string_view key) {
  for (const auto& a : s.attributes)
    if (a.key == key) return &a.value;
  return nullptr;
}
std::string text(const trace::SpanData& s, std::string_view key) {
  auto* v = attribute(s, key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "<absent>";
}
std::int64_t number(const trace::SpanData& s, std::string_view key) {
  auto* v = attribute(s, key);
  return v && std::holds_alternative<std::int64_t>(*v) ? std::get<std::int64_t>(*v) : -1;
}

/// The value of `name` in the echo Upstream's body ("Name=value" lines), "" when absent.
std::string seen_field(const std::string& body, std::string_view name) {
  const std::string key = "\n" + std::string(name) + "=";
  auto at = body.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return body.substr(at, body.find('\n', at) - at);
}

std::string code_of(const http::Response& r) {
  auto at = r.body.find(R"("code":")");
  return at == std::string::npos ? "" : r.body.substr(at + 8, r.body.find('"', at + 8) - at - 8);
}

// ---- routing ----

TEST(GatewayRoutes, every_template_is_registered_once_with_a_service) {
  http::Router r;
  for (const auto& route : public_routes()) EXPECT_NO_THROW(r.add(route.method, route.path, nullptr)) << route.path;
  EXPECT_EQ(r.match(http::Method::GET, "/api/v1/products/not-a-uuid").route, "/api/v1/products/{id}");
  EXPECT_EQ(r.match(http::Method::GET, "/api/v1/.well-known/jwks.json").kind, http::Router::Match::Kind::found);
  EXPECT_EQ(r.match(http::Method::GET, "/.well-known/jwks.json").kind, http::Router::Match::Kind::found);
}

TEST(GatewayRoutes, unknown_path_is_404_and_unlisted_method_405_without_a_hop) {
  Upstream up;
  Gateway gw({up.address()});
  auto unknown = gw.call(http::Method::GET, "/api/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(code_of(unknown), "not_found");
  auto wrong = gw.call(http::Method::PUT, "/api/v1/products/1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("Allow"), "GET, HEAD, PATCH, DELETE");
  EXPECT_EQ(up.requests.load(), 0);
}

// ---- relaying ----

TEST(Proxy, relays_method_target_body_and_end_to_end_headers_and_the_answer_back) {
  Upstream up;
  Gateway gw({up.address()});
  auto r = gw.call(http::Method::POST, "/api/v1/products?store=a%20b",
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer tok"}, {"Connection", "X-Hop"},
                    {"X-Hop", "secret"}, {"Keep-Alive", "timeout=1"}, {"X-Forwarded-For", "6.6.6.6"}},
                   R"({"name":"x"})");
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(r.body.starts_with("POST /api/v1/products?store=a%20b\n")) << r.body;
  EXPECT_NE(r.body.find("Authorization=Bearer tok\n"), std::string::npos);
  EXPECT_NE(r.body.find("X-Forwarded-For=198.51.100.20\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("X-Forwarded-Proto=http\n"), std::string::npos);
  EXPECT_NE(r.body.find("X-Request-ID=test-request-1\n"), std::string::npos);
  EXPECT_EQ(r.body.find("X-Hop"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Keep-Alive"), std::string::npos);
  EXPECT_EQ(r.body.find("6.6.6.6"), std::string::npos);
  EXPECT_TRUE(r.body.ends_with(R"({"name":"x"})"));
  EXPECT_EQ(r.header("ETag"), "\"v1\"");
  EXPECT_FALSE(r.header("X-Upstream-Hop"));
  EXPECT_FALSE(r.header("Connection"));
  EXPECT_FALSE(r.header("Content-Length"));
}

TEST(Proxy, head_is_answered_from_the_upstream_get) {
  Upstream up;
  Gateway gw({up.address()});
  auto r = gw.call(http::Method::HEAD, "/api/v1/products");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.starts_with("GET /api/v1/products")) << "the server drops the body but needs its length";
}

TEST(Proxy, instances_take_turns) {
  Upstream a, b;
  Gateway gw({a.address(), b.address()});
  for (int i = 0; i < 6; ++i) ASSERT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 200);
  EXPECT_EQ(a.requests.load(), 3);
  EXPECT_EQ(b.requests.load(), 3);
}

// ---- failures ----

TEST(Proxy, refused_upstream_is_502_envelope) {
  Gateway gw({refused_address()});
  auto r = gw.call(http::Method::GET, "/api/v1/products");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(code_of(r), "bad_gateway");
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos) << "internal addresses stay in the log";
}

TEST(Proxy, slow_upstream_is_504_envelope_within_the_timeout) {
  Upstream up;
  Gateway gw({up.address()}, 300ms);
  auto start = Clock::now();
  auto r = gw.call(http::Method::GET, "/api/v1/products?sleep_ms=3000");
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(code_of(r), "gateway_timeout");
}

TEST(Proxy, get_is_retried_on_another_instance_when_one_is_dead) {
  Dropper dead;
  Upstream live;
  Gateway gw({dead.address(), live.address()});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 200) << i;
  EXPECT_EQ(live.requests.load(), 4);
  EXPECT_EQ(dead.accepted.load(), 2);  // its turns, each retried on the live one
}

TEST(Proxy, write_that_reached_a_dying_instance_is_not_retried) {
  Dropper dead;
  Upstream live;
  Gateway gw({dead.address(), live.address()});
  int failed = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = gw.call(http::Method::POST, "/api/v1/products", {}, "{}");
    if (r.status == 502) ++failed;
  }
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(dead.accepted.load(), 2);
  EXPECT_EQ(live.requests.load(), 2) << "only its own turns, no retries";
}

TEST(Proxy, write_refused_at_connect_goes_to_another_instance) {
  Upstream live;
  Gateway gw({refused_address(), live.address()});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(gw.call(http::Method::POST, "/api/v1/products", {}, "{}").status, 201);
  EXPECT_EQ(live.requests.load(), 4);
}

// A rolling restart: instance 2 has just come back (its breaker still open from while it was
// down, for the rest of the cool-down) when instance 1 stops and refuses. A refusal costs
// nothing to learn, so the request tries the open one rather than answering 502.
TEST(Proxy, a_refused_request_goes_to_an_instance_whose_breaker_is_still_open) {
  Upstream back;
  Gateway gw({refused_address(), back.address()});
  Instance& returned = *gw.catalog.instances()[1];
  for (int i = 0; i < 5; ++i) gw.catalog.record(returned, false);  // opened while it was down
  ASSERT_EQ(gw.catalog.pick(gw.catalog.instances()[0].get()), nullptr) << "the breaker is open";
  EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 200);
  EXPECT_EQ(gw.call(http::Method::POST, "/api/v1/products", {}, "{}").status, 201);  // never sent: safe
  EXPECT_EQ(back.requests.load(), 2);
  EXPECT_NE(gw.catalog.pick(gw.catalog.instances()[0].get()), nullptr) << "its answer closed the breaker";
}

TEST(Proxy, a_request_that_reached_a_dying_instance_never_goes_to_an_open_one) {
  Dropper dying;  // accepts and drops: the request may have been read
  Upstream back;
  Gateway gw({dying.address(), back.address()});
  Instance& returned = *gw.catalog.instances()[1];
  for (int i = 0; i < 5; ++i) gw.catalog.record(returned, false);
  EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 502);
  EXPECT_EQ(back.requests.load(), 0) << "only a refusal is worth trying past an open breaker";
}

TEST(Proxy, open_breaker_answers_503_at_once_with_retry_after) {
  Dropper dead;
  Gateway gw({dead.address()});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 502);
  EXPECT_EQ(dead.accepted.load(), 5);
  auto start = Clock::now();
  auto r = gw.call(http::Method::GET, "/api/v1/products");
  EXPECT_LT(Clock::now() - start, 50ms);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(code_of(r), "service_unavailable");
  EXPECT_EQ(r.header("Retry-After"), "60");
  EXPECT_EQ(dead.accepted.load(), 5) << "an open breaker sends nothing";
  EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/users").status, 502) << "the other service has its own breakers";
}

// ---- tracing ----

constexpr std::string_view kClientTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(ProxyTracing, the_upstream_gets_the_client_spans_traceparent_never_the_callers) {
  Upstream up;
  Gateway gw({up.address()});
  auto t = traces();
  {
    auto r = gw.call(http::Method::GET, "/api/v1/products/" + std::string(36, 'a'),
                     {{"traceparent", kClientTraceparent}, {"tracestate", "evil=1,BAD KEY"}}, {}, "198.51.100.20",
                     t->begin(kClientTraceparent, "rojo=00f067aa0ba902b7"));
    ASSERT_EQ(r.status, 200);
    const std::string sent = seen_field(r.body, "traceparent");
    ASSERT_EQ(sent.size(), 55u) << r.body;
    EXPECT_EQ(sent.substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");  // the same trace
    EXPECT_NE(sent, kClientTraceparent);
    EXPECT_EQ(seen_field(r.body, "tracestate"), "rojo=00f067aa0ba902b7");  // as the gateway accepted it
    EXPECT_EQ(r.body.find("evil=1"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kClientTraceparent), std::string::npos) << r.body;
  }
  auto spans = t->client_spans();
  ASSERT_EQ(spans.size(), 1u);
  const auto& s = spans[0];
  EXPECT_EQ(s.name, "GET /api/v1/products/{id}");
  EXPECT_EQ(s.parent_span_id, gw.server_span);
  EXPECT_EQ(text(s, "server.address"), "127.0.0.1");
  EXPECT_EQ(number(s, "server.port"), up.address().port);
  EXPECT_EQ(text(s, "http.request.method"), "GET");
  EXPECT_EQ(text(s, "mercato.upstream"), "catalog");
  EXPECT_EQ(number(s, "http.response.status_code"), 200);
  EXPECT_EQ(s.status, trace::StatusCode::unset);
}

TEST(ProxyUnixSocket, an_instance_with_a_socket_is_reached_over_it_with_the_same_relaying_and_spans) {
  const std::string path = ::testing::TempDir() + "mercato-proxy-test-" + std::to_string(::getpid()) + ".sock";
  Upstream up(path);
  // The TCP address is refused: an answer can only have come over the socket.
  config::HostPort instance = refused_address();
  instance.socket = path;
  Gateway gw({instance});
  auto t = traces();
  auto r = gw.call(http::Method::GET, "/api/v1/products/" + std::string(36, 'a'), {}, {}, "198.51.100.20",
                   t->begin(kClientTraceparent));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(seen_field(r.body, "X-Forwarded-For"), "198.51.100.20");
  EXPECT_EQ(seen_field(r.body, "Host"), http::host_port(instance));
  auto spans = t->client_spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text(spans[0], "network.transport"), "unix");
  EXPECT_EQ(text(spans[0], "server.address"), path);
  EXPECT_EQ(number(spans[0], "server.port"), -1);
  EXPECT_EQ(gw.catalog.instances()[0]->label, "unix:" + path);
}

TEST(ProxyUnixSocket, a_socket_nobody_listens_on_is_a_502_and_counts_against_the_breaker) {
  const std::string path = ::testing::TempDir() + "mercato-proxy-test-absent-" + std::to_string(::getpid()) + ".sock";
  config::HostPort instance{"127.0.0.1", 8081, path};
  Gateway gw({instance});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products").status, 502);
  auto r = gw.call(http::Method::GET, "/api/v1/products");
  EXPECT_EQ(r.status, 503);  // five failures opened the instance's breaker
  EXPECT_EQ(code_of(r), "service_unavailable");
}

TEST(ProxyTracing, a_request_without_trace_sends_no_traceparent) {
  Upstream up;
  Gateway gw({up.address()});
  auto r = gw.call(http::Method::GET, "/api/v1/products", {{"traceparent", kClientTraceparent}});
  EXPECT_EQ(seen_field(r.body, "traceparent"), "") << r.body;
}

TEST(ProxyTracing, each_attempt_is_a_span_of_its_own_and_a_failed_one_says_why) {
  Dropper dead;
  Upstream live;
  Gateway gw({dead.address(), live.address()});
  auto t = traces();
  std::string sent;
  {
    auto r = gw.call(http::Method::GET, "/api/v1/products", {}, {}, "198.51.100.20", t->begin());
    ASSERT_EQ(r.status, 200);
    sent = seen_field(r.body, "traceparent");
  }
  auto spans = t->client_spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].status, trace::StatusCode::error);
  EXPECT_EQ(spans[0].status_message, "io");
  EXPECT_EQ(number(spans[0], "server.port"), dead.address().port);
  EXPECT_EQ(spans[1].status, trace::StatusCode::unset);
  EXPECT_EQ(number(spans[1], "http.request.resend_count"), 1);
  EXPECT_EQ(number(spans[1], "server.port"), live.address().port);
  EXPECT_NE(spans[0].span_id, spans[1].span_id);
  EXPECT_EQ(sent.substr(36, 16), spans[1].span_id.hex());  // the live instance got its own attempt's
}

TEST(ProxyTracing, timeout_and_open_breaker_are_failed_spans) {
  Upstream up;
  Gateway slow({up.address()}, 300ms);
  auto t = traces();
  slow.call(http::Method::GET, "/api/v1/products?sleep_ms=3000", {}, {}, "198.51.100.20", t->begin());
  ASSERT_EQ(t->client_spans().size(), 1u);
  EXPECT_EQ(t->client_spans()[0].status_message, "timeout");

  Dropper dead;
  Gateway gw({dead.address()});
  for (int i = 0; i < 5; ++i) gw.call(http::Method::GET, "/api/v1/products");
  auto u = traces();
  EXPECT_EQ(gw.call(http::Method::GET, "/api/v1/products", {}, {}, "198.51.100.20", u->begin()).status, 503);
  ASSERT_EQ(u->client_spans().size(), 1u);
  EXPECT_EQ(u->client_spans()[0].status_message, "circuit_open");
  EXPECT_EQ(text(u->client_spans()[0], "mercato.upstream"), "catalog");
}

TEST(ProxyFailures, the_cause_names_the_instance_for_the_log_only) {
  const auto refused = refused_address();
  Gateway gw({refused});
  auto r = gw.call(http::Method::GET, "/api/v1/products");
  ASSERT_EQ(r.status, 502);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->code, "bad_gateway");
  EXPECT_NE(r.failure->cause.find(http::host_port(refused)), std::string::npos) << r.failure->cause;
  EXPECT_NE(r.failure->cause.find("(connect)"), std::string::npos) << r.failure->cause;
  EXPECT_EQ(r.body.find(http::host_port(refused)), std::string::npos);
}

TEST(ProxyFailures, an_upstreams_own_5xx_is_relayed_without_a_cause_of_ours) {
  asio::io_context io;
  http::Server failing(io, http::ServerOptions{}, [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::error_response(internal_error("database error"));
  });
  ASSERT_TRUE(failing.start().ok());
  std::thread th([&] { io.run_for(5s); });
  {
    Gateway gw({{"127.0.0.1", failing.port()}});
    auto r = gw.call(http::Method::GET, "/api/v1/products");
    EXPECT_EQ(r.status, 500);
    EXPECT_FALSE(r.failure) << "the upstream logged its cause; the gateway relays";
  }
  io.stop();
  th.join();
}

TEST(UpstreamGroup, pick_skips_open_breakers_and_the_excluded_instance) {
  asio::io_context io;
  http::Client client(io);
  UpstreamGroup g("catalog", {{"127.0.0.1", 1}, {"127.0.0.1", 2}}, client, {.failure_threshold = 1, .cool_down = 60s});
  Instance* first = g.pick();
  ASSERT_TRUE(first);
  Instance* second = g.pick(first);
  ASSERT_TRUE(second);
  EXPECT_NE(first, second);
  g.record(*second, true);
  g.record(*first, false);  // opens: threshold 1
  for (int i = 0; i < 4; ++i) {
    Instance* p = g.pick();
    EXPECT_EQ(p, second);
    g.record(*p, true);
  }
  EXPECT_EQ(g.pick(second), nullptr);
}

// ---- streamed answers (an export) ----

/// Pulls `stream` to its end (or `limit` pieces) on the gateway's io_context.
std::vector<std::string> pull(Gateway& gw, http::BodyStream& stream, int limit = 1 << 30) {
  std::vector<std::string> pieces;
  asio::co_spawn(gw.io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < limit; ++i) {
      std::string piece;
      auto st = co_await stream.next(piece);
      if (!st || piece.empty()) co_return;
      pieces.push_back(std::move(piece));
    }
  }, asio::detached);
  gw.io.restart();
  gw.io.run();
  return pieces;
}

TEST(GatewayStream, a_chunked_answer_is_relayed_as_a_stream_and_its_connection_pooled_at_the_end) {
  Upstream up;
  Gateway gw({up.address()});
  auto res = gw.call(http::Method::GET, "/api/v1/products/export?pieces=200");
  EXPECT_EQ(res.status, 200);
  ASSERT_TRUE(res.stream);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(res.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(res.header("Content-Disposition").value_or(""), "attachment; filename=\"x.csv\"");
  EXPECT_FALSE(res.header("Transfer-Encoding")) << "framing is the gateway server's own";
  std::string body;
  for (auto& p : pull(gw, *res.stream)) body += p;
  EXPECT_EQ(body.size(), 200 * 1024 + std::string("0:").size() * 10 + std::string("10:").size() * 90 +
                             std::string("100:").size() * 100);
  EXPECT_TRUE(body.starts_with("0:xxx"));
  EXPECT_NE(body.find("199:xxx"), std::string::npos);
  EXPECT_EQ(gw.client.idle_connections(gw.client.upstream(up.address())), 1u);
}

TEST(GatewayStream, dropping_the_stream_midway_closes_the_upstream_connection_and_stops_the_producer) {
  Upstream up;
  Gateway gw({up.address()});
  auto res = gw.call(http::Method::GET, "/api/v1/products/export?pieces=100000");
  ASSERT_TRUE(res.stream);
  EXPECT_EQ(pull(gw, *res.stream, 3).size(), 3u);
  res.stream.reset();  // the client went away
  for (int i = 0; i < 200 && !up.stream_released; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(up.stream_released.load());
  EXPECT_LT(up.produced.load(), 100000);
  EXPECT_EQ(gw.client.idle_connections(gw.client.upstream(up.address())), 0u);
}

TEST(GatewayStream, an_ordinary_answer_on_a_streamed_route_is_read_whole) {
  Upstream up;
  Gateway gw({up.address()});
  auto res = gw.call(http::Method::GET, "/api/v1/products/export?bad=1");
  EXPECT_EQ(res.status, 422);
  EXPECT_FALSE(res.stream);
  EXPECT_EQ(code_of(res), "validation_failed");
  EXPECT_EQ(gw.client.idle_connections(gw.client.upstream(up.address())), 1u);
}

TEST(GatewayStream, other_routes_are_never_streamed) {
  Upstream up;
  Gateway gw({up.address()});
  auto res = gw.call(http::Method::GET, "/api/v1/products");
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.stream);
  EXPECT_FALSE(res.body.empty());
}

}  // namespace
}  // namespace mercato::gateway
