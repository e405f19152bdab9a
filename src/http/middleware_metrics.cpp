#include <chrono>
#include <string>

#include "core/metrics.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

Middleware metrics(std::string service) {
  auto& registry = metrics::Registry::global();
  auto* requests = &registry.counter("http_requests_total", "HTTP requests answered",
                                     {"service", "route", "method", "status"});
  auto* duration = &registry.histogram("http_request_duration_seconds", "HTTP request duration",
                                       {"service", "route", "method"});
  auto* in_flight = &registry.gauge("http_requests_in_flight", "HTTP requests being handled", {"service"}).with({service});
  return [service = std::move(service), requests, duration, in_flight](Request& req,
                                                                      const Next& next) -> asio::awaitable<Response> {
    const auto start = req.context.received_or_now();
    in_flight->inc();
    struct Leave {
      metrics::Gauge* g;
      ~Leave() { g->dec(); }
    } leave{in_flight};
    Response res = co_await next(req);
    req.context.answered = Clock::now();
    const double seconds = std::chrono::duration<double>(req.context.answered - start).count();
    auto method = method_name(req.method);
    char status[4] = {static_cast<char>('0' + res.status / 100 % 10), static_cast<char>('0' + res.status / 10 % 10),
                      static_cast<char>('0' + res.status % 10), 0};
    requests->with({service, req.route, method, std::string_view(status, 3)}).inc();
    duration->with({service, req.route, method}).observe(seconds);
    co_return res;
  };
}

}  // namespace mercato::http
