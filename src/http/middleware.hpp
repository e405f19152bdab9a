#pragma once
// The middleware every service runs, outermost first:
//   resolve_client_address (client_address.hpp) → request_id → access_log → metrics → recover
//   → (service middleware) → router
// Each lives in its own file (middleware_<name>.cpp).

#include <string>
#include <string_view>

#include "http/handler.hpp"

namespace mercato::http {

/// Accepts the client's X-Request-ID when well-formed (see is_valid_request_id), else makes a
/// UUIDv7; sets req.request_id and echoes it on the response.
Middleware request_id();
/// 1–128 characters of [A-Za-z0-9._:-]: enough for UUIDs and tracing ids, nothing that
/// could break a log line or a header.
bool is_valid_request_id(std::string_view id);

/// One log line per request: method, route template, status, bytes, duration, the peer and
/// the client it speaks for. Probes
/// (/health/*, /metrics) log at debug so they do not drown the rest.
Middleware access_log();

/// http_requests_total{service,route,method,status} and
/// http_request_duration_seconds{service,route,method}; route is the template, never a raw id.
Middleware metrics(std::string service);

/// An exception escaping a handler becomes a 500 `internal` envelope (logged with the request
/// id); the connection and the process live on.
Middleware recover();

}  // namespace mercato::http
