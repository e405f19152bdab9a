#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

http::Middleware security_headers() {
  return [](http::Request& req, const http::Next& next) -> asio::awaitable<http::Response> {
    http::Response res = co_await next(req);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    if (req.path().starts_with("/api/v1/auth/")) res.set_header("Cache-Control", "no-store");
    co_return res;
  };
}

}  // namespace mercato::gateway
