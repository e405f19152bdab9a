#pragma once
// The brief's response envelope. This is the only code that turns an Error into bytes, and
// the only place that writes the {"success": …} wrapper, so every service answers alike.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::http {

/// {"success":true,"data":<data_json>[,"meta":<meta_json>]} — both arguments are
/// already-serialized JSON (written with json::Writer or taken from a cache).
Response ok(std::string_view data_json, int status = 200, std::string_view meta_json = {});

/// Field details written into one error answer, at most. A longer list is cut to its first
/// kMaxErrorDetails and the message says how many there were, so a hostile body cannot make
/// an answer larger than the body that caused it.
inline constexpr std::size_t kMaxErrorDetails = 50;

/// {"success":false,"error":{"code","message"[,"details":[{"field","message"}]]}} with the
/// error's HTTP status. A 5xx also gets Response::failure (code, failure_cause), which the
/// access log writes as the request's one error line. A 503 also gets `Retry-After: 1`.
Response error_response(const Error& e);
/// The cause of a failure as operators read it: the message, and the machine reason (a
/// SQLSTATE, "connection", "timeout") when there is one: "database error (40001)".
std::string failure_cause(const Error& e);
std::string error_body(const Error& e);

/// 204 No Content (no envelope: the status says it all and the body must be empty).
Response no_content();

}  // namespace mercato::http
