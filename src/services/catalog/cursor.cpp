#include "services/catalog/cursor.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace mercato::catalog {
namespace {

constexpr std::string_view kMagic = "c1";
constexpr std::size_t kFingerprint = 16;

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::array<unsigned char, kFingerprint> fingerprint(std::string_view query) {
  std::array<unsigned char, kFingerprint> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(query.data()), query.size(),
                     nullptr, 0);
  return out;
}

}  // namespace

CursorSigner::CursorSigner(std::string_view secret) {
  ensure_sodium();
  // Hashing stretches or shortens any secret to the 32-byte key crypto_auth wants; the
  // context string keeps this key distinct from any other use of the same secret.
  constexpr std::string_view context = "mercato catalog cursor v1";
  crypto_generichash(key_.data(), key_.size(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     reinterpret_cast<const unsigned char*>(context.data()), context.size());
}

std::string CursorSigner::key_id() const {
  constexpr std::string_view what = "mercato catalog cursor key id";
  std::array<unsigned char, crypto_auth_BYTES> mac{};
  crypto_auth(mac.data(), reinterpret_cast<const unsigned char*>(what.data()), what.size(), key_.data());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

CursorSigner CursorSigner::random() {
  ensure_sodium();
  CursorSigner s;
  randombytes_buf(s.key_.data(), s.key_.size());
  return s;
}

std::string CursorSigner::encode(std::string_view query, const CursorPosition& pos) const {
  std::vector<unsigned char> buf;
  buf.insert(buf.end(), kMagic.begin(), kMagic.end());
  const auto fp = fingerprint(query);
  buf.insert(buf.end(), fp.begin(), fp.end());
  buf.insert(buf.end(), pos.key.begin(), pos.key.end());
  buf.push_back(0);
  buf.insert(buf.end(), pos.id.begin(), pos.id.end());
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, buf.data(), buf.size(), key_.data());
  buf.insert(buf.end(), mac, mac + sizeof mac);

  const auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(buf.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

Result<CursorPosition> CursorSigner::decode(std::string_view token, std::string_view query) const {
  const Error invalid = bad_request("cursor is invalid: pass next_cursor from a previous page unchanged");
  if (token.empty() || token.size() > kMaxTokenLength) return invalid;
  std::vector<unsigned char> buf(token.size());
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(buf.data(), buf.size(), token.data(), token.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != token.data() + token.size())
    return invalid;
  if (len < kMagic.size() + kFingerprint + 1 + crypto_auth_BYTES) return invalid;
  const std::size_t body = len - crypto_auth_BYTES;
  if (crypto_auth_verify(buf.data() + body, buf.data(), body, key_.data()) != 0) return invalid;
  if (std::string_view(reinterpret_cast<const char*>(buf.data()), kMagic.size()) != kMagic) return invalid;
  // Signed by us, so its contents are ours: only the query binding is left to check.
  const auto fp = fingerprint(query);
  if (sodium_memcmp(buf.data() + kMagic.size(), fp.data(), kFingerprint) != 0)
    return bad_request("cursor belongs to a different query: keep sort and filters unchanged while paging");
  const std::string_view rest(reinterpret_cast<const char*>(buf.data()) + kMagic.size() + kFingerprint,
                              body - kMagic.size() - kFingerprint);
  const auto nul = rest.find('\0');
  if (nul == std::string_view::npos) return invalid;
  return CursorPosition{std::string(rest.substr(0, nul)), std::string(rest.substr(nul + 1))};
}

}  // namespace mercato::catalog
