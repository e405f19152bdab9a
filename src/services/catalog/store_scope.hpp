#pragma once
// Which store a request works on. Every catalog statement is scoped by store_id, and this is
// the one place that decides it:
//   - reads: X-Store-ID when given (any store's public catalog is public), else the token's
//     store, else the default store;
//   - writes: the same choice, but the caller's principal must be allowed to write there: an
//     admin anywhere, anyone else only in the store their token names (or the default store
//     when the token names none). Otherwise 403;
//   - who reads: the store's members (any role whose token names the store, and admins) see
//     its drafts and archived products; everyone else, signed in or not, its active ones.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::catalog {

/// The default store created by migrations/catalog/0001_catalog_schema.sql.
inline constexpr std::string_view kDefaultStoreId = "00000000-0000-7000-8000-000000000001";

/// A malformed X-Store-ID (not a UUID) → bad_request.
Result<std::string> store_for_read(const http::Request& req);
/// Call after auth::require_role: a store the principal may not write → forbidden.
Result<std::string> store_for_write(const http::Request& req);
/// True when the caller is an admin, or its token names `store` (no store named: the default
/// store). `store` as store_for_read returns it (lower case).
bool is_member(const http::Request& req, std::string_view store);

}  // namespace mercato::catalog
