// Login, refresh, logout, "who am I", and the public keys. The handlers parse, call
// SessionsService (sessions_service.hpp: throttle, passwords, refresh-token rotation) and build
// the answer: the access token, the refresh token in the cookie and/or the JSON, the user.
#include <utility>

#include <algorithm>
#include <memory>

#include "auth/jwt.hpp"
#include "auth/refresh_token.hpp"
#include "auth/roles.hpp"
#include "auth/verifier.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"
#include "services/identity/current_user.hpp"
#include "services/identity/routes.hpp"
#include "services/identity/sessions_service.hpp"
#include "services/identity/users_json.hpp"

namespace mercato::identity {

namespace {

using http::Request;
using http::Response;

constexpr std::string_view kCookiePath = "/api/v1/auth";

std::string cookie(const IdentityContext& ctx, std::string_view value, std::int64_t max_age) {
  std::string c = "refresh_token=" + std::string(value) + "; Path=" + std::string(kCookiePath) +
                  "; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
  // Browsers drop Secure cookies on plain http://localhost in some versions; development
  // runs without TLS, everything else must not send the token over plain HTTP.
  if (ctx.settings.environment != "development") c += "; Secure";
  return c;
}

Response with_cleared_cookie(const IdentityContext& ctx, Response r) {
  r.set_header("Set-Cookie", cookie(ctx, "", 0));
  return r;
}

/// The answer of login and refresh: the access token and, where `delivery` says, the
/// refresh token (the HttpOnly cookie for browsers, the JSON for API clients) and, at login,
/// the user.
Response session_response(const IdentityContext& ctx, const Session& session, bool include_user,
                          RefreshDelivery delivery) {
  const User& user = session.user;
  const IssuedRefresh& refresh = session.refresh;
  const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.jwt_access_ttl).count();
  std::string data;
  json::Writer w(data);
  w.begin_object();
  w.key("access_token").string(issue_access_token(ctx, user)).key("token_type").string("Bearer");
  w.key("expires_in").integer(ttl);
  if (delivery != RefreshDelivery::cookie)
    w.key("refresh_token").string(refresh.token).key("refresh_expires_in").integer(refresh.lifetime.count());
  if (include_user) {
    w.key("user");
    write_user(w, user);
  }
  w.end_object();
  Response r = http::ok(data);
  if (delivery != RefreshDelivery::body) r.set_header("Set-Cookie", cookie(ctx, refresh.token, refresh.lifetime.count()));
  r.set_header("Cache-Control", "no-store");  // RFC 6749 §5.1
  return r;
}

asio::awaitable<Response> login(IdentityContext& ctx, SessionsService& sessions, Request& req) {
  auto body = parse_login(req);
  if (!body) co_return http::error_response(body.error());
  const std::string& address = req.client_address;  // TRUSTED_PROXIES decides (http/client_address.hpp)
  auto outcome = co_await sessions.login(body->email, std::move(body->password), address, req.context.scope());
  if (!outcome.session) {
    if (outcome.refused->code == ErrorCode::rate_limited)
      log::info("login throttled", {{"request_id", req.request_id}, {"trace_id", req.context.trace_id()}, {"client", address}});
    auto r = http::error_response(*outcome.refused);
    if (outcome.retry_after.count() > 0) r.set_header("Retry-After", std::to_string(outcome.retry_after.count()));
    co_return r;
  }
  log::info("login", {{"request_id", req.request_id}, {"trace_id", req.context.trace_id()}, {"user", outcome.session->user.id},
                      {"client", address}});
  co_return session_response(ctx, *outcome.session, true, body->delivery);
}

asio::awaitable<Response> refresh(IdentityContext& ctx, SessionsService& sessions, Request& req) {
  auto token = refresh_token_of(req);
  if (!token) co_return http::error_response(token.error());
  if (!*token) {
    auto missing = co_await sessions.refresh(std::nullopt, {}, req.context.scope());
    co_return http::error_response(missing.error());
  }
  const auto fingerprint = auth::client_fingerprint(req.client_address,
                                                    req.header("User-Agent").value_or(""));
  // A token that came in the cookie goes back only in the cookie: any script on the page can
  // POST here, and must not read a 30-day token from the answer. One sent in the body goes
  // back in the body (and the cookie, so a browser's cookie never holds a used token).
  const auto delivery = (*token)->from_cookie ? RefreshDelivery::cookie : RefreshDelivery::both;
  auto session = co_await sessions.refresh(std::move((*token)->token), fingerprint, req.context.scope());
  if (!session) {
    // Refused: the browser's cookie holds a dead token, so it goes too.
    if (session.error().code == ErrorCode::invalid_token)
      co_return with_cleared_cookie(ctx, http::error_response(session.error()));
    co_return http::error_response(session.error());
  }
  co_return session_response(ctx, *session, false, delivery);
}

asio::awaitable<Response> logout(IdentityContext& ctx, SessionsService& sessions, Request& req) {
  auto token = refresh_token_of(req);
  if (!token) co_return http::error_response(token.error());
  if (*token) {
    auto st = co_await sessions.logout(std::move((*token)->token), req.context.scope());
    if (!st) co_return http::error_response(st.error());
  }
  // Idempotent, and silent about whether the token existed.
  co_return with_cleared_cookie(ctx, http::no_content());
}

asio::awaitable<Response> me(IdentityContext& ctx, Request& req) {
  if (auto st = auth::require_role(req, auth::Role::viewer); !st) co_return http::error_response(st.error());
  // The token verified, but the account may have been deleted, deactivated, demoted or
  // re-passworded since it was issued: the row decides (one primary-key read).
  auto user = co_await current_user(ctx.users, *req.principal, req.context.scope());
  if (!user) {
    auto r = http::error_response(user.error());
    if (user.error().code == ErrorCode::invalid_token) r.set_header("WWW-Authenticate", R"(Bearer error="invalid_token")");
    co_return r;
  }
  Response r = http::ok(user_json(*user));
  r.set_header("Cache-Control", "no-store");
  co_return r;
}

/// The plain RFC 7517 JWK Set (§8.5 media type), at both locations: stock JOSE clients
/// (jose's createRemoteJWKSet, …) cannot read a set inside the API envelope.
Response jwks(const IdentityContext& ctx) {
  const auto snap = ctx.keys.snapshot();
  Response r;
  r.content_type = "application/jwk-set+json";
  r.body = snap->jwks;
  // Short: verifiers refetch on an unknown kid anyway, and a retired key should not linger.
  r.set_header("Cache-Control", "public, max-age=60");
  return r;
}

}  // namespace

std::string issue_access_token(const IdentityContext& ctx, const User& user) {
  const auto now = std::max(auth::unix_now(), user.tokens_not_before);
  auth::Claims c;
  c.iss = ctx.settings.jwt_issuer;
  c.aud = ctx.settings.jwt_audience;
  c.sub = user.id;
  c.role = user.role;
  c.store = user.store_id;
  c.iat = now;
  c.exp = now + std::chrono::duration_cast<std::chrono::seconds>(ctx.settings.jwt_access_ttl).count();
  c.jti = ids::uuid_v7();
  return auth::sign_token(c, ctx.keys.snapshot()->signer);
}

void install_auth_routes(http::Router& router, IdentityContext& ctx) {
  // Owned by the routes (it holds only references and settings), so main.cpp lists no extra part.
  auto sessions = std::make_shared<SessionsService>(ctx.users, ctx.refresh, ctx.hasher, ctx.throttle,
                                                    ctx.settings.jwt_refresh_ttl);
  router.post("/api/v1/auth/login", [&ctx, sessions](Request& req) { return login(ctx, *sessions, req); });
  router.post("/api/v1/auth/refresh", [&ctx, sessions](Request& req) { return refresh(ctx, *sessions, req); });
  router.post("/api/v1/auth/logout", [&ctx, sessions](Request& req) { return logout(ctx, *sessions, req); });
  router.get("/api/v1/auth/me", [&ctx](Request& req) { return me(ctx, req); });
  // The one exception to the envelope under /api/: a key set standard tooling can read. The
  // RFC 8615 well-known location serves the same bytes.
  router.get("/api/v1/.well-known/jwks.json", [&ctx](Request&) -> asio::awaitable<Response> { co_return jwks(ctx); });
  router.get("/.well-known/jwks.json", [&ctx](Request&) -> asio::awaitable<Response> { co_return jwks(ctx); });
}

}  // namespace mercato::identity
