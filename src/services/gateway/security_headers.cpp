#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

http::Hooks security_headers() {
  return {.after = [](http::Request& req, http::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    if (req.path().starts_with("/api/v1/auth/")) res.set_header("Cache-Control", "no-store");
  }};
}

}  // namespace mercato::gateway
