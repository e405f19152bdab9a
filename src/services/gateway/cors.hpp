#pragma once
// CORS for browsers calling the API from the dashboard's origin (CORS_ORIGINS). Exact origin
// match; credentials allowed (the refresh token is an httpOnly cookie), so the allowed origin
// is echoed, never "*". A refused origin gets no CORS headers at all, and its preflight a
// 403 envelope, so the browser blocks the call and the reason is readable in dev tools.

#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace mercato::gateway {

namespace asio = boost::asio;

class CorsPolicy {
 public:
  /// Origins as config gives them ("https://shop.example"); "*" allows any origin.
  explicit CorsPolicy(std::vector<std::string> origins);
  bool allows(std::string_view origin) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

/// Answers preflights (OPTIONS with Origin and Access-Control-Request-Method) itself: 204
/// with the allowed methods and headers, cached by the browser for 600 s, or 403 for an
/// origin not allowed. Adds Access-Control-Allow-Origin/-Credentials/-Expose-Headers to the
/// responses of allowed origins, and `Vary: Origin` to every response.
http::Middleware cors(CorsPolicy policy);

}  // namespace mercato::gateway
