#include "services/gateway/forwarding.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mercato::gateway {
namespace {

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

http::Request request(Fields headers, std::string peer = "203.0.113.7") {
  http::Request r;
  r.method = http::Method::POST;
  r.target = "/api/v1/products?x=1";
  r.headers = std::move(headers);
  r.remote_addr = std::move(peer);
  r.request_id = "rid-1";
  return r;
}

std::vector<std::string> names(const Fields& fields) {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields) out.emplace_back(k);
  return out;
}

std::string value(const Fields& fields, std::string_view name) {
  std::string out;
  for (const auto& [k, v] : fields)
    if (http::iequals(k, name)) out += (out.empty() ? "" : "|") + std::string(v);
  return out;
}

TEST(HopByHop, fixed_fields_in_any_case) {
  for (const char* h : {"Connection", "keep-alive", "Proxy-Authorization", "proxy-connection", "TE", "Trailer",
                        "Transfer-Encoding", "UPGRADE"})
    EXPECT_TRUE(is_hop_by_hop(h)) << h;
  for (const char* h : {"Content-Type", "Authorization", "X-Connection", "Trailers-Foo", "Cookie"})
    EXPECT_FALSE(is_hop_by_hop(h)) << h;
}

TEST(UpstreamRequestHeaders, drops_hop_by_hop_fields_and_those_named_in_connection) {
  auto req = request({{"Host", "api.example"},
                      {"Connection", "keep-alive, X-Secret-Hop"},
                      {"Connection", "Upgrade"},
                      {"Keep-Alive", "timeout=5"},
                      {"X-Secret-Hop", "1"},
                      {"Proxy-Authorization", "Basic abc"},
                      {"TE", "trailers"},
                      {"Trailer", "X-Sum"},
                      {"Transfer-Encoding", "chunked"},
                      {"Upgrade", "websocket"},
                      {"Content-Length", "12"},
                      {"Expect", "100-continue"},
                      {"Authorization", "Bearer t"},
                      {"Content-Type", "application/json"},
                      {"If-Match", "\"v3\""}});
  std::string scratch;
  auto out = upstream_request_headers(req, TrustedProxies({}), scratch);
  EXPECT_EQ(names(out), (std::vector<std::string>{"Host", "Authorization", "Content-Type", "If-Match",
                                                  "X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"}));
  EXPECT_EQ(value(out, "Authorization"), "Bearer t");
  EXPECT_EQ(value(out, "If-Match"), "\"v3\"");
}

TEST(UpstreamRequestHeaders, request_id_is_the_one_the_gateway_logs) {
  auto req = request({{"X-Request-ID", "client-sent"}});
  req.request_id = "client-sent-or-generated";
  std::string scratch;
  auto out = upstream_request_headers(req, TrustedProxies({}), scratch);
  EXPECT_EQ(value(out, "X-Request-ID"), "client-sent-or-generated");
}

TEST(UpstreamRequestHeaders, the_callers_trace_context_is_not_passed_on) {
  // The proxy sends its own client span's traceparent and the sanitized tracestate instead;
  // not even a trusted peer's fields go through unchanged.
  for (std::string peer : {"203.0.113.7", "10.0.0.1"}) {
    auto req = request({{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                        {"TraceState", "rojo=1"},
                        {"Accept", "application/json"}},
                       peer);
    std::string scratch;
    auto out = upstream_request_headers(req, TrustedProxies({"10.0.0.1"}), scratch);
    EXPECT_EQ(value(out, "traceparent"), "") << peer;
    EXPECT_EQ(value(out, "tracestate"), "") << peer;
    EXPECT_EQ(value(out, "Accept"), "application/json");
  }
}

TEST(UpstreamRequestHeaders, untrusted_peer_forwarding_fields_are_replaced_by_the_peer) {
  auto req = request({{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil"},
                      {"Forwarded", "for=1.2.3.4"}});
  std::string scratch;
  auto out = upstream_request_headers(req, TrustedProxies({"10.0.0.1"}), scratch);
  EXPECT_EQ(value(out, "X-Forwarded-For"), "203.0.113.7");
  EXPECT_EQ(value(out, "X-Forwarded-Proto"), "http");
  EXPECT_EQ(value(out, "X-Forwarded-Host"), "");
  EXPECT_EQ(value(out, "Forwarded"), "");
}

TEST(UpstreamRequestHeaders, trusted_peer_chain_is_resolved_to_the_one_client_it_vouches_for) {
  // The services behind the gateway trust the gateway alone: were the dashboard's address
  // (10.0.0.1) or the trusted hop 10.0.0.8 left in the chain, they would take it for the
  // client; entries left of the client (198.51.100.1) nobody vouches for.
  auto req = request({{"X-Forwarded-For", "198.51.100.1, 10.0.0.9"}, {"x-forwarded-for", "10.0.0.8"},
                      {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "shop.example"}},
                     "10.0.0.1");
  std::string scratch;
  auto out = upstream_request_headers(req, TrustedProxies({"10.0.0.1", "10.0.0.8"}), scratch);
  EXPECT_EQ(value(out, "X-Forwarded-For"), "10.0.0.9");
  EXPECT_EQ(value(out, "X-Forwarded-Proto"), "https");
  EXPECT_EQ(value(out, "X-Forwarded-Host"), "shop.example");
}

TEST(DownstreamResponse, passes_status_body_and_end_to_end_fields) {
  http::ClientResponse up;
  up.status = 409;
  up.body = R"({"success":false})";
  up.headers = {{"Content-Type", "application/json"}, {"Content-Length", "17"}, {"Date", "x"}, {"Server", "mercato"},
                {"Connection", "keep-alive, X-Internal"}, {"Keep-Alive", "timeout=5"}, {"X-Internal", "1"},
                {"Transfer-Encoding", "chunked"}, {"ETag", "\"v2\""}, {"X-Request-ID", "rid-1"},
                {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
  auto res = downstream_response(std::move(up));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.body, R"({"success":false})");
  EXPECT_EQ(res.content_type, "application/json");
  std::vector<std::pair<std::string, std::string>> want = {
      {"ETag", "\"v2\""}, {"X-Request-ID", "rid-1"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
  EXPECT_EQ(res.headers, want);
}

TEST(DownstreamResponse, no_content_type_stays_absent) {
  http::ClientResponse up;
  up.status = 204;
  auto res = downstream_response(std::move(up));
  EXPECT_EQ(res.content_type, "");
}

}  // namespace
}  // namespace mercato::gateway
