#pragma once
// Request and Response as handlers see them. Beast stays inside server.cpp (it costs ~13 s of
// compile time per translation unit); everything else works with these plain types.

#include <cstdint>
#include <memory>
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
/// GET and HEAD: the methods the client and the gateway send again after a connection failure
/// that may have delivered them. RFC 9110 §9.2.2 would allow PUT and DELETE too; Mercato keeps
/// to the safe methods, whose resending cannot repeat a write.
inline bool idempotent(Method m) { return m == Method::GET || m == Method::HEAD; }

/// ASCII case-insensitive comparison of two texts of the same length.
bool iequals_bytes(std::string_view a, std::string_view b);
/// ASCII case-insensitive comparison, as HTTP header names require. The length check is
/// inline: most comparisons (a field name against each field of a message) end there, and a
/// call per field was several per cent of a gateway answer's instructions.
inline bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && iequals_bytes(a, b); }

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

/// Request::remote_addr of a connection accepted on the Unix domain socket (HTTP_SOCKET): no
/// IP address, and no text a TCP peer's address (always an IP address) could ever equal.
inline constexpr std::string_view kUnixSocketPeer = "unix";

struct Request {
  Method method = Method::GET;
  std::string target;  // as received: path plus optional query
  /// Header views point into the connection's parse buffer: valid for the request's lifetime.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string body;
  /// The socket's peer: canonical IP text for TCP, kUnixSocketPeer for the Unix socket.
  std::string remote_addr;
  /// 10 or 11 (HTTP/1.0, HTTP/1.1), as the server parsed it.
  int version = 11;

  // Filled by the pipeline.
  /// The client as the trusted proxy chain says (http/client_address.hpp); canonical IP text.
  std::string client_address;
  std::string request_id;
  std::string_view route;  // matched template, e.g. "/api/v1/products/{id}"; "unmatched" if none
  /// The matched route as spans name it, "GET /api/v1/products/{id}" (parameter types dropped:
  /// route_for_span); empty when no template matched. Lives as long as the router.
  std::string_view span_name;
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

/// Why an answer is a server failure, for this process's log and trace only: never sent.
struct Failure {
  std::string_view code;  ///< the contract's code name ("internal", "bad_gateway"): a static string
  std::string cause;      ///< what went wrong, for operators: "database error (40001)", "handler threw: …"
};

class BodyStream;  // http/body_stream.hpp

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Set by error_response() for a 5xx made in this process (and refined by whoever knows
  /// more, e.g. the recover middleware or the gateway's proxy); the access log writes it as
  /// the request's one error line, the server span as its error status. Unset on a 5xx
  /// relayed from an upstream: that service logged its cause under the same trace id.
  std::optional<Failure> failure;
  /// A body produced while it is sent (http/body_stream.hpp), instead of `body`: the server
  /// writes it with chunked transfer coding (close-delimited to an HTTP/1.0 client), without
  /// Content-Length. Null for ordinary answers. Middleware that rewrites or stores bodies
  /// (compression, caches) must leave a streamed answer alone.
  std::shared_ptr<BodyStream> stream;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

/// Decodes %XX and '+'; false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = true);

}  // namespace mercato::http
