#pragma once
// What the identity routes share, and where each group is installed. Routes parse, authorize,
// call a use-case (users_service.hpp, sessions_service.hpp) and answer; see
// docs/architecture.md#services for the layers.
//   auth_routes.cpp   POST /api/v1/auth/login, /refresh, /logout; GET /api/v1/auth/me;
//                     GET /api/v1/.well-known/jwks.json (and /.well-known/jwks.json)
//   users_routes.cpp  GET/POST /api/v1/users; PATCH/DELETE /api/v1/users/{id} (admin)
//   revocations.cpp   GET /internal/v1/revocations (verifiers; not routed by the gateway)

#include "auth/key_store.hpp"
#include "auth/passwords.hpp"
#include "core/config.hpp"
#include "http/router.hpp"
#include "services/identity/refresh_tokens.hpp"
#include "services/identity/revocations.hpp"
#include "services/identity/throttle.hpp"
#include "services/identity/users_repository.hpp"

namespace mercato::identity {

struct IdentityContext {
  const config::Settings& settings;
  UsersRepository& users;
  RefreshTokens& refresh;
  auth::PasswordHasher& hasher;
  LoginThrottle& throttle;
  auth::LocalKeys& keys;
  RevocationPublisher& revocations;
};

void install_auth_routes(http::Router& router, IdentityContext& ctx);
void install_users_routes(http::Router& router, IdentityContext& ctx);

/// The access token for `user`, signed with the current key: iss, aud, sub, role, store,
/// iat, exp (now + JWT_ACCESS_TTL), jti. `iat` is never before the user's tokens_not_before
/// (a token issued in the second of a revocation would otherwise be refused at once).
std::string issue_access_token(const IdentityContext& ctx, const User& user);

}  // namespace mercato::identity
