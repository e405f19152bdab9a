// The pipeline's order and its links: each middleware sees the request in the order added and
// the response in reverse, for every request, however many layers there are.
#include "http/pipeline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <string>

namespace mercato::http {
namespace {

Middleware mark(std::string name, std::string& log) {
  return [name, &log](Request& req, const Next& next) -> asio::awaitable<Response> {
    log += name + ">";
    Response res = co_await next(req);
    log += "<" + name;
    co_return res;
  };
}

Response run(asio::io_context& io, const Pipeline& p, Request& req) {
  auto f = asio::co_spawn(io, p(req), asio::use_future);
  io.run();
  io.restart();
  return f.get();
}

TEST(Pipeline, layers_see_the_request_in_order_and_the_response_in_reverse_on_every_request) {
  std::string log;
  Pipeline p;
  p.terminal([&log](Request& req) -> asio::awaitable<Response> {
    log += "[" + req.target + "]";
    Response res;
    res.status = 201;
    co_return res;
  });
  for (const char* name : {"a", "b", "c"}) p.use(mark(name, log));  // terminal set first: order is still kept
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    log.clear();
    Request req;
    req.target = "/x" + std::to_string(i);
    EXPECT_EQ(run(io, p, req).status, 201);
    EXPECT_EQ(log, "a>b>c>[/x" + std::to_string(i) + "]<c<b<a");
  }
}

TEST(Pipeline, a_middleware_may_answer_without_calling_the_rest) {
  std::string log;
  Pipeline p;
  p.use(mark("outer", log));
  p.use([](Request&, const Next&) -> asio::awaitable<Response> {
    Response res;
    res.status = 429;
    co_return res;
  });
  p.use(mark("never", log));
  p.terminal([&log](Request&) -> asio::awaitable<Response> {
    log += "terminal";
    co_return Response{};
  });
  asio::io_context io;
  Request req;
  EXPECT_EQ(run(io, p, req).status, 429);
  EXPECT_EQ(log, "outer><outer");
}

}  // namespace
}  // namespace mercato::http
