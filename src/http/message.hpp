#pragma once
// Request and Response as handlers see them. Beast stays inside server.cpp (it costs ~13 s of
// compile time per translation unit); everything else works with these plain types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request_context.hpp"

namespace mercato::http {

enum class Method { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, OTHER };

std::string_view method_name(Method m);
Method parse_method(std::string_view text);

/// ASCII case-insensitive comparison, as HTTP header names require.
bool iequals(std::string_view a, std::string_view b);

/// A path parameter captured by the router, already validated against its type.
struct PathParam {
  std::string_view name;
  std::string value;
};

/// The authenticated caller, filled by the authentication middleware when a token verifies.
struct Principal {
  std::string subject;  // user id
  std::string role;     // admin | editor | viewer
  std::string store;    // store id the token is scoped to
  /// The token's iat (Unix seconds): identity compares it with the user's tokens_not_before.
  std::int64_t issued_at = 0;
};

struct Request {
  Method method = Method::GET;
  std::string target;  // as received: path plus optional query
  /// Header views point into the connection's parse buffer: valid for the request's lifetime.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string body;
  std::string remote_addr;

  // Filled by the pipeline.
  /// The client as the trusted proxy chain says (http/client_address.hpp); canonical IP text.
  std::string client_address;
  std::string request_id;
  std::string_view route;  // matched template, e.g. "/api/v1/products/{id}"; "unmatched" if none
  std::vector<PathParam> params;
  std::optional<Principal> principal;
  /// Deadline and trace slot of this request (http/request_context.hpp).
  RequestContext context;

  std::string_view path() const;
  std::string_view query() const;  // without '?', empty when absent
  /// First header of that name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  /// A path parameter captured by the router; empty view if the route has no such parameter.
  std::string_view param(std::string_view name) const;
  /// Percent-decoded value of the first query parameter `name` (`+` means space).
  std::optional<std::string> query_param(std::string_view name) const;
  /// Every query parameter name, decoded — for rejecting unknown parameters.
  std::vector<std::string> query_names() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

/// Decodes %XX and '+'; false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = true);

}  // namespace mercato::http
