#include "auth/base64url.hpp"

#include <sodium.h>

namespace mercato::auth {

std::string base64url_encode(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.resize(out.size() - 1);  // the encoder writes a terminating NUL
  return out;
}

namespace {
// libsodium accepts what it can decode and reports where it stopped; we additionally insist
// the whole input was consumed, which rules out '=' and every stray character.
bool decode_into(std::string_view text, unsigned char* out, std::size_t cap, std::size_t& len) {
  const char* end = nullptr;
  if (sodium_base642bin(out, cap, text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return false;
  return end == text.data() + text.size();
}
}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (!decode_into(text, reinterpret_cast<unsigned char*>(out.data()), out.size(), len)) return std::nullopt;
  out.resize(len);
  return out;
}

bool base64url_decode_exact(std::string_view text, unsigned char* out, std::size_t size) {
  // Only one encoded length decodes to `size` bytes without padding.
  if (text.size() != (size * 4 + 2) / 3) return false;
  std::size_t len = 0;
  return decode_into(text, out, size, len) && len == size;
}

}  // namespace mercato::auth
