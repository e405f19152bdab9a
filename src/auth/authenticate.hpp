#pragma once
// The authentication middleware every service installs (app.use(auth::authenticate(v))).
//
// Optional by design: a request without an Authorization header passes with no principal,
// so public catalog reads need no token, and routes that need one say so with
// require_role() (auth_required when absent). A header that is present but not a valid
// bearer token is answered here with 401: invalid_token, or token_expired for a token whose
// only fault is its age. Why a token failed is logged at debug, never told to the client.
// A token is not trusted while the verifier's revocation list may be incomplete (after a
// lost bus, before the first sync): the middleware asks identity first, and answers 503
// service_unavailable (Retry-After: 1) when it cannot (auth/revocation_feed.hpp).

#include <memory>
#include <optional>
#include <string_view>

#include "auth/verifier.hpp"
#include "http/handler.hpp"

namespace mercato::auth {

http::Middleware authenticate(std::shared_ptr<TokenVerifier> verifier);

/// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive);
/// nullopt for another scheme or an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace mercato::auth
