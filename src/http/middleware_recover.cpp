#include <exception>
#include <optional>

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
    // Not logged here: the access log writes the failure as the request's one error line.
    Response res = error_response(internal_error("internal error; quote request id " + req.request_id));
    res.failure->cause = "handler threw: " + *what;
    co_return res;
  };
}

}  // namespace mercato::http
