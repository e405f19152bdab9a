#pragma once
// Method + path-template routing. Templates are literal segments and typed parameters:
//   /api/v1/products/{id:uuid}   /api/v1/things/{n:int}   /files/{name}
// `{x:uuid}` matches a UUID in any case (percent-decoded first) and hands it to the handler in
// lower case, the one spelling every key and query is built from; a segment that is not a
// UUID after decoding (control characters, NUL, non-hex, wrong length) matches nothing.
// A path that matches no template → 404 not_found; one that matches a template but not the
// method → 405 method_not_allowed with an Allow header. HEAD is served by the GET handler.
// Matching walks a segment tree, so its cost is the path's depth, not the number of routes.

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/handler.hpp"

namespace mercato::http {

/// A route template as spans name it: parameter types dropped, "/api/v1/products/{id:uuid}"
/// → "/api/v1/products/{id}", so the gateway's and a service's spans of one route read alike.
std::string route_for_span(std::string_view tmpl);

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Registers a route; throws std::invalid_argument on a malformed template or a duplicate.
  void add(Method method, std::string_view tmpl, Handler handler);
  void get(std::string_view t, Handler h) { add(Method::GET, t, std::move(h)); }
  void post(std::string_view t, Handler h) { add(Method::POST, t, std::move(h)); }
  void patch(std::string_view t, Handler h) { add(Method::PATCH, t, std::move(h)); }
  void put(std::string_view t, Handler h) { add(Method::PUT, t, std::move(h)); }
  void del(std::string_view t, Handler h) { add(Method::DELETE, t, std::move(h)); }

  struct Match {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    const Handler* handler = nullptr;
    std::string_view route;    // the template, for logs and metrics
    std::string_view span_name;  // "GET /api/v1/products/{id}" (the request's method; empty: not found)
    std::string allow;         // for 405: "GET, HEAD, PATCH"
    std::vector<PathParam> params;
  };
  Match match(Method method, std::string_view path) const;

  /// Matches, fills req.route and req.params, and runs the handler, or answers 404/405.
  asio::awaitable<Response> dispatch(Request& req) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace mercato::http
