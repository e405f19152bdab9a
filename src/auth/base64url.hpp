#pragma once
// Base64url without padding (RFC 4648 §5, RFC 7515 §2), over libsodium's constant-time codec.

#include <optional>
#include <string>
#include <string_view>

namespace mercato::auth {

std::string base64url_encode(std::string_view bytes);

/// The decoded bytes, or nullopt for anything but canonical unpadded base64url: characters
/// outside [A-Za-z0-9_-], '=' padding, whitespace, a length of 1 mod 4, or unused trailing
/// bits that are not zero (so each byte string has exactly one accepted encoding, and a
/// token cannot be altered without changing its signature input).
std::optional<std::string> base64url_decode(std::string_view text);

/// Decodes into exactly `size` bytes at `out`; false on a bad encoding or another length.
bool base64url_decode_exact(std::string_view text, unsigned char* out, std::size_t size);

}  // namespace mercato::auth
