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

http::Middleware readiness_gate(std::function<bool()> ready, std::string service,
                                std::vector<std::string> exempt_prefixes) {
  return [ready = std::move(ready), message = service + " database is not ready",
          exempt = std::move(exempt_prefixes)](http::Request& req,
                                               const http::Next& next) -> boost::asio::awaitable<http::Response> {
    if (!ready() && held_back(req.path(), exempt)) co_return http::error_response(unavailable(message));
    co_return co_await next(req);
  };
}

}  // namespace mercato::service
