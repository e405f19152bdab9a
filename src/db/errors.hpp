#pragma once
// How database failures become mercato::Error values. Callers branch on `Error::reason`:
// "connection", "timeout", "pool_exhausted", or the SQLSTATE of a statement error ("23505"
// for a unique violation). Messages never carry SQL or server text: that goes to the log.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mercato::db {

namespace reason {
inline constexpr std::string_view connection = "connection";
inline constexpr std::string_view timeout = "timeout";
inline constexpr std::string_view pool_exhausted = "pool_exhausted";
inline constexpr std::string_view pipeline_aborted = "pipeline_aborted";
/// The server answered but refused the login (wrong password, no such role or database, no
/// pg_hba.conf entry, CONNECT not granted): a configuration error, not an outage.
inline constexpr std::string_view login_refused = "login_refused";
inline constexpr std::string_view deadline = "deadline";
inline constexpr std::string_view unique_violation = "23505";
inline constexpr std::string_view foreign_key_violation = "23503";
inline constexpr std::string_view check_violation = "23514";
inline constexpr std::string_view serialization_failure = "40001";
inline constexpr std::string_view deadlock_detected = "40P01";
}  // namespace reason

/// service_unavailable "database unavailable", reason "connection".
Error connection_error();
/// service_unavailable "database query timed out", reason "timeout".
Error timeout_error();
/// service_unavailable "database pool exhausted", reason "pool_exhausted".
Error pool_exhausted_error();

/// gateway_timeout "the request's time ran out", reason "deadline": a statement not started,
/// or cancelled, because the request it works for is due (Pool::until).
Error deadline_error();

/// The error of a failed statement with this SQLSTATE: internal "database error" with the
/// SQLSTATE as reason, except the states that mean the server is going away or cannot take
/// the session (class 08, 57P01-57P03, 53300, and 25006: a server that no longer takes
/// writes), which are connection_error().
Error statement_error(std::string_view sqlstate);

/// What a violated constraint means in the caller's domain. An empty message leaves that
/// violation as the database error it is (500 `internal`).
struct ConstraintMeaning {
  std::string unique;  ///< 23505 → 409 conflict with this message and `unique_details`
  std::vector<FieldError> unique_details;
  std::string foreign_key;  ///< 23503 → 404 not_found with this message
  std::string check;        ///< 23514 → 422 validation_failed with this message
};

/// The one place a statement's SQLSTATE becomes a client error: `e` as `meaning` describes
/// it, the SQLSTATE kept as reason. Any other error (connection, timeout, deadline, other
/// SQLSTATEs) comes back unchanged.
Error domain_error(Error e, const ConstraintMeaning& meaning);

/// True when a statement failing with this SQLSTATE leaves the connection unusable.
bool ends_session(std::string_view sqlstate);

}  // namespace mercato::db
