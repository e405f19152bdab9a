#pragma once
// Content codings for responses (RFC 9110 §8.4, §12.5.3): which coding a client accepts, and
// the coded bytes. Compressing is the costly part, so a caller that keeps answers (a cache)
// compresses each stored body once per coding and serves those bytes, and the gateway's
// middleware (services/gateway/compression.hpp) compresses only what nobody coded yet.
//
// gzip is zlib's (every client has it); br is Google's libbrotli encoder, smaller by ~15 % on
// our JSON. The levels are chosen for speed per byte: see compression_bench.cpp and
// bench/results.md ("compression levels").

#include <optional>
#include <string>
#include <string_view>

namespace mercato::http {

enum class Encoding { identity, gzip, br };

/// The coding's token as sent in Content-Encoding: "identity", "gzip", "br".
std::string_view encoding_name(Encoding e);

/// The coding to answer with, given the request's Accept-Encoding value (RFC 9110 §12.5.3):
/// the acceptable coding (q > 0, by name or by `*`) with the highest q-value among gzip and,
/// when `have_br`, br; br wins a tie (smaller for the same cost). Names are case-insensitive,
/// `x-gzip` is gzip (§8.4.1.3). identity when the header is absent or empty, when nothing
/// coded is acceptable, and when the value is malformed (a bad q-value, a stray character):
/// the uncoded answer is always a safe one, and this server never answers 406 for it, even
/// under `identity;q=0`. Linear in the value's length; allocates nothing.
Encoding choose(std::optional<std::string_view> accept_encoding, bool have_br = true);

/// `body` coded with `e` (gzip: RFC 1952 with zlib at level kGzipLevel; br: RFC 7932 at
/// quality kBrotliQuality), or nullopt for identity, when the coder fails, and when the result
/// would not be smaller than `body` (then the uncoded answer is the better one).
std::optional<std::string> compress(Encoding e, std::string_view body);

/// What a cache keeps for one coded answer: the coding and its bytes.
struct Encoded {
  Encoding enc = Encoding::identity;
  std::string bytes;
};

inline constexpr int kGzipLevel = 6;
inline constexpr int kBrotliQuality = 5;

/// Whether a Content-Type names a representation worth compressing: JSON (application/json,
/// application/*+json) and text/*. Parameters (`; charset=utf-8`) and case are ignored.
bool compressible_type(std::string_view content_type);

/// The ETag of the coded representation (RFC 9110 §8.8.3: a different representation needs a
/// different strong validator): `"abc"` → `"abc-gzip"`, `W/"abc"` → `W/"abc-gzip"`. A value
/// that is not a quoted entity tag is returned as it is; identity changes nothing.
std::string coded_etag(std::string_view etag, Encoding e);

/// An If-Match / If-None-Match value with the coding suffixes coded_etag adds removed from
/// each tag (`"abc-gzip"` → `"abc"`), so the origin, which knows only its uncoded
/// representation, compares the client's validator with its own. Anything else is kept as it
/// is (a malformed value stays malformed for the origin to judge). nullopt when nothing
/// changed.
std::optional<std::string> strip_coding_suffixes(std::string_view header);

}  // namespace mercato::http
