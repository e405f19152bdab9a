#include "auth/auth_config.hpp"

namespace mercato::auth {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVerifyVars[] = {
    {"JWT_ISSUER", K::string, "mercato-identity", "iss of issued tokens, required when verifying"},
    {"JWT_AUDIENCE", K::string, "mercato", "aud of issued tokens, required when verifying"},
    {"JWT_CLOCK_SKEW", K::duration, "30s", "clock difference tolerated when checking exp, nbf and iat", {}, 0,
     5 * kMinute},
};

void load_verify(config::Reader& r, config::Settings& s) {
  s.jwt_issuer = r.string("JWT_ISSUER");
  s.jwt_audience = r.string("JWT_AUDIENCE");
  s.jwt_clock_skew = r.duration("JWT_CLOCK_SKEW");
}

constexpr config::VarSpec kIdentityClientVars[] = {
    {"USER_SERVICE_HOST", K::string, "127.0.0.1",
     "identity service host, or host:port,host:port for several instances (then USER_SERVICE_PORT is ignored)"},
    {"USER_SERVICE_PORT", K::port, "8082", "identity service port"},
    {"USER_SERVICE_SOCKET", K::string, "",
     "identity's HTTP_SOCKET when it runs on this host: reached over that Unix socket instead of TCP (one "
     "instance); empty: TCP"},
    {"UPSTREAM_TIMEOUT", K::duration, "5s",
     "time a service waits for another's answer: the gateway's budget per request; the catalog's key and "
     "revocation fetches from identity take at most 2s and 1s of it",
     {}, 1, 10 * kMinute},
};

void load_identity_client(config::Reader& r, config::Settings& s) {
  s.user_service = r.upstream("USER_SERVICE_HOST", "USER_SERVICE_PORT");
  r.upstream_socket(s.user_service, "USER_SERVICE_SOCKET", "USER_SERVICE_HOST");
  s.upstream_timeout = r.duration("UPSTREAM_TIMEOUT");
}

constexpr config::Group kVerify{"token-verify", "src/auth/auth_config.cpp", kVerifyVars, load_verify};
constexpr config::Group kIdentityClient{"identity-client", "src/auth/auth_config.cpp", kIdentityClientVars,
                                        load_identity_client};

}  // namespace

const config::Group& verify_config() { return kVerify; }
const config::Group& identity_client_config() { return kIdentityClient; }

}  // namespace mercato::auth
