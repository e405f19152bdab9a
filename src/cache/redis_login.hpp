#pragma once
// A blocking, one-off Redis login made before a service starts serving. A refused login
// (wrong REDIS_USER / REDIS_PASSWORD, or a server that wants a password and got none) is a
// configuration error that reconnecting can never fix, so it must stop start-up with one clear
// line instead of becoming an endless "redis connect failed, retrying" in the log.

#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::cache {

/// Connects, authenticates as RedisClient would, and sends PING, within
/// `settings.connect_timeout` (1 s when 0). Returns an Error with a one-line message naming
/// `variables` (e.g. "REDIS_USER/REDIS_PASSWORD") when the server refuses the login or the
/// user may not even PING. An unreachable server is fine here: Redis is not critical, and the
/// clients keep reconnecting in the background.
Status check_login(const config::RedisSettings& settings, std::string_view variables);

}  // namespace mercato::cache
