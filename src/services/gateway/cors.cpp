#include "services/gateway/cors.hpp"

#include <algorithm>
#include <memory>

#include "http/envelope.hpp"

namespace mercato::gateway {

namespace {

// The contract's methods and the request fields a page sends: the dashboard's, the W3C
// trace context a page's tracing adds (trusted for sampling only from TRUSTED_PROXIES), and
// the position of its last write (read-your-writes across replicas).
constexpr std::string_view kAllowMethods = "GET, HEAD, POST, PATCH, DELETE";
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, X-Request-ID, traceparent, tracestate, Mercato-Read-After";
// Fields a script may read beyond the CORS-safelisted ones: what the dashboard needs for
// optimistic concurrency, quoting a request id or trace, backing off when rate limited, and
// the position a write answers with.
constexpr std::string_view kExposeHeaders =
    "ETag, Location, Retry-After, X-Request-ID, traceparent, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "Deprecation, Sunset, Mercato-Read-After";
constexpr std::string_view kMaxAgeSeconds = "600";

bool lists_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*" || http::iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// A cache must key responses on Origin, since the CORS headers depend on it; kept beside any
// Vary the upstream set.
void add_vary_origin(http::Response& res) {
  for (auto& [name, value] : res.headers) {
    if (!http::iequals(name, "vary")) continue;
    if (!lists_token(value, "Origin")) value += ", Origin";
    return;
  }
  res.headers.emplace_back("Vary", "Origin");
}

void allow_origin(http::Response& res, const CorsPolicy& policy, std::string_view origin) {
  if (policy.allows_credentials(origin)) {
    res.set_header("Access-Control-Allow-Origin", std::string(origin));
    res.set_header("Access-Control-Allow-Credentials", "true");
  } else {
    res.set_header("Access-Control-Allow-Origin", "*");  // CORS_ORIGINS=*: never with credentials
  }
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool CorsPolicy::allows(std::string_view origin) const { return !origin.empty() && (any_ || allows_credentials(origin)); }

bool CorsPolicy::allows_credentials(std::string_view origin) const {
  return !origin.empty() && origin != "*" && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

http::Hooks cors(CorsPolicy policy) {
  auto shared = std::make_shared<const CorsPolicy>(std::move(policy));
  auto before = [shared](http::Request& req) -> std::optional<http::Response> {
    const CorsPolicy& policy = *shared;
    const auto origin = req.header("Origin");
    if (!origin || req.method != http::Method::OPTIONS || !req.header("Access-Control-Request-Method")) return std::nullopt;
    // A preflight: answered here.
    req.route = "cors-preflight";
    http::Response res;
    if (policy.allows(*origin)) {
      res = http::no_content();
      allow_origin(res, policy, *origin);
      res.set_header("Access-Control-Allow-Methods", std::string(kAllowMethods));
      res.set_header("Access-Control-Allow-Headers", std::string(kAllowHeaders));
      res.set_header("Access-Control-Max-Age", std::string(kMaxAgeSeconds));
    } else {
      res = http::error_response(
          Error{ErrorCode::forbidden, "origin " + std::string(origin->substr(0, 200)) + " may not call this API"});
    }
    add_vary_origin(res);
    return res;
  };
  auto after = [shared](http::Request& req, http::Response& res) {
    const CorsPolicy& policy = *shared;
    if (const auto origin = req.header("Origin"); origin && policy.allows(*origin)) {
      allow_origin(res, policy, *origin);
      res.set_header("Access-Control-Expose-Headers", std::string(kExposeHeaders));
    }
    add_vary_origin(res);
  };
  return {.before = std::move(before), .after = std::move(after)};
}

}  // namespace mercato::gateway
