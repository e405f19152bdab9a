#pragma once
// Reading the audit trail (GET /api/v1/audit): who may read which store's rows, the query's
// filters, and a row's representation. The rows are written by audit.hpp in each write's
// transaction; audit_repository.hpp reads them; audit_routes.cpp is the route.
//
// Who reads: admins every store's rows (all of them, or one store's with store_id /
// X-Store-ID); editors their own store's only (the store their token names, the default store
// when it names none), and asking for another store is 403; viewers are refused (403): a row
// holds the before and after of drafts, user ids and client addresses, which a read-only
// role of the catalog has no need for. Anonymous callers get 401.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::catalog {

inline constexpr std::int64_t kAuditDefaultLimit = 50;
inline constexpr std::int64_t kAuditMaxLimit = 200;

/// An RFC 3339 date-time ("2026-12-05T17:00:00Z", "2026-12-05T18:00:00.5+01:00") as UTC
/// microseconds since 1970, then printed back in one canonical form. Written by hand: the
/// standard library of g++ 12 has no chrono parse. Years 0001–9999; no leap second (:60).
Result<std::int64_t> parse_rfc3339(std::string_view text);
/// "2026-12-05T17:00:00.000000Z" (what the audit rows' `time` looks like too).
std::string format_utc_micros(std::int64_t micros);

struct AuditFilter {
  std::optional<std::string> store;  // nullopt: every store (admins only)
  std::optional<std::string> user_id, entity_type, entity_id, action;
  std::optional<std::int64_t> since, until;  // UTC microseconds; since inclusive, until exclusive
  /// Stable text of everything above: what a cursor is bound to.
  std::string canonical() const;
};

/// Whose rows the caller may read, given the store asked for (store_id or X-Store-ID, lower
/// case; nullopt when none): the store to filter by, or nullopt for every store (admins who
/// asked for none). auth_required without a principal, forbidden for a viewer or for another
/// store than the caller's own.
Result<std::optional<std::string>> audit_scope(const http::Request& req, const std::optional<std::string>& asked);

struct AuditRow {
  std::string id, time, store_id, user_id, user_role, action, entity_type, entity_id;
  std::optional<std::string> before, after;  // JSON text; before is null for a create
  std::string request_id, client_address;
};

/// {"id","time","store_id","user":{"id","role"},"action","entity":{"type","id"},"before","after",
///  "client_address","request_id"}
std::string audit_row_json(const AuditRow& row);

}  // namespace mercato::catalog
