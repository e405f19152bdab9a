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

/// {"success":false,"error":{"code","message"[,"details":[{"field","message"}]]}} with the
/// error's HTTP status.
Response error_response(const Error& e);
std::string error_body(const Error& e);

/// 204 No Content (no envelope: the status says it all and the body must be empty).
Response no_content();

}  // namespace mercato::http
