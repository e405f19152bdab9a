#pragma once
// WAL positions (PostgreSQL's pg_lsn) as the replica router and read-your-writes use them.
// PostgreSQL prints one as two hexadecimal numbers, the high and low 32 bits: "16/B374D848".
// Clients get the same spelling back (the Mercato-Read-After header and cookie), so nothing
// new leaks: it is what `SELECT pg_current_wal_lsn()` shows anyone who may run it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::db {

/// 0 is "no position": PostgreSQL's InvalidXLogRecPtr, below every real one.
using Lsn = std::uint64_t;
/// Beyond every position a replica can have replayed: a read after it goes to the primary.
inline constexpr Lsn kPrimaryOnly = ~Lsn{0};

/// "X/Y", each 1 to 8 hex digits (either case), nothing else; nullopt otherwise.
std::optional<Lsn> parse_lsn(std::string_view text);
/// As PostgreSQL prints it: upper-case hex, no leading zeros ("0/0" for 0).
std::string format_lsn(Lsn lsn);

}  // namespace mercato::db
