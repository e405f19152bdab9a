// The pipeline's order and its links: each middleware (or hook) sees the request in the order
// added and the response in reverse, for every request, however many layers there are and
// however hooks and middleware are mixed.
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

Hooks hook(std::string name, std::string& log, int answer_status = 0) {
  Hooks h;
  h.before = [name, &log, answer_status](Request&) -> std::optional<Response> {
    log += name + ">";
    if (!answer_status) return std::nullopt;
    Response res;
    res.status = answer_status;
    return res;
  };
  h.after = [name, &log](Request&, Response& res) {
    log += "<" + name;
    res.set_header("X-Seen-By", name);  // the last writer wins: the outermost after
  };
  return h;
}

/// A terminal that notes `what` and answers 200.
Handler logging_terminal(std::string what, std::string& log) {
  return [what, &log](Request&) -> asio::awaitable<Response> {
    log += what;
    co_return Response{};
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
  p.terminal(logging_terminal("terminal", log));
  asio::io_context io;
  Request req;
  EXPECT_EQ(run(io, p, req).status, 429);
  EXPECT_EQ(log, "outer><outer");
}

TEST(Pipeline, hooks_and_middleware_mixed_keep_one_order_in_and_the_reverse_out) {
  std::string log;
  Pipeline p;
  p.use(hook("h1", log)).use(hook("h2", log)).use(mark("m", log)).use(hook("h3", log));
  p.use(Hooks{.after = [&log](Request&, Response&) { log += "<after-only"; }});
  p.use(Hooks{});  // neither: no effect
  p.terminal(logging_terminal("[t]", log));
  asio::io_context io;
  for (int i = 0; i < 2; ++i) {
    log.clear();
    Request req;
    auto res = run(io, p, req);
    EXPECT_EQ(log, "h1>h2>m>h3>[t]<after-only<h3<m<h2<h1");
    EXPECT_EQ(res.header("X-Seen-By").value_or(""), "h1");
  }
}

TEST(Pipeline, a_hook_that_answers_skips_the_inner_layers_and_its_own_after_but_not_the_outer_ones) {
  std::string log;
  Pipeline p;
  p.use(mark("m", log)).use(hook("outer", log)).use(hook("answers", log, 403)).use(hook("never", log));
  p.use(mark("never-m", log));
  p.terminal(logging_terminal("terminal", log));
  asio::io_context io;
  Request req;
  EXPECT_EQ(run(io, p, req).status, 403);
  EXPECT_EQ(log, "m>outer>answers><outer<m");
}

TEST(Pipeline, hooks_alone_work_as_a_middleware_of_their_own) {
  std::string log;
  const Middleware as_middleware = hook("solo", log);
  const Next inner = [&log](Request&) -> asio::awaitable<Response> {
    log += "[inner]";
    co_return Response{};
  };
  asio::io_context io;
  Request req;
  auto f = asio::co_spawn(io, as_middleware(req, inner), asio::use_future);
  io.run();
  EXPECT_EQ(f.get().header("X-Seen-By").value_or(""), "solo");
  EXPECT_EQ(log, "solo>[inner]<solo");
}

}  // namespace
}  // namespace mercato::http
