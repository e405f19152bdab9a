#pragma once
// The middleware every service runs, outermost first:
//   resolve_client_address (client_address.hpp) → tracing → request_id → access_log → metrics
//   → recover → deadline (deadline.hpp) → (service middleware) → router
// Each lives in its own file (middleware_<name>.cpp). Tracing comes before the request id,
// which is the trace id unless the client sent one, and before the access log, so every line
// the request writes names its trace.

#include <memory>
#include <string>
#include <string_view>

#include "http/client_address.hpp"
#include "http/handler.hpp"
#include "trace/tracer.hpp"

namespace mercato::http {

/// Begins the request's trace and its server span (W3C Trace Context, src/trace/): continues
/// the trace of a valid `traceparent` (with its `tracestate`, sanitized), else starts one. The
/// caller's sampled flag counts only from a peer in `trusted` (TRUSTED_PROXIES, the same trust
/// as X-Request-Deadline-Ms); anyone else keeps their trace id, and this service decides. Sets
/// req.context.trace and req.context.span; names the span "<METHOD> <route template>" once
/// the router matched (never the raw path); answers `traceparent` naming the server span.
/// `server_port` is the listening port, for the span's server.port.
Middleware tracing(std::shared_ptr<trace::Tracer> tracer, TrustedProxies trusted, int server_port);

/// Accepts the client's X-Request-ID when well-formed (see is_valid_request_id); otherwise the
/// request id is the trace id (32 hex digits, after `tracing`), so one id leads to the trace
/// and to every log line, or a UUIDv7 where no trace was begun (the internal listener). Sets
/// req.request_id and echoes it on the response.
Hooks request_id();
/// 1–128 characters of [A-Za-z0-9._:-]: enough for UUIDs and tracing ids, nothing that
/// could break a log line or a header.
bool is_valid_request_id(std::string_view id);

/// One log line per request: ids (request, trace, server span), method, route template,
/// status, bytes, duration, the peer and the client it speaks for. Probes (/health/*,
/// /metrics) log at debug so they do not drown the rest. A 5xx made in this process
/// (Response::failure) is that same line at level error with its code and cause: the one line
/// that explains it. A 5xx relayed from an upstream stays at info (the upstream logged why).
Hooks access_log();

/// http_requests_total{service,route,method,status} and
/// http_request_duration_seconds{service,route,method}; route is the template, never a raw id.
Hooks metrics(std::string service);

/// An exception escaping a handler becomes a 500 `internal` envelope whose Response::failure
/// names the exception (the access log writes it); the connection and the process live on.
Middleware recover();

}  // namespace mercato::http
