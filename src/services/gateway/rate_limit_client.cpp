#include "auth/authenticate.hpp"
#include "core/json.hpp"
#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

std::int64_t bulk_items(const http::Request& req) {
  if (req.method != http::Method::POST || req.path() != "/api/v1/products/bulk") return 0;
  auto doc = json::Document::parse(req.body);
  if (!doc) return 0;
  const auto root = (*doc)->root();
  simdjson::dom::array items;
  if (root["items"].get(items) == simdjson::SUCCESS) return static_cast<std::int64_t>(items.size());
  if (root["filter"].error() == simdjson::SUCCESS) return kBulkJobItems;
  return 0;
}

ratelimit::ClientKey rate_limit_client(std::shared_ptr<auth::TokenVerifier> verifier) {
  return [verifier = std::move(verifier)](const http::Request& req) {
    if (auto header = req.header("Authorization")) {
      if (auto token = auth::bearer_token(*header)) {
        auth::Claims claims;
        if (verifier->verify(*token, auth::unix_now(), claims) == auth::TokenFault::none) return "user:" + claims.sub;
      }
    }
    return "addr:" + req.client_address;
  };
}

}  // namespace mercato::gateway
