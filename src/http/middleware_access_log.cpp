#include <chrono>

#include "core/log.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

Middleware access_log() {
  return [](Request& req, const Next& next) -> asio::awaitable<Response> {
    auto start = std::chrono::steady_clock::now();
    Response res = co_await next(req);
    bool probe = req.route.starts_with("/health/") || req.route == "/metrics";
    log::Level level = probe ? log::Level::debug : log::Level::info;
    if (log::enabled(level)) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      log::write(level, "request",
                 {{"request_id", req.request_id},
                  {"method", method_name(req.method)},
                  {"route", req.route},
                  {"status", res.status},
                  {"bytes", res.body.size()},
                  {"duration_ms", ms},
                  {"remote", req.remote_addr},
                  {"client", req.client_address}});
    }
    co_return res;
  };
}

}  // namespace mercato::http
