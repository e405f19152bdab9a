#include "auth/authenticate.hpp"

#include <array>
#include <chrono>

#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/envelope.hpp"

namespace mercato::auth {

std::optional<std::string_view> bearer_token(std::string_view v) {
  constexpr std::string_view kScheme = "bearer";
  if (v.size() <= kScheme.size() || !http::iequals(v.substr(0, kScheme.size()), kScheme) || v[kScheme.size()] != ' ')
    return std::nullopt;
  v.remove_prefix(kScheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return v;
}

namespace {

constexpr std::size_t kFaults = static_cast<std::size_t>(TokenFault::revoked) + 1;

http::Response reject(TokenFault f, const http::Request& req) {
  log::debug("token rejected", {{"request_id", req.request_id}, {"trace_id", req.context.trace_id()}, {"fault", fault_name(f)}});
  auto r = http::error_response(token_error(f));
  // RFC 6750 §3: tells API clients to refresh (expired) or log in again, without detail.
  r.set_header("WWW-Authenticate", R"(Bearer error="invalid_token")");
  return r;
}

}  // namespace

http::Middleware authenticate(std::shared_ptr<TokenVerifier> verifier) {
  auto& family = metrics::Registry::global().counter(
      "auth_tokens_verified_total", "Access tokens checked by the authentication middleware, by outcome", {"result"});
  // Children looked up once: the registry's lookup takes a lock, the hot path should not.
  auto counters = std::make_shared<std::array<metrics::Counter*, kFaults>>();
  for (std::size_t i = 0; i < kFaults; ++i)
    (*counters)[i] = &family.with({i == 0 ? std::string_view("ok") : fault_name(static_cast<TokenFault>(i))});

  return [verifier, counters](http::Request& req, const http::Next& next) -> asio::awaitable<http::Response> {
    const auto header = req.header("Authorization");
    if (!header) co_return co_await next(req);
    const auto token = bearer_token(*header);
    TokenFault fault = TokenFault::malformed;
    Claims claims;
    if (token) {
      // The revocation list may be missing some (before the first sync with identity, or
      // after the bus was lost): ask identity before trusting this token (revocation_feed.hpp).
      if (auto* revoked = verifier->revocations(); revoked && !revoked->current()) {
        if (!co_await revoked->resync(std::chrono::milliseconds(1000))) {
          auto r = http::error_response(
              Error{ErrorCode::service_unavailable, "cannot check the access token right now; try again shortly"});
          // Logged once, as the request's error line (the access log).
          r.failure->cause = "token refused: cannot confirm with identity that it was not revoked";
          r.set_header("Retry-After", "1");
          co_return r;
        }
      }
      const auto now = unix_now();
      fault = verifier->verify(*token, now, claims);
      if (fault == TokenFault::unknown_key) {
        std::string copy(*token);
        fault = co_await verifier->verify_refreshing(std::move(copy), now, claims);
      }
    }
    (*counters)[static_cast<std::size_t>(fault)]->inc();
    if (fault != TokenFault::none) co_return reject(fault, req);
    req.principal = http::Principal{std::move(claims.sub), std::move(claims.role), std::move(claims.store), claims.iat};
    co_return co_await next(req);
  };
}

}  // namespace mercato::auth
