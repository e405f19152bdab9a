#pragma once
// Optimistic concurrency for PATCH/DELETE: each row has a version, its ETag is the strong tag
// "<id>.<version>" (strong because If-Match compares strongly, RFC 9110 §13.1.1; the id in it
// keeps a tag copied from another resource from ever matching), and If-Match says which
// version the client edited.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mercato::catalog {

/// `"<id>.<version>"`, quotes included, as sent in the ETag header.
std::string make_etag(std::string_view id, std::int64_t version);

/// A parsed If-Match header: `*`, or a list of entity tags.
struct IfMatch {
  bool any = false;
  std::vector<std::string> strong;  // opaque tags without quotes; weak tags are dropped (they never match)
  /// Whether the current version satisfies the header (RFC 9110 §13.1.1): a tag "<id>.<version>"
  /// as writes return it, or "<id>.<version>.<h>" as a GET returns it (the representation
  /// hash <h> after the version; see catalog_reads.hpp, seal) — the version decides.
  bool matches(std::string_view id, std::int64_t version) const;
};

/// nullopt when the header is absent (API clients may skip the check); bad_request when it is
/// not a valid If-Match value.
Result<std::optional<IfMatch>> parse_if_match(std::optional<std::string_view> header);

/// If-None-Match for a GET (RFC 9110 §13.1.2): true when the header is "*" or lists `etag`
/// (quoted, as sent) under weak comparison. A malformed header never matches (the full
/// response is always a safe answer).
bool if_none_match_matches(std::string_view header, std::string_view etag);

}  // namespace mercato::catalog
