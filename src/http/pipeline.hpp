#pragma once
// One request, one pipeline: the middleware a service uses, in order, ending in its router.
// Built once at start-up and then only read, so worker threads share it without locks.

#include <variant>
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
  /// Appends hooks; consecutive hooks share one coroutine frame (handler.hpp).
  Pipeline& use(Hooks h);
  Pipeline& terminal(Handler h);
  asio::awaitable<Response> operator()(Request& req) const { return links_.front()(req); }

 private:
  void link();
  std::vector<std::variant<Middleware, Hooks>> layers_;
  Handler terminal_;
  /// Each run of consecutive hooks, outermost first (pointers into layers_).
  std::vector<std::vector<const Hooks*>> runs_;
  /// links_[i] calls layer i (a middleware, or a run of hooks) with links_[i + 1] as its
  /// `next`; the last is the terminal. Built once, so a request passes each middleware through
  /// one coroutine frame (its own), each run of hooks through one, and no `next` is made per
  /// request: a wrapping coroutine per layer cost a frame, an std::function and a resumption
  /// each, ~15 times per gateway request.
  std::vector<Next> links_{1};
};

}  // namespace mercato::http
