#pragma once
// The commands of the mercato-identity binary besides serving (handled before app.run()):
//
//   mercato-identity user add --email E --role admin|editor|viewer [--name N]
//       Creates the user, or resets the live user with that email (role, password, active
//       again; name when given; their sessions revoked). The password is read from stdin
//       (one line; prompted without echo on a terminal). Prints "created <id>" or
//       "updated <id>". Exit 0 on success, 1 when it could not be done, 2 on bad usage.
//   mercato-identity create-admin --email E [--name N]
//       Same as `user add --role admin`.
//   mercato-identity keys rotate
//       Adds a new signing key to JWT_KEYS_DIR and prints its kid. Running instances sign
//       with it within seconds; the old key keeps verifying for JWT_ACCESS_TTL + skew.
//   mercato-identity keys list
//       One line per key: kid, created (UTC), and whether it signs, verifies or is retired.

#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/config.hpp"

namespace mercato::identity {

/// Runs the command named by `args` (non-empty); returns the process exit code.
int run_command(const config::Settings& settings, boost::asio::io_context& io, const std::vector<std::string>& args);

}  // namespace mercato::identity
