#include <exception>
#include <optional>

#include "core/log.hpp"
#include "http/envelope.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

Middleware recover() {
  return [](Request& req, const Next& next) -> asio::awaitable<Response> {
    std::optional<std::string> what;
    try {
      co_return co_await next(req);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    log::error("handler threw", {{"request_id", req.request_id}, {"route", req.route}, {"error", *what}});
    co_return error_response(internal_error("internal error; quote request id " + req.request_id));
  };
}

}  // namespace mercato::http
