// CORS decisions, security headers and version notices, each middleware run on its own in
// front of a stand-in for the rest of the chain.
#include <gtest/gtest.h>

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "services/gateway/cors.hpp"
#include "services/gateway/middleware.hpp"

namespace mercato::gateway {
namespace {

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

struct Run {
  http::Response response;
  int next_calls = 0;
};

/// Runs `m` once; the rest of the chain answers 200 with an upstream-style Vary field.
Run run(const http::Middleware& m, http::Method method, std::string target, Fields headers = {}) {
  asio::io_context io;
  http::Request req;
  req.method = method;
  req.target = std::move(target);
  req.headers = std::move(headers);
  Run out;
  http::Next next = [&out](http::Request&) -> asio::awaitable<http::Response> {
    ++out.next_calls;
    http::Response r;
    r.body = R"({"success":true,"data":{}})";
    r.set_header("Vary", "Accept-Encoding");
    co_return r;
  };
  std::optional<http::Response> res;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { res = co_await m(req, next); }, asio::detached);
  io.run();
  out.response = std::move(*res);
  return out;
}

const http::Middleware& policy() {
  static const http::Middleware m = cors(CorsPolicy({"http://localhost:3000", "https://admin.example"}));
  return m;
}

std::string header(const http::Response& r, std::string_view name) { return std::string(r.header(name).value_or("")); }

// ---- CORS ----

TEST(Cors, allowed_origin_gets_its_origin_echoed_with_credentials) {
  auto r = run(policy(), http::Method::GET, "/api/v1/products", {{"Origin", "https://admin.example"}});
  EXPECT_EQ(r.next_calls, 1);
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Origin"), "https://admin.example");
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_NE(header(r.response, "Access-Control-Expose-Headers").find("X-Request-ID"), std::string::npos);
  EXPECT_EQ(header(r.response, "Vary"), "Accept-Encoding, Origin");
}

TEST(Cors, other_origin_is_served_without_any_cors_header) {
  for (const char* origin : {"https://evil.example", "https://admin.example.evil.example", "http://localhost:3001",
                             "HTTP://LOCALHOST:3000", "null"}) {
    auto r = run(policy(), http::Method::GET, "/api/v1/products", {{"Origin", origin}});
    EXPECT_EQ(r.next_calls, 1) << origin;
    EXPECT_EQ(r.response.status, 200) << origin;
    for (const auto& [name, value] : r.response.headers)
      EXPECT_FALSE(name.starts_with("Access-Control-")) << origin << ": " << name;
    EXPECT_EQ(header(r.response, "Vary"), "Accept-Encoding, Origin");
  }
}

TEST(Cors, request_without_origin_passes_untouched_but_varies_on_origin) {
  auto r = run(policy(), http::Method::POST, "/api/v1/products");
  EXPECT_EQ(r.next_calls, 1);
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(r.response, "Vary"), "Accept-Encoding, Origin");
}

TEST(Cors, preflight_from_allowed_origin_is_answered_here_with_204) {
  auto r = run(policy(), http::Method::OPTIONS, "/api/v1/products/abc",
               {{"Origin", "http://localhost:3000"},
                {"Access-Control-Request-Method", "PATCH"},
                {"Access-Control-Request-Headers", "authorization, if-match"}});
  EXPECT_EQ(r.next_calls, 0);
  EXPECT_EQ(r.response.status, 204);
  EXPECT_TRUE(r.response.body.empty());
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_NE(header(r.response, "Access-Control-Allow-Methods").find("PATCH"), std::string::npos);
  EXPECT_NE(header(r.response, "Access-Control-Allow-Headers").find("If-Match"), std::string::npos);
  EXPECT_NE(header(r.response, "Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(header(r.response, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(r.response, "Vary"), "Origin");
}

TEST(Cors, a_browser_may_send_its_trace_context_and_read_the_answers_trace) {
  // A page with OpenTelemetry's fetch instrumentation adds traceparent (and tracestate) to its
  // calls: a preflight that refused them would block every such call.
  auto pre = run(policy(), http::Method::OPTIONS, "/api/v1/products",
                 {{"Origin", "http://localhost:3000"},
                  {"Access-Control-Request-Method", "GET"},
                  {"Access-Control-Request-Headers", "traceparent, tracestate"}});
  EXPECT_NE(header(pre.response, "Access-Control-Allow-Headers").find("traceparent"), std::string::npos);
  EXPECT_NE(header(pre.response, "Access-Control-Allow-Headers").find("tracestate"), std::string::npos);
  auto r = run(policy(), http::Method::GET, "/api/v1/products", {{"Origin", "http://localhost:3000"}});
  EXPECT_NE(header(r.response, "Access-Control-Expose-Headers").find("traceparent"), std::string::npos);
}

TEST(Cors, a_page_may_send_and_read_the_position_of_its_last_write) {
  // Read-your-writes across replicas: a cross-origin client sends back what a write answered.
  auto pre = run(policy(), http::Method::OPTIONS, "/api/v1/products",
                 {{"Origin", "http://localhost:3000"},
                  {"Access-Control-Request-Method", "GET"},
                  {"Access-Control-Request-Headers", "mercato-read-after"}});
  EXPECT_NE(header(pre.response, "Access-Control-Allow-Headers").find("Mercato-Read-After"), std::string::npos);
  auto r = run(policy(), http::Method::POST, "/api/v1/products", {{"Origin", "http://localhost:3000"}});
  EXPECT_NE(header(r.response, "Access-Control-Expose-Headers").find("Mercato-Read-After"), std::string::npos);
}

TEST(Cors, preflight_from_other_origin_is_403_envelope_without_cors_headers) {
  auto r = run(policy(), http::Method::OPTIONS, "/api/v1/products",
               {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(r.next_calls, 0);
  EXPECT_EQ(r.response.status, 403);
  EXPECT_NE(r.response.body.find(R"("code":"forbidden")"), std::string::npos);
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Origin"), "");
}

TEST(Cors, options_without_request_method_is_not_a_preflight) {
  auto r = run(policy(), http::Method::OPTIONS, "/api/v1/products", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(r.next_calls, 1);
}

TEST(Cors, star_allows_any_origin_but_never_with_credentials) {
  // Echoing any origin with credentials would let every site on the web call the API with the
  // user's cookies (the refresh cookie) and read the answer.
  auto m = cors(CorsPolicy({"*"}));
  auto r = run(m, http::Method::GET, "/api/v1/products", {{"Origin", "https://anyone.example"}});
  EXPECT_EQ(header(r.response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(r.response.header("Access-Control-Allow-Credentials").has_value());
  EXPECT_NE(header(r.response, "Access-Control-Expose-Headers").find("X-Request-ID"), std::string::npos);

  auto pre = run(m, http::Method::OPTIONS, "/api/v1/products",
                 {{"Origin", "https://anyone.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(pre.response.status, 204);
  EXPECT_EQ(header(pre.response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(pre.response.header("Access-Control-Allow-Credentials").has_value());
}

TEST(Cors, star_beside_listed_origins_keeps_credentials_for_the_listed_ones_only) {
  auto m = cors(CorsPolicy({"http://localhost:3000", "*"}));
  auto listed = run(m, http::Method::GET, "/api/v1/products", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(header(listed.response, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(header(listed.response, "Access-Control-Allow-Credentials"), "true");
  auto other = run(m, http::Method::GET, "/api/v1/products", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(header(other.response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(other.response.header("Access-Control-Allow-Credentials").has_value());
  EXPECT_EQ(header(other.response, "Vary"), "Accept-Encoding, Origin");
}

TEST(CorsPolicy, matches_exact_origins_only) {
  CorsPolicy p({"http://localhost:3000"});
  EXPECT_TRUE(p.allows("http://localhost:3000"));
  EXPECT_FALSE(p.allows("http://localhost:3000/"));
  EXPECT_FALSE(p.allows("http://localhost"));
  EXPECT_FALSE(p.allows(""));
  EXPECT_FALSE(CorsPolicy({}).allows("http://localhost:3000"));
}

// ---- security headers ----

TEST(SecurityHeaders, on_every_response) {
  auto r = run(security_headers(), http::Method::GET, "/api/v1/products");
  EXPECT_EQ(header(r.response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r.response, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(header(r.response, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(r.response, "Cache-Control"), "");
}

TEST(SecurityHeaders, auth_answers_are_never_cached) {
  for (const char* path : {"/api/v1/auth/login", "/api/v1/auth/me?x=1"}) {
    auto r = run(security_headers(), http::Method::POST, path);
    EXPECT_EQ(header(r.response, "Cache-Control"), "no-store") << path;
  }
  auto r = run(security_headers(), http::Method::GET, "/api/v1/authors");
  EXPECT_EQ(header(r.response, "Cache-Control"), "");
}

// ---- version notices ----

TEST(ApiVersions, nothing_is_announced_by_default) {
  auto r = run(api_versions("", ""), http::Method::GET, "/api/v1/products");
  EXPECT_FALSE(r.response.header("Sunset"));
  EXPECT_FALSE(r.response.header("Deprecation"));
}

TEST(ApiVersions, a_configured_sunset_is_announced_on_that_version_only) {
  auto m = api_versions("Wed, 31 Dec 2025 23:59:59 GMT", "");
  auto v1 = run(m, http::Method::GET, "/api/v1/products?page=2");
  EXPECT_EQ(header(v1.response, "Sunset"), "Wed, 31 Dec 2025 23:59:59 GMT");
  EXPECT_TRUE(header(v1.response, "Deprecation").starts_with("@"));
  for (const char* other : {"/api/v2/products", "/api/v10/products", "/health/live"}) {
    auto r = run(m, http::Method::GET, other);
    EXPECT_FALSE(r.response.header("Sunset")) << other;
  }
}

}  // namespace
}  // namespace mercato::gateway
