#pragma once
// Response compression at the gateway: the one place answers are coded, so the services never
// spend CPU on it and a client gets the same codings from every route. The codings and their
// levels are http/compression.hpp's.
//
// What is coded: an answer of a JSON or text type (http::compressible_type) whose body is at
// least COMPRESS_MIN_BYTES, with a status that has content (not 1xx, 204, 206 or 304), to a
// request other than HEAD, that nobody coded yet (no Content-Encoding), that forbids no
// transformation (Cache-Control: no-transform, RFC 9111 §5.2.2.6), and that carries no secret:
// see carries_secret. Such an answer gets `Vary: Accept-Encoding` whichever coding the client
// takes, so a shared cache keeps the variants apart.
//
// ETags: a coded answer's ETag gets the coding as a suffix inside the quotes ("…-gzip",
// http::coded_etag), since a strong validator names one representation (RFC 9110 §8.8.3).
// The services know only their uncoded representation, so the gateway takes the suffixes off
// If-Match and If-None-Match before forwarding (a client echoing the tag of a compressed GET in
// a PATCH's If-Match is compared as if it had read the plain one), and a 304 answering an
// If-None-Match that named the coded tag carries that tag back.
//
// Every coding of a body is counted in gateway_compressions_total{coding, by}: `by` is
// "middleware" for an answer coded as it passes, "cache" for the variants the response cache
// codes once when it stores an answer (response_cache.hpp). A cache hit codes nothing: the
// two stay flat however many hits are served.
//
// A request body with a Content-Encoding other than identity is refused with 415 and
// `Accept-Encoding: identity` (RFC 9110 §15.5.16): no service decodes one, and nothing here
// decompresses anything, so there is no decompression bomb to defuse.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/compression.hpp"
#include "http/handler.hpp"

namespace mercato::gateway {

namespace asio = boost::asio;

/// The coding the client accepts, from all its Accept-Encoding fields (several fields are one
/// comma-separated list, RFC 9110 §5.3; more than 8 are treated as malformed: identity).
http::Encoding accepted_encoding(const http::Request& req);

/// Whether `res`, the answer to `req`, is one the gateway codes (see the file's comment),
/// given COMPRESS_MIN_BYTES. Independent of what the client accepts.
bool compressible(const http::Request& req, const http::Response& res, std::size_t min_bytes);

/// True for answers that may hold a secret next to something the client controls: the
/// /api/v1/auth/ routes (tokens, next to the login's e-mail address) and any answer setting a
/// cookie (the refresh token). Compressing those would open them to BREACH: an attacker who
/// can make a victim's browser send chosen input and can watch the encrypted lengths learns
/// the secret a byte at a time, from how well the input compresses against it.
bool carries_secret(const http::Request& req, const http::Response& res);

/// Adds Accept-Encoding to the answer's Vary (to its first Vary field; a new field when none),
/// unless it is there already or Vary is `*`.
void vary_on_accept_encoding(http::Response& res);

/// Makes `res` the coded representation: `bytes` as its body (http::compress of its body with
/// `e`), Content-Encoding `e`, its ETag suffixed (http::coded_etag), Vary. For a cache that
/// keeps coded bodies: serve a stored one through this, and the middleware leaves it as it is.
void set_coded_body(http::Response& res, http::Encoding e, std::string bytes);

/// http::compress, counted in gateway_compressions_total{coding=encoding_name(e), by=`by`};
/// `by` is "middleware" or "cache" (anything else counts as "middleware").
std::optional<std::string> counted_compress(http::Encoding e, std::string_view body, std::string_view by);

/// The variants the response cache keeps beside a stored body it may serve coded: gzip and br,
/// each only if smaller than `body` (http::compress), counted with by="cache".
std::vector<http::Encoded> code_for_cache(std::string_view body);

/// The middleware (see the file's comment); `min_bytes` 0: nothing is compressed, and the
/// rest (415 for coded request bodies, suffixes off conditional requests) still holds.
http::Middleware compression(std::size_t min_bytes);

}  // namespace mercato::gateway
