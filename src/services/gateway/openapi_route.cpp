#include "services/gateway/openapi_route.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/fnv1a.hpp"
#include "core/json.hpp"

namespace mercato::gateway {

namespace asio = boost::asio;

namespace {

struct Served {
  std::string body;
  std::string etag;
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::internal, "OpenAPI document \"" + path + "\": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{ErrorCode::internal, "OpenAPI document \"" + path + "\": read failed"};
  return text.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string openapi_etag(std::string_view document) {
  // Only a change detector is needed, and every gateway instance gives the same bytes the same tag.
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(document)));
  return "\"openapi-" + std::string(hex) + "\"";
}

bool if_none_match_matches(std::string_view header, std::string_view etag) {
  header = trim(header);
  if (header == "*") return true;
  const std::string_view opaque = etag;  // `"…"`, quotes included
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view tag = trim(header.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == opaque) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

Status install_openapi_route(http::Router& router, const std::string& path_to_json) {
  auto text = read_file(path_to_json);
  if (!text) return std::move(text).error();
  if (auto doc = json::Document::parse(*text); !doc)
    return Error{ErrorCode::internal, "OpenAPI document \"" + path_to_json + "\" is not valid JSON: " + doc.error().message};

  auto served = std::make_shared<const Served>(Served{*text, openapi_etag(*text)});
  router.get(kOpenApiRoute, [served](http::Request& req) -> asio::awaitable<http::Response> {
    http::Response res;
    res.set_header("ETag", served->etag);
    // Clients may keep a copy but must revalidate it: the document changes with a deploy.
    res.set_header("Cache-Control", "no-cache");
    if (auto inm = req.header("If-None-Match"); inm && if_none_match_matches(*inm, served->etag)) {
      res.status = 304;
      res.content_type.clear();
      co_return res;
    }
    // The document itself, not the API envelope: it is a resource of its own, and OpenAPI
    // tools expect the bare document at this URL.
    res.content_type = "application/json";
    res.body = served->body;
    co_return res;
  });
  return {};
}

}  // namespace mercato::gateway
