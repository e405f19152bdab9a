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
http::Hooks security_headers();

/// Announces a version's end on its responses when configured (API_V1_SUNSET,
/// API_V2_SUNSET; empty: nothing added): `Sunset: <HTTP-date>` (RFC 8594) and
/// `Deprecation: @<unix seconds>` (RFC 9745).
http::Hooks api_versions(std::string v1_sunset, std::string v2_sunset);

/// The client a request counts against in the rate limit: "user:<sub>" when its bearer token
/// verifies (a cache hit after the first time), else "addr:<client address>" as
/// TRUSTED_PROXIES resolved it (http/client_address.hpp). The limit runs before
/// authentication, so a flood of forged tokens is counted by address.
ratelimit::ClientKey rate_limit_client(std::shared_ptr<auth::TokenVerifier> verifier);

/// The products a POST /api/v1/products/bulk carries, for the rate limit: the length of its
/// `items` array, or kBulkJobItems for a `filter` (a job whose size the gateway cannot know);
/// 0 for every other request and for a body the catalog will refuse anyway (not JSON). Counted
/// before the catalog sees the body, from the bytes the gateway forwards, so what is charged is
/// what is sent. The catalog's own maximum (BULK_MAX_ITEMS) bounds what a call can do.
std::int64_t bulk_items(const http::Request& req);
inline constexpr std::int64_t kBulkJobItems = 1000;

}  // namespace mercato::gateway
