#pragma once
// How long one pooled connection lives: its own share of DB_CONN_MAX_LIFETIME, drawn when it
// opens, between kLifetimeFloor of it and all of it.
//
// Why not the whole lifetime for each: the connections a pool opens together (at start, after
// a restart or a failover) would all be replaced together, and a replacement is not free: a
// login, a cold session (its caches of the catalog tables), every statement it runs prepared
// again. The soak's 25 catalog connections, all replaced in its 14th minute and again in its
// 29th, stalled the whole mix for a minute each time (bench/results.md, soak). Spread over half
// the lifetime, they are replaced one every ~18 s at the default 15 minutes. (HikariCP and pgx
// spread their lifetimes for the same reason.)

#include "core/config.hpp"

namespace mercato::db {

inline constexpr double kLifetimeFloor = 0.5;

/// The lifetime of a connection drawn `u` (uniform in [0, 1)): from all of `max` (u = 0) down
/// to kLifetimeFloor of it. Zero (never replaced) stays zero.
config::Duration connection_lifetime(config::Duration max, double u);

/// A fresh draw for connection_lifetime (from the system's random source).
double lifetime_draw();

}  // namespace mercato::db
