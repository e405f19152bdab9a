#pragma once
// The gateway's own middleware besides CORS (cors.hpp). main.cpp composes them.

#include <memory>
#include <string>

#include "auth/verifier.hpp"
#include "http/handler.hpp"
#include "ratelimit/limiter.hpp"

namespace mercato::gateway {

namespace asio = boost::asio;

/// On every response: X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer,
/// X-Frame-Options: DENY; and Cache-Control: no-store under /api/v1/auth/, whose answers
/// carry tokens that no cache may keep.
http::Middleware security_headers();

/// Announces a version's end on its responses when configured (API_V1_SUNSET,
/// API_V2_SUNSET; empty: nothing added): `Sunset: <HTTP-date>` (RFC 8594) and
/// `Deprecation: @<unix seconds>` (RFC 9745).
http::Middleware api_versions(std::string v1_sunset, std::string v2_sunset);

/// The client a request counts against in the rate limit: "user:<sub>" when its bearer token
/// verifies (a cache hit after the first time), else "addr:<client address>" as
/// TRUSTED_PROXIES resolved it (http/client_address.hpp). The limit runs before
/// authentication, so a flood of forged tokens is counted by address.
ratelimit::ClientKey rate_limit_client(std::shared_ptr<auth::TokenVerifier> verifier);

}  // namespace mercato::gateway
