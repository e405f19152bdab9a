#pragma once
// The variables of token verification and of the clients that fetch identity's keys and
// revocations (JwksClient, RevocationFeed).

#include "core/config.hpp"

namespace mercato::auth {

/// JWT_ISSUER, JWT_AUDIENCE, JWT_CLOCK_SKEW → Settings (VerifyOptions::from): every service.
const config::Group& verify_config();
/// USER_SERVICE_HOST/PORT, UPSTREAM_TIMEOUT → Settings::user_service, upstream_timeout: the
/// services that call identity (the gateway's proxy, the catalog's key and revocation fetches).
const config::Group& identity_client_config();

}  // namespace mercato::auth
