#pragma once
// One request, one pipeline: the middleware a service uses, in order, ending in its router.
// Built once at start-up and then only read, so worker threads share it without locks.

#include <vector>

#include "http/handler.hpp"

namespace mercato::http {

class Pipeline {
 public:
  /// Appends a middleware; the first added sees the request first and the response last.
  Pipeline& use(Middleware m);
  Pipeline& terminal(Handler h);
  asio::awaitable<Response> operator()(Request& req) const { return run(0, req); }

 private:
  asio::awaitable<Response> run(std::size_t i, Request& req) const;
  std::vector<Middleware> middleware_;
  Handler terminal_;
};

}  // namespace mercato::http
