#pragma once
// The variables of the PostgreSQL clients (db::Pool, db::migrate) a service with a database
// reads.

#include "core/config.hpp"

namespace mercato::db {

/// DB_*, MIGRATIONS_DIR → Settings::db, migrations_dir; in production, DB_PASSWORD and a
/// verified TLS connection.
const config::Group& config_group();

}  // namespace mercato::db
