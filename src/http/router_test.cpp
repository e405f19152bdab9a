#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace mercato::http {
namespace {

Handler answer(std::string body) {
  return [body](Request&) -> asio::awaitable<Response> {
    Response r;
    r.body = body;
    co_return r;
  };
}

Response run(Router& router, Method m, std::string target) {
  asio::io_context io;
  Request req;
  req.method = m;
  req.target = std::move(target);
  auto fut = asio::co_spawn(io, router.dispatch(req), asio::use_future);
  io.run();
  return fut.get();
}

constexpr const char* kId = "0190f3a2-7b1c-7cde-8f00-0123456789ab";

TEST(Router, matches_static_and_typed_parameters) {
  Router r;
  r.get("/api/v1/products", answer("list"));
  r.get("/api/v1/products/{id:uuid}", answer("detail"));
  r.post("/api/v1/products/{id:uuid}/restore", answer("restore"));
  auto m = r.match(Method::GET, std::string("/api/v1/products/") + kId);
  ASSERT_EQ(m.kind, Router::Match::Kind::found);
  EXPECT_EQ(m.route, "/api/v1/products/{id:uuid}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].name, "id");
  EXPECT_EQ(m.params[0].value, kId);
  EXPECT_EQ(r.match(Method::POST, std::string("/api/v1/products/") + kId + "/restore").kind, Router::Match::Kind::found);
  EXPECT_EQ(r.match(Method::GET, "/api/v1/products").route, "/api/v1/products");
}

TEST(Router, parameter_of_wrong_type_does_not_match) {
  Router r;
  r.get("/p/{id:uuid}", answer("uuid"));
  r.get("/n/{n:int}", answer("int"));
  EXPECT_EQ(r.match(Method::GET, "/p/not-a-uuid").kind, Router::Match::Kind::not_found);
  EXPECT_EQ(r.match(Method::GET, "/n/12a").kind, Router::Match::Kind::not_found);
  EXPECT_EQ(r.match(Method::GET, "/n/").kind, Router::Match::Kind::not_found);
  EXPECT_EQ(r.match(Method::GET, "/n/42").kind, Router::Match::Kind::found);
}

TEST(Router, static_segment_wins_over_parameter) {
  Router r;
  r.get("/a/{name}", answer("param"));
  r.get("/a/special", answer("static"));
  EXPECT_EQ(run(r, Method::GET, "/a/special").body, "static");
  EXPECT_EQ(run(r, Method::GET, "/a/other").body, "param");
}

TEST(Router, backtracks_when_static_branch_dead_ends) {
  Router r;
  r.get("/a/special/x", answer("static"));
  r.get("/a/{name}/y", answer("param"));
  EXPECT_EQ(run(r, Method::GET, "/a/special/y").body, "param");
}

TEST(Router, unknown_path_is_404_envelope) {
  Router r;
  r.get("/x", answer("x"));
  Request req;
  auto res = run(r, Method::GET, "/nope");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find(R"("code":"not_found")"), std::string::npos);
  EXPECT_NE(res.body.find(R"("success":false)"), std::string::npos);
  EXPECT_EQ(run(r, Method::GET, "/x/").status, 404);
}

TEST(Router, wrong_method_is_405_with_allow) {
  Router r;
  r.get("/items", answer("list"));
  r.post("/items", answer("create"));
  auto res = run(r, Method::DELETE, "/items");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.header("Allow").value_or(""), "GET, HEAD, POST");
  EXPECT_NE(res.body.find(R"("code":"method_not_allowed")"), std::string::npos);
}

TEST(Router, head_is_served_by_get) {
  Router r;
  r.get("/items", answer("list"));
  EXPECT_EQ(run(r, Method::HEAD, "/items").status, 200);
}

TEST(Router, query_string_is_ignored_for_matching) {
  Router r;
  r.get("/items", answer("list"));
  EXPECT_EQ(run(r, Method::GET, "/items?page=2").body, "list");
}

TEST(Router, percent_encoded_parameter_is_decoded) {
  Router r;
  r.get("/files/{name}", [](Request& req) -> asio::awaitable<Response> {
    Response res;
    res.body = std::string(req.param("name"));
    co_return res;
  });
  EXPECT_EQ(run(r, Method::GET, "/files/a%20b").body, "a b");
  EXPECT_EQ(run(r, Method::GET, "/files/a%2").status, 404);  // malformed escape never reaches a handler
}

TEST(Router, uuid_parameters_reach_the_handler_in_lower_case) {
  Router r;
  r.get("/p/{id:uuid}", [](Request& req) -> asio::awaitable<Response> {
    Response res;
    res.body = std::string(req.param("id"));
    co_return res;
  });
  r.get("/f/{name}", [](Request& req) -> asio::awaitable<Response> {
    Response res;
    res.body = std::string(req.param("name"));
    co_return res;
  });
  EXPECT_EQ(run(r, Method::GET, "/p/0190F3A2-7B1C-7CDE-8F00-0123456789AB").body, kId);
  EXPECT_EQ(run(r, Method::GET, "/p/0190f3A2-7b1C-7cde-8f00-0123456789Ab").body, kId);
  EXPECT_EQ(run(r, Method::GET, "/p/%30190F3A2-7B1C-7CDE-8F00-0123456789%41B").body, kId);  // decoded, then lowered
  EXPECT_EQ(run(r, Method::GET, "/f/ABC").body, "ABC");  // other parameters keep their spelling
}

TEST(Router, uuid_parameters_with_control_characters_or_non_hex_match_nothing) {
  Router r;
  r.get("/p/{id:uuid}", answer("uuid"));
  const std::string id = kId;
  for (const std::string& bad : {id + "%00", id.substr(0, 35) + "%00", id.substr(0, 35) + "%0A",
                                 id.substr(0, 35) + "g", id.substr(0, 35) + "%C3%A9", id + "%2F", std::string("%") +
                                 id.substr(1), id.substr(0, 8) + id.substr(9) + "0"}) {
    const auto res = run(r, Method::GET, "/p/" + bad);
    EXPECT_EQ(res.status, 404) << bad;
    EXPECT_NE(res.body.find(R"("code":"not_found")"), std::string::npos) << bad;
  }
}

TEST(Router, names_the_matched_route_for_spans_once_per_method_without_parameter_types) {
  Router r;
  r.get("/api/v1/products/{id:uuid}", answer("detail"));
  r.post("/api/v1/products/{id:uuid}/restore", answer("restore"));
  const std::string detail = std::string("/api/v1/products/") + kId;
  EXPECT_EQ(r.match(Method::GET, detail).span_name, "GET /api/v1/products/{id}");
  EXPECT_EQ(r.match(Method::HEAD, detail).span_name, "HEAD /api/v1/products/{id}");  // served by GET
  EXPECT_EQ(r.match(Method::DELETE, detail).span_name, "DELETE /api/v1/products/{id}");  // 405, still that route
  EXPECT_EQ(r.match(Method::POST, detail + "/restore").span_name, "POST /api/v1/products/{id}/restore");
  EXPECT_EQ(r.match(Method::GET, "/nothing/here").span_name, "");
  // The same names reach the request, for the tracing middleware.
  asio::io_context io;
  Request req;
  req.method = Method::GET;
  req.target = detail;
  auto fut = asio::co_spawn(io, r.dispatch(req), asio::use_future);
  io.run();
  fut.get();
  EXPECT_EQ(req.span_name, "GET /api/v1/products/{id}");
}

TEST(Router, rejects_duplicate_and_malformed_templates) {
  Router r;
  r.get("/a/{id:uuid}", answer("a"));
  EXPECT_THROW(r.get("/a/{id:uuid}", answer("b")), std::invalid_argument);
  EXPECT_THROW(r.get("no-slash", answer("c")), std::invalid_argument);
  EXPECT_THROW(r.get("/b/{id:float}", answer("d")), std::invalid_argument);
}

}  // namespace
}  // namespace mercato::http
