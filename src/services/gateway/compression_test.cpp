// The compression middleware in front of a stand-in for the rest of the chain: which answers
// are coded, their headers and ETags, the conditional requests passed on, and the refusals.
#include "services/gateway/compression.hpp"
#include "services/gateway/compression_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace mercato::gateway {
namespace {

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;
using http::Encoding;

using test_support::gunzip;
using test_support::list_body;

struct Run {
  http::Response response;
  int next_calls = 0;
  /// The request's fields as the rest of the chain saw them, copied there: the middleware's
  /// rewritten values live only as long as the request (ASan caught views read after it).
  std::vector<std::pair<std::string, std::string>> seen;
};

/// Runs compression(min_bytes) once in front of `upstream`, which answers the request.
Run run(std::size_t min_bytes, http::Method method, std::string target, Fields headers, http::Response upstream) {
  asio::io_context io;
  http::Request req;
  req.method = method;
  req.target = std::move(target);
  req.headers = std::move(headers);
  Run out;
  http::Next next = [&](http::Request& r) -> asio::awaitable<http::Response> {
    ++out.next_calls;
    out.seen.assign(r.headers.begin(), r.headers.end());
    co_return upstream;
  };
  std::optional<http::Response> res;
  const auto m = compression(min_bytes);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { res = co_await m(req, next); }, asio::detached);
  io.run();
  out.response = std::move(*res);
  return out;
}

http::Response json(std::string body, int status = 200) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string field(const http::Response& r, std::string_view name) { return std::string(r.header(name).value_or("")); }

std::string seen(const Run& r, std::string_view name) {
  for (const auto& [k, v] : r.seen)
    if (http::iequals(k, name)) return std::string(v);
  return "";
}

const Fields kGzip{{"Accept-Encoding", "gzip"}};

TEST(GatewayCompression, codes_a_large_json_answer_the_client_accepts) {
  auto upstream = json(list_body());
  upstream.set_header("ETag", R"("l00ff")");
  auto r = run(1024, http::Method::GET, "/api/v1/products", kGzip, upstream);
  EXPECT_EQ(field(r.response, "Content-Encoding"), "gzip");
  EXPECT_EQ(field(r.response, "Vary"), "Accept-Encoding");
  EXPECT_EQ(field(r.response, "ETag"), R"("l00ff-gzip")");
  EXPECT_LT(r.response.body.size(), upstream.body.size());
  EXPECT_EQ(gunzip(r.response.body), upstream.body);
}

TEST(GatewayCompression, br_when_preferred) {
  auto r = run(1024, http::Method::GET, "/api/v1/products", {{"Accept-Encoding", "gzip, deflate, br"}}, json(list_body()));
  EXPECT_EQ(field(r.response, "Content-Encoding"), "br");
}

TEST(GatewayCompression, plain_answer_to_a_client_that_accepts_nothing_still_varies) {
  for (Fields f : {Fields{}, Fields{{"Accept-Encoding", "identity"}}, Fields{{"Accept-Encoding", "gzip;q=x"}}}) {
    auto r = run(1024, http::Method::GET, "/api/v1/products", f, json(list_body()));
    EXPECT_EQ(field(r.response, "Content-Encoding"), "");
    EXPECT_EQ(r.response.body, list_body());
    EXPECT_EQ(field(r.response, "Vary"), "Accept-Encoding");  // a cache must not give it to a gzip client
  }
}

TEST(GatewayCompression, vary_is_merged_with_the_upstreams) {
  auto upstream = json(list_body());
  upstream.headers.emplace_back("Vary", "Origin");
  auto r = run(1024, http::Method::GET, "/api/v1/products", kGzip, upstream);
  EXPECT_EQ(field(r.response, "Vary"), "Origin, Accept-Encoding");

  upstream.set_header("Vary", "origin, accept-encoding");
  r = run(1024, http::Method::GET, "/api/v1/products", kGzip, upstream);
  EXPECT_EQ(field(r.response, "Vary"), "origin, accept-encoding");
  upstream.set_header("Vary", "*");
  r = run(1024, http::Method::GET, "/api/v1/products", kGzip, upstream);
  EXPECT_EQ(field(r.response, "Vary"), "*");
}

TEST(GatewayCompression, leaves_alone_what_it_must_not_code) {
  auto small = json(list_body().substr(0, 100) + "]}");
  auto png = json(list_body());
  png.content_type = "image/png";
  auto coded = json(list_body());
  coded.set_header("Content-Encoding", "br");
  auto no_transform = json(list_body());
  no_transform.set_header("Cache-Control", "public, no-transform");
  auto cookie = json(list_body());
  cookie.set_header("Set-Cookie", "refresh=secret; HttpOnly");
  struct Case {
    const char* what;
    http::Method method;
    std::string target;
    http::Response upstream;
    std::size_t min_bytes = 1024;
  };
  const Case cases[] = {
      {"HEAD", http::Method::HEAD, "/api/v1/products", json(list_body())},
      {"204", http::Method::DELETE, "/api/v1/products/1", json(list_body(), 204)},
      {"206", http::Method::GET, "/api/v1/products", json(list_body(), 206)},
      {"below the threshold", http::Method::GET, "/api/v1/products", small},
      {"not JSON or text", http::Method::GET, "/api/v1/products", png},
      {"already coded", http::Method::GET, "/api/v1/products", coded},
      {"no-transform", http::Method::GET, "/api/v1/products", no_transform},
      {"a token answer (BREACH)", http::Method::POST, "/api/v1/auth/login", json(list_body())},
      {"the signed-in user (BREACH)", http::Method::GET, "/api/v1/auth/me", json(list_body())},
      {"a cookie (BREACH)", http::Method::GET, "/api/v1/users", cookie},
      {"compression off", http::Method::GET, "/api/v1/products", json(list_body()), 0},
  };
  for (const auto& c : cases) {
    auto r = run(c.min_bytes, c.method, c.target, kGzip, c.upstream);
    EXPECT_NE(field(r.response, "Content-Encoding"), "gzip") << c.what;
    EXPECT_EQ(r.response.body, c.upstream.body) << c.what;
    EXPECT_EQ(field(r.response, "Vary"), "") << c.what;
  }
}

TEST(GatewayCompression, a_compressed_request_body_is_refused_unforwarded) {
  for (std::string_view coding : {"gzip", "br", "identity, gzip", "x-anything"}) {
    auto r = run(1024, http::Method::POST, "/api/v1/products", {{"Content-Encoding", coding}}, json("{}"));
    EXPECT_EQ(r.response.status, 415) << coding;
    EXPECT_EQ(r.next_calls, 0) << coding;
    EXPECT_EQ(field(r.response, "Accept-Encoding"), "identity");
    EXPECT_NE(r.response.body.find("unsupported_media_type"), std::string::npos);
  }
  // Refused even with compression off: no service decodes a body.
  EXPECT_EQ(run(0, http::Method::POST, "/api/v1/products", {{"content-encoding", "GZIP"}}, json("{}")).response.status, 415);
  auto plain = run(1024, http::Method::POST, "/api/v1/products", {{"Content-Encoding", " identity "}}, json("{}"));
  EXPECT_EQ(plain.response.status, 200);
  EXPECT_EQ(plain.next_calls, 1);
}

TEST(GatewayCompression, conditional_requests_reach_the_service_without_the_suffix) {
  auto r = run(1024, http::Method::PATCH, "/api/v1/products/1",
               {{"If-Match", R"("0190.3-gzip")"}, {"Accept-Encoding", "gzip"}}, json("{}"));
  EXPECT_EQ(seen(r, "If-Match"), R"("0190.3")");
  r = run(1024, http::Method::GET, "/api/v1/products/1", {{"If-None-Match", R"(W/"a-br", "b")"}}, json("{}"));
  EXPECT_EQ(seen(r, "If-None-Match"), R"(W/"a", "b")");
  r = run(0, http::Method::GET, "/api/v1/products/1", {{"If-None-Match", R"("a-gzip")"}}, json("{}"));
  EXPECT_EQ(seen(r, "If-None-Match"), R"("a")");  // a tag from before compression was turned off
  r = run(1024, http::Method::GET, "/api/v1/products/1", {{"If-None-Match", R"("a")"}}, json("{}"));
  EXPECT_EQ(seen(r, "If-None-Match"), R"("a")");
}

TEST(GatewayCompression, a_304_gives_back_the_coded_tag_the_client_holds) {
  auto not_modified = json("", 304);
  not_modified.set_header("ETag", R"("a.1.ff")");
  auto r = run(1024, http::Method::GET, "/api/v1/products/1",
               {{"Accept-Encoding", "gzip"}, {"If-None-Match", R"("a.1.ff-gzip")"}}, not_modified);
  EXPECT_EQ(seen(r, "If-None-Match"), R"("a.1.ff")");
  EXPECT_EQ(field(r.response, "ETag"), R"("a.1.ff-gzip")");
  EXPECT_EQ(field(r.response, "Vary"), "Accept-Encoding");
  EXPECT_EQ(field(r.response, "Content-Encoding"), "");
  // The client held the plain answer (it was small then): its plain tag stays.
  r = run(1024, http::Method::GET, "/api/v1/products/1", {{"Accept-Encoding", "gzip"}, {"If-None-Match", R"("a.1.ff")"}},
          not_modified);
  EXPECT_EQ(field(r.response, "ETag"), R"("a.1.ff")");
}

TEST(GatewayCompression, accept_encoding_fields_are_one_list) {
  http::Request req;
  req.headers = {{"Accept-Encoding", "identity"}, {"accept-encoding", "gzip"}};
  EXPECT_EQ(accepted_encoding(req), Encoding::gzip);
  req.headers.clear();
  EXPECT_EQ(accepted_encoding(req), Encoding::identity);
  for (int i = 0; i < 9; ++i) req.headers.emplace_back("Accept-Encoding", "gzip");
  EXPECT_EQ(accepted_encoding(req), Encoding::identity);  // a flood of fields: not worth it
}

TEST(GatewayCompression, a_cache_serving_stored_coded_bytes_is_not_coded_again) {
  const auto body = list_body();
  auto stored = json(body);
  stored.set_header("ETag", R"("l1")");
  set_coded_body(stored, Encoding::gzip, *http::compress(Encoding::gzip, body));
  auto r = run(1024, http::Method::GET, "/api/v1/products", kGzip, stored);
  EXPECT_EQ(field(r.response, "ETag"), R"("l1-gzip")");
  EXPECT_EQ(gunzip(r.response.body), body);  // coded once, not twice
}

}  // namespace
}  // namespace mercato::gateway
