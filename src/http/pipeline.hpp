#pragma once
// One request, one pipeline: the middleware a service uses, in order, ending in its router.
// Built once at start-up and then only read, so worker threads share it without locks.

#include <vector>

#include "http/handler.hpp"

namespace mercato::http {

class Pipeline {
 public:
  Pipeline() = default;
  // The links point into this object's own vectors.
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Appends a middleware; the first added sees the request first and the response last.
  Pipeline& use(Middleware m);
  Pipeline& terminal(Handler h);
  asio::awaitable<Response> operator()(Request& req) const { return links_.front()(req); }

 private:
  void link();
  std::vector<Middleware> middleware_;
  Handler terminal_;
  /// links_[i] calls middleware i with links_[i + 1] as its `next`; the last is the terminal.
  /// Built once, so a request passes each layer through one coroutine frame (the middleware's
  /// own) and no `next` is made per request: a wrapping coroutine per layer cost a frame, an
  /// std::function and a resumption each, ~15 times per gateway request.
  std::vector<Next> links_{1};
};

}  // namespace mercato::http
