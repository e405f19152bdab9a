#pragma once
// JSON Web Key Sets (RFC 7517) of Ed25519 public keys (RFC 8037 "OKP").

#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.hpp"
#include "core/error.hpp"

namespace mercato::auth {

/// {"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"use":"sig","alg":"EdDSA"},…]}, a
/// retiring key with "exp": the Unix time its last token expires (KeySet::not_after). RFC
/// 7517 §4 has other readers ignore a member they do not know.
std::string render_jwks(const KeySet& keys);

/// The Ed25519 signing keys of a JWKS document, given either plain or inside Mercato's
/// envelope ({"success":true,"data":{"keys":[…]}}). Keys of other types, other curves or
/// other uses are skipped (a set may legitimately carry them); a document that is not a
/// key set, or an Ed25519 key with a bad `x`, is an error, so a broken identity response
/// never replaces a good cached set. An Ed25519 key whose kid is not the RFC 7638 thumbprint
/// of its `x` (how identity names every key) is skipped too and its kid added to `ignored`:
/// trusting it would let one key verify tokens that name another.
Result<KeySet> parse_jwks(std::string_view json, std::vector<std::string>* ignored = nullptr);

}  // namespace mercato::auth
