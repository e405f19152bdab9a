// The proxy and the route table against real upstream servers on loopback: what reaches the
// upstream, what comes back, and how failures, retries and breakers are answered.
#include "services/gateway/proxy.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include <boost/asio.hpp>

#include "http/server.hpp"
#include "services/gateway/routes.hpp"

namespace mercato::gateway {
namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

/// An http::Server upstream on its own thread that answers with what it received.
struct Upstream {
  Upstream() {
    http::Handler h = [this](http::Request& req) -> asio::awaitable<http::Response> {
      ++requests;
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
    server = std::make_unique<http::Server>(io, http::ServerOptions{}, std::move(h));
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

config::HostPort refused_address() {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return {"127.0.0.1", a.local_endpoint().port()};
}

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
                      std::string peer = "198.51.100.20") {
    http::Request req;
    req.method = method;
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_addr = std::move(peer);
    req.request_id = "test-request-1";
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
};

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

}  // namespace
}  // namespace mercato::gateway
