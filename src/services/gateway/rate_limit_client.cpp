#include "auth/authenticate.hpp"
#include "services/gateway/middleware.hpp"

namespace mercato::gateway {

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
