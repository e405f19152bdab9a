#include "http/pipeline.hpp"

namespace mercato::http {

Pipeline& Pipeline::use(Middleware m) {
  middleware_.push_back(std::move(m));
  return *this;
}

Pipeline& Pipeline::terminal(Handler h) {
  terminal_ = std::move(h);
  return *this;
}

asio::awaitable<Response> Pipeline::run(std::size_t i, Request& req) const {
  if (i == middleware_.size()) co_return co_await terminal_(req);
  Next next = [this, i](Request& r) { return run(i + 1, r); };
  co_return co_await middleware_[i](req, next);
}

}  // namespace mercato::http
