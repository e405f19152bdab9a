#pragma once
// CORS for browsers calling the API from the dashboard's origin (CORS_ORIGINS). Exact origin
// match; a listed origin is echoed with credentials allowed (the refresh token is an httpOnly
// cookie). "*" lets any other origin read answers too, but only as "*" and never with
// credentials: an echoed origin with Access-Control-Allow-Credentials would let every site call
// the API with the user's cookies and read the answer (the Fetch standard's CORS check allows
// that pair, and refuses credentials with "*"). A refused origin gets no CORS headers at all,
// and its preflight a 403 envelope, so the browser blocks the call and the reason is readable
// in dev tools.

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
  /// Listed by name: its requests may carry credentials. "*" alone never grants them.
  bool allows_credentials(std::string_view origin) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

/// Answers preflights (OPTIONS with Origin and Access-Control-Request-Method) itself: 204
/// with the allowed methods and headers, cached by the browser for 600 s, or 403 for an
/// origin not allowed. Adds Access-Control-Allow-Origin/-Expose-Headers to the responses of
/// allowed origins (the origin itself and Allow-Credentials for a listed one, "*" without
/// credentials for any other), and `Vary: Origin` to every response.
http::Hooks cors(CorsPolicy policy);

}  // namespace mercato::gateway
