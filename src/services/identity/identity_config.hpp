#pragma once
// Identity's own variables, and the list of every group identity reads.

#include "core/config.hpp"

namespace mercato::identity {

/// JWT_ACCESS_TTL, JWT_REFRESH_TTL, JWT_KEYS_DIR, PASSWORD_HASH_*, LOGIN_* → Settings.
const config::Group& config_group();
/// What mercato-identity validates at start and prints with --help, in load order.
config::Groups config_groups();

}  // namespace mercato::identity
