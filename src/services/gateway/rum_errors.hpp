#pragma once
// Browser errors reported by the dashboard, beside its Web Vitals (rum.hpp): uncaught errors,
// unhandled promise rejections, React render errors and failed API fetches arrive at
// POST /api/v1/rum/errors, are counted in web_errors_total{kind} and logged once each.
//
//   {"page":"/products/[id]","errors":[{"kind":"fetch","message":"GET /api/v1/products failed (503)",
//     "method":"GET","url":"/api/v1/products","status":503,"request_id":"…","trace_id":"<32 hex>"}]}
//
// A sibling of /api/v1/rum rather than a new field of it: the vitals validator refuses unknown
// fields (so a new dashboard's errors would make an older gateway drop its vitals too), the two
// bodies have different sizes and caps, and neither contract changes when the other does.
//
// The body comes from any browser, so it is hostile: every field has a type, a cap and a
// character set, unknown fields are refused, and the whole report is refused (nothing counted)
// when one field is bad. Only `kind` becomes a label; messages, URLs and pages are text anyone
// chooses and go to the log line only, with query strings and fragments removed.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/router.hpp"

namespace mercato::gateway {

/// Limits of one report, shared with the dashboard's reporter (web/src/lib/reporting/errors.ts).
struct BrowserErrorLimits {
  static constexpr std::size_t max_body = 32 * 1024;
  static constexpr std::size_t max_errors = 10;
  static constexpr std::size_t max_message = 500;  // bytes of UTF-8
  static constexpr std::size_t max_stack = 2000;
  static constexpr std::size_t max_url = 500;      // page, source, url
};

struct BrowserError {
  std::string_view kind;  // js | unhandled_rejection | fetch | render (a view of a constant)
  std::string message;
  std::string stack;
  std::string source;  // script URL of an uncaught error
  std::optional<std::int64_t> line, column;
  std::string method;  // fetch: GET, POST, …
  std::string url;     // fetch: the API path
  std::optional<std::int64_t> status;  // fetch: 0 (no answer) or the HTTP status
  std::string request_id;  // fetch: the X-Request-ID the gateway answered with
  std::string trace_id;    // fetch: the trace id its traceparent carried (32 lowercase hex)
};

struct BrowserErrorReport {
  std::string page;
  std::vector<BrowserError> errors;
};

/// Parses and validates a report; every bad field is listed in the Error's details
/// (validation_failed), a body that is not a JSON object is bad_request. URLs in the result
/// still carry what the browser sent; strip them before logging (strip_url_queries).
Result<BrowserErrorReport> parse_browser_error_report(std::string_view body);

/// `text` with the query string and fragment removed from every URL or path in it (a
/// whitespace- or quote-delimited word holding a '/' before its first '?' or '#'), keeping a
/// trailing `:line:column` of a stack frame. Written by hand: no URL library here rewrites
/// URLs inside free text.
std::string strip_url_queries(std::string_view text);

/// Registers POST /api/v1/rum/errors (204 on success).
void install_rum_errors_route(http::Router& router);

}  // namespace mercato::gateway
