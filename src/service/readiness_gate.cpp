#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include "service/readiness_gate.hpp"

#include "core/error.hpp"
#include "http/envelope.hpp"

namespace mercato::service {

bool held_back(std::string_view path, const std::vector<std::string>& exempt_prefixes) {
  if (!path.starts_with("/api/")) return false;
  for (const auto& prefix : exempt_prefixes)
    if (path.starts_with(prefix)) return false;
  return true;
}

http::Hooks readiness_gate(std::function<bool()> ready, std::string service, std::vector<std::string> exempt_prefixes) {
  http::Hooks gate;
  gate.before = [ready = std::move(ready), message = service + " database is not ready",
                 exempt = std::move(exempt_prefixes)](http::Request& req) -> std::optional<http::Response> {
    if (!ready() && held_back(req.path(), exempt)) return http::error_response(unavailable(message));
    return std::nullopt;
  };
  return gate;
}

}  // namespace mercato::service
