#pragma once
// Versioned SQL migrations, applied once at start-up before the service serves. Blocking
// libpq on purpose: nothing else runs yet, and straight-line code is easier to trust here.

#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::db {

struct MigrationFile {
  int version = 0;
  std::string file_name;  // "0002_products.sql"
};

/// The migration files among `file_names`, in the order they apply. Names ending in ".sql"
/// must be `<digits>_<name>.sql` and number 1, 2, 3, … with no gap and no duplicate; other
/// files (README.md) are ignored. Pure: used by migrate() and by tests.
Result<std::vector<MigrationFile>> order_migrations(const std::vector<std::string>& file_names);

/// Lowercase hex SHA-256 (libsodium), the checksum recorded for each applied file.
std::string sha256_hex(std::string_view data);

/// Applies the files of `dir` not yet recorded in table schema_migrations, in order, each in
/// its own transaction, while holding a PostgreSQL advisory lock: processes starting together
/// apply each file exactly once (the others wait, then find it recorded). Stops at the first
/// problem: missing directory, bad file names, a failing file (rolled back), or an applied
/// file whose contents changed since (its checksum differs).
///
/// A file runs as one multi-statement string, so it must not contain BEGIN/COMMIT or
/// statements that refuse transactions (CREATE INDEX CONCURRENTLY).
Status migrate(const config::DbSettings& settings, const std::string& dir);

}  // namespace mercato::db
