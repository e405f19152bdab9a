#include "services/identity/identity_config.hpp"

#include "auth/auth_config.hpp"
#include "cache/redis_config.hpp"
#include "db/db_config.hpp"
#include "http/http_config.hpp"
#include "trace/tracing_config.hpp"

namespace mercato::identity {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"JWT_ACCESS_TTL", K::duration, "15m", "lifetime of an access token", {}, kSecond, 24 * kHour},
    {"JWT_REFRESH_TTL", K::duration, "720h", "lifetime of a refresh token family", {}, kSecond, 24 * 366 * kHour},
    {"JWT_KEYS_DIR", K::string, ".var/keys", "directory of the token signing keys"},
    {"PASSWORD_HASH_WORKERS", K::integer, "0", "threads hashing passwords (argon2id); 0 means one per CPU core", {},
     0, 256},
    {"PASSWORD_HASH_QUEUE", K::integer, "32", "password hashes waiting or running at once; more get 503", {}, 1,
     100000},
    {"LOGIN_MAX_FAILURES", K::integer, "10",
     "failed logins per account and client address per LOGIN_FAILURE_WINDOW before 429", {}, 1, 100000},
    {"LOGIN_FAILURE_WINDOW", K::duration, "15m", "window in which failed logins are counted", {}, kSecond,
     24 * kHour},
};

// /auth/me reads the user's row on every call, so a deactivation or role change made by any
// writer shows at once: docs/architecture.md#cache.
constexpr config::RetiredVar kRetired[] = {
    {"DB_REPLICA_HOSTS", "not read by identity: logins and token rotation must see the latest write, so every identity "
                         "read stays on the primary (the catalog reads replicas)"},
    {"CACHE_TTL_USER_DATA", "removed: no lifetime decides when user data is fresh (the gateway's copy of /auth/me is dropped by every change: PRINCIPAL_CACHE_*)"},
};

void load(config::Reader& r, config::Settings& s) {
  s.jwt_access_ttl = r.duration("JWT_ACCESS_TTL");
  s.jwt_refresh_ttl = r.duration("JWT_REFRESH_TTL");
  s.jwt_keys_dir = r.string("JWT_KEYS_DIR");
  s.password_hash_workers = r.integer("PASSWORD_HASH_WORKERS");
  s.password_hash_queue = r.integer("PASSWORD_HASH_QUEUE");
  s.login_max_failures = r.integer("LOGIN_MAX_FAILURES");
  s.login_failure_window = r.duration("LOGIN_FAILURE_WINDOW");
}

constexpr config::Group kGroup{"identity", "src/services/identity/identity_config.cpp", kVars, load, kRetired};

}  // namespace

const config::Group& config_group() { return kGroup; }

config::Groups config_groups() {
  return {&config::core_group(),   &http::server_config(),  &http::request_timeout_config(),
          &db::config_group(),     &cache::redis_config(),  &auth::verify_config(),
          &config_group(),         &trace::tracing_config()};
}

}  // namespace mercato::identity
