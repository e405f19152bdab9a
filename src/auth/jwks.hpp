#pragma once
// JSON Web Key Sets (RFC 7517) of Ed25519 public keys (RFC 8037 "OKP").

#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "core/error.hpp"

namespace mercato::auth {

/// {"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"use":"sig","alg":"EdDSA"},…]}
std::string render_jwks(const KeySet& keys);

/// The Ed25519 signing keys of a JWKS document, given either plain or inside Mercato's
/// envelope ({"success":true,"data":{"keys":[…]}}). Keys of other types, other curves or
/// other uses are skipped (a set may legitimately carry them); a document that is not a
/// key set, or an Ed25519 key with a bad `x`, is an error, so a broken identity response
/// never replaces a good cached set.
Result<KeySet> parse_jwks(std::string_view json);

}  // namespace mercato::auth
