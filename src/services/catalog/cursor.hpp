#pragma once
// v2's keyset cursor: where the previous page ended (its last sort key and id), bound to the
// query it came from, signed so a client can neither forge a position nor reuse a cursor with
// other filters. Opaque to clients (base64url), but not secret: it holds only a sort key and a
// product id the client has already seen.
//
// Wire form: base64url(payload || HMAC), payload = "c1" || 16-byte query fingerprint ||
// key || NUL || id. The MAC is libsodium's crypto_auth (HMAC-SHA-512-256).

#include <array>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mercato::catalog {

/// The last row of a page, in the page's sort order.
struct CursorPosition {
  std::string key;  // sort key as text: timestamp, integer or name
  std::string id;   // product id (tie-breaker)
  bool operator==(const CursorPosition&) const = default;
};

class CursorSigner {
 public:
  /// Keyed from `secret` (CATALOG_CURSOR_SECRET). Every instance behind one load balancer must
  /// share it, or a cursor from one instance is rejected by the next.
  explicit CursorSigner(std::string_view secret);
  /// A random key for this process only (development; see main.cpp's warning).
  static CursorSigner random();

  /// `query` identifies the query the cursor continues (store, sort, filters), in any stable
  /// text form; decode() must be given the same text.
  std::string encode(std::string_view query, const CursorPosition& pos) const;
  /// bad_request for anything but an untouched cursor of this key and query.
  Result<CursorPosition> decode(std::string_view token, std::string_view query) const;

  /// A short public name of the key (hex), the same on every instance sharing the secret: it
  /// keeps cached v2 pages (which embed cursors) apart between deployments with other keys.
  std::string key_id() const;

  /// Longest token decode() accepts (longer: bad_request without further work).
  static constexpr std::size_t kMaxTokenLength = 1024;

 private:
  CursorSigner() = default;
  std::array<unsigned char, 32> key_{};
};

}  // namespace mercato::catalog
