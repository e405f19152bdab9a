#pragma once
// Until a service's schema exists every API call would fail on a missing table: the gate
// answers 503 `unavailable` ("<service> database is not ready") on /api/ paths instead, and
// lets through the paths that need no database (identity's JWKS, read from its key files).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace mercato::service {

/// Whether the gate holds `path` back while not ready: /api/ paths, except those under one of
/// `exempt_prefixes`.
bool held_back(std::string_view path, const std::vector<std::string>& exempt_prefixes);

/// `ready` is called on every request (cheap, any thread). A hook, not a coroutine layer: it
/// never waits, and a frame per request is what a layer costs.
http::Hooks readiness_gate(std::function<bool()> ready, std::string service,
                           std::vector<std::string> exempt_prefixes = {});

}  // namespace mercato::service
