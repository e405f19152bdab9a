#include "services/gateway/openapi_route.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace mercato::gateway {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

constexpr std::string_view kDoc = R"({"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}})";

struct TempFile {
  fs::path path = fs::temp_directory_path() / ("openapi_route_test_" + std::to_string(::getpid()) + ".json");
  explicit TempFile(std::string_view content) { std::ofstream(path, std::ios::binary) << content; }
  ~TempFile() { fs::remove(path); }
};

http::Response get(http::Router& router, std::string if_none_match = {}) {
  asio::io_context io;
  http::Request req;
  req.method = http::Method::GET;
  req.target = std::string(kOpenApiRoute);
  if (!if_none_match.empty()) req.headers.emplace_back("If-None-Match", if_none_match);
  auto fut = asio::co_spawn(io, router.dispatch(req), asio::use_future);
  io.run();
  return fut.get();
}

TEST(OpenApiRoute, serves_the_document_bare_with_an_etag) {
  TempFile f(kDoc);
  http::Router router;
  ASSERT_TRUE(install_openapi_route(router, f.path.string()).ok());
  auto res = get(router);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, kDoc);  // no envelope
  EXPECT_EQ(res.header("ETag").value_or(""), openapi_etag(kDoc));
}

TEST(OpenApiRoute, matching_if_none_match_is_304_without_a_body) {
  TempFile f(kDoc);
  http::Router router;
  ASSERT_TRUE(install_openapi_route(router, f.path.string()).ok());
  const std::string etag = openapi_etag(kDoc);
  for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    auto res = get(router, inm);
    EXPECT_EQ(res.status, 304) << inm;
    EXPECT_TRUE(res.body.empty());
    EXPECT_EQ(res.header("ETag").value_or(""), etag);
  }
  EXPECT_EQ(get(router, "\"other\"").status, 200);
}

TEST(OpenApiRoute, the_file_is_read_once_at_install) {
  http::Router router;
  {
    TempFile f(kDoc);
    ASSERT_TRUE(install_openapi_route(router, f.path.string()).ok());
  }  // file gone
  EXPECT_EQ(get(router).body, kDoc);
}

TEST(OpenApiRoute, a_missing_or_invalid_file_is_an_error_naming_it) {
  http::Router router;
  auto missing = install_openapi_route(router, "/nonexistent/openapi.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/openapi.json"), std::string::npos);
  EXPECT_NE(missing.error().message.find("No such file"), std::string::npos);

  TempFile bad("{not json");
  auto invalid = install_openapi_route(router, bad.path.string());
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.error().message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(get(router).status, 404);  // nothing registered
}

TEST(OpenApiRoute, etag_changes_with_the_content) {
  EXPECT_NE(openapi_etag("{}"), openapi_etag("{ }"));
  EXPECT_EQ(openapi_etag("{}"), openapi_etag("{}"));
  EXPECT_EQ(openapi_etag("{}").front(), '"');
}

}  // namespace
}  // namespace mercato::gateway
