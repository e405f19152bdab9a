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

/// The first line that opts a file out of its transaction, for statements PostgreSQL refuses
/// inside one (CREATE INDEX CONCURRENTLY). It must be the file's first line, exactly.
inline constexpr std::string_view kNoTransactionMarker = "-- mercato:no-transaction";

/// True when `contents` starts with kNoTransactionMarker as a line of its own.
bool runs_outside_transaction(std::string_view contents);

/// The statements of a no-transaction file, each without its final semicolon, comments and
/// blank text dropped between statements. Written by hand (no SQL lexer here): it knows
/// `--` and block comments, '…' and E'…' strings, "…" identifiers and $tag$…$tag$ bodies, so a
/// semicolon inside any of them does not split. An unterminated one is an error.
Result<std::vector<std::string>> split_statements(std::string_view sql);

/// The index names of every `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] <name>` among
/// `statements`, as written (possibly schema-qualified). The runner checks these are valid
/// after the file ran, and drops one an earlier failed run left INVALID before running again.
std::vector<std::string> concurrent_index_names(const std::vector<std::string>& statements);

/// Applies the files of `dir` not yet recorded in table schema_migrations, in order, each in
/// its own transaction, while holding a PostgreSQL advisory lock: processes starting together
/// apply each file exactly once (the others wait, then find it recorded). Stops at the first
/// problem: missing directory, bad file names, a failing file (rolled back), or an applied
/// file whose contents changed since (its checksum differs).
///
/// A file runs as one multi-statement string, so it must not contain BEGIN/COMMIT or
/// statements that refuse transactions (CREATE INDEX CONCURRENTLY), unless its first line is
/// kNoTransactionMarker: then each statement runs on its own (autocommit), the file is recorded
/// only after the last one succeeded, and a failure half way leaves the earlier statements
/// done, so such a file must be written to run again (IF NOT EXISTS). A concurrent index build
/// that fails leaves an INVALID index behind, which IF NOT EXISTS would then keep for good:
/// the runner reports it with the failure and, on the next run, drops it (DROP INDEX
/// CONCURRENTLY) before running the file again; a file whose concurrent indexes are not all
/// valid afterwards is not recorded.
///
/// The lock is taken with pg_try_advisory_lock, retried, rather than waited for: a waiting
/// pg_advisory_lock holds a snapshot, which a concurrent index build in the lock holder's
/// session waits for — a deadlock between two starting instances.
Status migrate(const config::DbSettings& settings, const std::string& dir);

}  // namespace mercato::db
