#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/metrics.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

namespace {

/// The children of one (service, route, method, status) as this thread last looked them up. A
/// family's lookup builds a key, takes a shared lock and hashes (~1,300 instructions for the
/// two, a twentieth of a cached gateway answer's user-space work); routes are few, so each
/// thread keeps what it found, direct-mapped by the route text's address and checked against
/// the labels themselves (a test's router may reuse an address for another route). Every
/// metrics middleware shares the two global families, and the registry never drops a child,
/// so the pointers stay valid.
struct Series {
  std::string service;
  std::string route;
  Method method = Method::OTHER;
  int status = 0;
  metrics::Counter* requests = nullptr;
  metrics::Histogram* duration = nullptr;
};

constexpr std::size_t kSeriesSlots = 128;

Series& series_slot(std::string_view route, Method method, int status) {
  thread_local std::array<Series, kSeriesSlots> slots;
  const auto h = (reinterpret_cast<std::uintptr_t>(route.data()) >> 3) ^ (static_cast<std::uintptr_t>(status) * 31) ^
                 static_cast<std::uintptr_t>(method);
  return slots[h % kSeriesSlots];
}

}  // namespace

Hooks metrics(std::string service) {
  auto& registry = metrics::Registry::global();
  auto* requests = &registry.counter("http_requests_total", "HTTP requests answered",
                                     {"service", "route", "method", "status"});
  auto* duration = &registry.histogram("http_request_duration_seconds", "HTTP request duration",
                                       {"service", "route", "method"});
  auto* in_flight = &registry.gauge("http_requests_in_flight", "HTTP requests being handled", {"service"}).with({service});
  // Hooks, not a coroutine layer: nothing here waits, and a frame per request was ~60 ns. The
  // duration runs from req.context.received (the tracing middleware's reading; a request
  // without one, a test's, counts from the before-hook). The `after` runs for every answer the
  // layers inside give; recover, right inside this layer in every service's chain, turns a
  // throw into one, so the in-flight gauge comes back down.
  return {.before =
              [in_flight](Request& req) -> std::optional<Response> {
                if (req.context.received == Clock::time_point{}) req.context.received = Clock::now();
                in_flight->inc();
                return std::nullopt;
              },
          .after = [service = std::move(service), requests, duration, in_flight](Request& req, Response& res) {
            in_flight->dec();
            req.context.answered = Clock::now();
            const double seconds = std::chrono::duration<double>(req.context.answered - req.context.received).count();
            auto method = method_name(req.method);
            char status[4] = {static_cast<char>('0' + res.status / 100 % 10), static_cast<char>('0' + res.status / 10 % 10),
                              static_cast<char>('0' + res.status % 10), 0};
            Series& slot = series_slot(req.route, req.method, res.status);
            if (!slot.requests || slot.method != req.method || slot.status != res.status || slot.route != req.route ||
                slot.service != service) {
              slot.service = service;
              slot.route.assign(req.route);
              slot.method = req.method;
              slot.status = res.status;
              slot.requests = &requests->with({service, req.route, method, std::string_view(status, 3)});
              slot.duration = &duration->with({service, req.route, method});
            }
            slot.requests->inc();
            slot.duration->observe(seconds);
          }};
}

}  // namespace mercato::http
