#pragma once
// GET /api/openapi.json: the API's OpenAPI 3.1 document (api/openapi.json, generated from
// api/openapi.yaml), served by the gateway so clients and tools can fetch the contract of the
// API they are talking to.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/router.hpp"

namespace mercato::gateway {

/// Where the document is served.
inline constexpr std::string_view kOpenApiRoute = "/api/openapi.json";

/// Reads the JSON document at `path_to_json` once, now, and registers GET (and so HEAD)
/// kOpenApiRoute on `router`, answering it from memory with a strong ETag and 304 for a
/// matching If-None-Match. A file that cannot be read or is not valid JSON is an Error naming
/// the path and the reason, and nothing is registered: the caller stops the start-up with it
/// (http::fail_startup). Call before the server starts; the route holds its own copy.
[[nodiscard]] Status install_openapi_route(http::Router& router, const std::string& path_to_json);

/// The strong entity tag of `document` (quotes included). Exposed for tests.
std::string openapi_etag(std::string_view document);

/// Whether an If-None-Match value matches `etag`: `*`, or a list holding the same opaque tag,
/// weak or strong (If-None-Match compares weakly, RFC 9110 §13.1.2). Exposed for tests.
bool if_none_match_matches(std::string_view header, std::string_view etag);

}  // namespace mercato::gateway
