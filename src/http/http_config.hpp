#pragma once
// The variables the HTTP server of every service reads (http::App): listeners, limits, timeouts,
// trusted proxies; and REQUEST_TIMEOUT, read by the services that do not set their own
// request budget.

#include "core/config.hpp"

namespace mercato::http {

/// HTTP_*, METRICS_*, SHUTDOWN_TIMEOUT, TRUSTED_PROXIES → Settings::http, trusted_proxies.
const config::Group& server_config();
/// REQUEST_TIMEOUT → Settings::request_timeout. The gateway does not list it: its budget is
/// UPSTREAM_TIMEOUT (App::set_request_budget).
const config::Group& request_timeout_config();

}  // namespace mercato::http
