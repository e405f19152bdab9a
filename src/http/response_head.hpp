#pragma once
// The status line and header block of a response, written by hand into a reusable buffer.
//
// Why by hand: Beast's generic serializer (buffers_cat_view iterators over a linked list of
// separately allocated fields) cost ~7 % of the server's CPU per request in the perf profile of
// `./mercato bench http` (bench/results.md, "http"), plus one allocation per header field. The
// server needs one fixed shape of head, so it writes that shape into a per-connection string
// and sends head + body with one gathered write.

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace mercato::http {

/// What the server decided about one response, beyond the Response itself.
struct ResponseFraming {
  unsigned version = 11;      ///< HTTP version of the request, 10 × major + minor (Beast's form)
  bool keep_alive = true;     ///< false: the server closes the connection after this response
  bool head_request = false;  ///< HEAD: Content-Length of the would-be body, and no body
  /// The body is Response::stream, of unknown length: `Transfer-Encoding: chunked` on
  /// HTTP/1.1 (also for HEAD, as the GET would say), nothing on HTTP/1.0 (the end of the
  /// body is the connection's close: keep_alive must be false then). No Content-Length.
  bool streamed = false;
};

/// Replaces `out` with the head of `res`, ending with the empty line; keeps `out`'s capacity.
///
/// Layout (the same bytes Beast's serializer produced for this server before):
///   HTTP/<version> <status> <reason>
///   Server: mercato / Date / Content-Type (unless bodiless or empty) / `res.headers` in order /
///   Connection / Content-Length (the body's size, also for HEAD; absent for 1xx, 204 and 304),
///   or for a streamed body Transfer-Encoding: chunked (HTTP/1.1) instead.
/// Connection carries the options of the first Connection field in `res.headers` (a handler
/// may name hop-by-hop fields there) with close/keep-alive set to what the server does:
/// `close` on HTTP/1.1 when closing, `keep-alive` on HTTP/1.0 when keeping. Framing belongs to
/// the server: Content-Length and Transfer-Encoding in `res.headers` are not written.
///
/// Returns whether `res.body` must be sent after the head (false for HEAD, 1xx, 204 and 304).
/// Throws std::invalid_argument when `res.status` is not a three-digit code.
bool write_response_head(std::string& out, const Response& res, const ResponseFraming& framing);

/// The reason phrase the server sends for `status`: Beast's (obsolete_reason), so the bytes did
/// not change when the head moved here; "<unknown-status>" for codes it does not know.
std::string_view reason_phrase(int status);

/// Current time as an IMF-fixdate (RFC 9110 §5.6.7), formatted at most once per second per
/// thread. The view stays valid on this thread until the next call.
std::string_view http_date();

}  // namespace mercato::http
