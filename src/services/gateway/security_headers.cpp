#include "http/set_fields.hpp"
#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

http::Hooks security_headers() {
  return {.after = [](http::Request& req, http::Response& res) {
    http::set_fields(res, std::array<http::Field, 3>{{{"X-Content-Type-Options", "nosniff"},
                                                      {"Referrer-Policy", "no-referrer"},
                                                      {"X-Frame-Options", "DENY"}}});
    if (req.path().starts_with("/api/v1/auth/")) res.set_header("Cache-Control", "no-store");
  }};
}

}  // namespace mercato::gateway
