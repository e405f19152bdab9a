#pragma once
// Where a verifier gets its public keys: the identity service reads its own key files
// (LocalKeys, key_store.hpp); every other service fetches identity's JWKS (JwksClient).

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "auth/jwt.hpp"

namespace mercato::auth {

namespace asio = boost::asio;

class KeySource {
 public:
  virtual ~KeySource() = default;
  /// The keys known now; never null (empty before the first successful load). Cheap and
  /// thread-safe: called on every verification.
  virtual std::shared_ptr<const KeySet> keys() const = 0;
  /// A token named `kid`, which keys() does not have: look again (identity may have
  /// rotated) if the last look is older than the source's minimum interval, and return the
  /// newest keys. Never throws; a failed look returns the keys it already had.
  virtual asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string kid) = 0;
};

}  // namespace mercato::auth
