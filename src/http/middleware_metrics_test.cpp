// The metrics middleware counts every answer under its own service, route, method and status,
// however many routes share a slot of its per-thread lookup table and whatever address a
// route's text had before.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/metrics.hpp"
#include "http/middleware.hpp"
#include "http/pipeline.hpp"

namespace mercato::http {
namespace {

double requests(std::string_view service, std::string_view route, std::string_view method, std::string_view status) {
  return metrics::Registry::global()
      .counter("http_requests_total", "HTTP requests answered", {"service", "route", "method", "status"})
      .with({service, route, method, status})
      .value();
}

std::uint64_t observed(std::string_view service, std::string_view route, std::string_view method) {
  return metrics::Registry::global()
      .histogram("http_request_duration_seconds", "HTTP request duration", {"service", "route", "method"})
      .with({service, route, method})
      .count();
}

/// A pipeline of the metrics middleware alone, whose terminal names the route `route` points
/// at and answers `status`.
struct Counted {
  explicit Counted(std::string service) {
    p.use(metrics(std::move(service))).terminal([this](Request& req) -> asio::awaitable<Response> {
      req.route = *route;
      Response res;
      res.status = status;
      co_return res;
    });
  }
  void send(Method m = Method::GET) {
    Request req;
    req.method = m;
    auto f = asio::co_spawn(io, p(req), asio::use_future);
    io.run();
    io.restart();
    f.get();
  }
  Pipeline p;
  asio::io_context io;
  const std::string* route = nullptr;
  int status = 200;
};

TEST(MetricsMiddleware, EveryAnswerCountsUnderItsOwnLabelsAcrossManyRoutes) {
  // More routes than the lookup table has slots: some share one, each keeps its own count.
  std::vector<std::unique_ptr<std::string>> routes;
  for (int i = 0; i < 300; ++i) routes.push_back(std::make_unique<std::string>("/metrics-test/route-" + std::to_string(i)));
  Counted c("metrics-test-a");
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 300; ++i) {
      c.route = routes[i].get();
      c.status = i % 2 ? 404 : 200;
      c.send(i % 3 ? Method::GET : Method::POST);
    }
  for (int i = 0; i < 300; ++i) {
    const std::string_view method = i % 3 ? "GET" : "POST";
    EXPECT_EQ(requests("metrics-test-a", *routes[i], method, i % 2 ? "404" : "200"), 3) << *routes[i];
    EXPECT_EQ(requests("metrics-test-a", *routes[i], method, i % 2 ? "200" : "404"), 0) << *routes[i];
    EXPECT_EQ(observed("metrics-test-a", *routes[i], method), 3u) << *routes[i];
  }
}

TEST(MetricsMiddleware, ARouteTextAtAReusedAddressAndAnotherServiceAreCountedApart) {
  Counted a("metrics-test-b"), b("metrics-test-c");
  std::string route;
  route.reserve(64);  // so the second text reuses the first one's address
  route = "/metrics-test/first";
  const char* const address = route.data();
  a.route = b.route = &route;
  a.send();
  b.send();
  a.send();  // the last lookup of that address: service b, route first
  route = "/metrics-test/second";  // the same address, now another route's text
  ASSERT_EQ(route.data(), address);
  a.send();
  a.status = 503;
  a.send();
  EXPECT_EQ(requests("metrics-test-b", "/metrics-test/first", "GET", "200"), 2);
  EXPECT_EQ(requests("metrics-test-c", "/metrics-test/first", "GET", "200"), 1);
  EXPECT_EQ(requests("metrics-test-b", "/metrics-test/second", "GET", "200"), 1);
  EXPECT_EQ(requests("metrics-test-b", "/metrics-test/second", "GET", "503"), 1);
  EXPECT_EQ(observed("metrics-test-b", "/metrics-test/second", "GET"), 2u);
}


// The layer is a pair of hooks: its `after` runs for every answer, including the 500 that
// recover (inside it in every service's chain) makes of a handler's throw, so the in-flight
// gauge comes back down and the failure is counted under its status.
TEST(MetricsMiddleware, AHandlerThatThrowsIsCountedAsA500AndLeavesNothingInFlight) {
  auto& in_flight =
      metrics::Registry::global().gauge("http_requests_in_flight", "HTTP requests being handled", {"service"}).with({"metrics-test-d"});
  const double before = in_flight.value();
  static const std::string route = "/metrics-test/throws";
  Pipeline p;
  p.use(metrics("metrics-test-d")).use(recover()).terminal([](Request& req) -> asio::awaitable<Response> {
    req.route = route;
    throw std::runtime_error("boom");
    co_return Response{};
  });
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    Request req;
    auto f = asio::co_spawn(io, p(req), asio::use_future);
    io.run();
    io.restart();
    EXPECT_EQ(f.get().status, 500);
  }
  EXPECT_EQ(in_flight.value(), before);
  EXPECT_EQ(requests("metrics-test-d", route, "GET", "500"), 3);
  EXPECT_EQ(observed("metrics-test-d", route, "GET"), 3u);
}

}  // namespace
}  // namespace mercato::http
