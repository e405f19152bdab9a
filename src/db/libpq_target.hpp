#pragma once
// Which servers a libpq session may go to: DbSettings' host list as libpq's multi-host
// parameters. libpq tries `host=a,b,c port=x,y,z` in order and, with
// target_session_attrs=read-write, keeps the first that accepts writes, so a service given
// every node of an HA formation (docs/scaling.md, PostgreSQL high availability) connects to
// whichever is the primary now, and to the new one after a failover, without being told.

#include <string>

#include "core/config.hpp"

namespace mercato::db {

struct LibpqTarget {
  std::string host;  // "a" or "a,b,c"
  std::string port;  // "x" or "x,y,z", one per host
  std::string target_session_attrs;  // empty: libpq's default (any)
};

/// `s.hosts` when set, else `s.host` and `s.port`.
LibpqTarget libpq_target(const config::DbSettings& s);

/// "a:x,b:y" for logs and error messages.
std::string describe_hosts(const config::DbSettings& s);

}  // namespace mercato::db
