#include "auth/refresh_token.hpp"

#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/sodium.hpp"

namespace mercato::auth {

namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

// Domain-separated so this key can never equal any other use of the token's bytes.
void grace_key(std::string_view presented, unsigned char key[crypto_secretbox_KEYBYTES]) {
  static constexpr unsigned char kContext[] = "mercato refresh grace v1";
  crypto_generichash(key, crypto_secretbox_KEYBYTES, reinterpret_cast<const unsigned char*>(presented.data()),
                     presented.size(), kContext, sizeof kContext - 1);
}

}  // namespace

std::string new_refresh_token() {
  ensure_sodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  auto token = base64url_encode({reinterpret_cast<const char*>(raw), sizeof raw});
  sodium_memzero(raw, sizeof raw);
  return token;
}

bool is_refresh_token_shape(std::string_view token) {
  unsigned char raw[32];
  return base64url_decode_exact(token, raw, sizeof raw);
}

std::string refresh_token_hash(std::string_view token) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return to_hex(digest, sizeof digest);
}

std::string client_fingerprint(std::string_view address, std::string_view user_agent) {
  ensure_sodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(address.data()), address.size());
  const unsigned char sep = 0;  // so ("ab","c") and ("a","bc") differ
  crypto_hash_sha256_update(&st, &sep, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(user_agent.data()), user_agent.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  return to_hex(digest, sizeof digest);
}

std::string seal_successor(std::string_view presented, std::string_view successor) {
  ensure_sodium();
  unsigned char key[crypto_secretbox_KEYBYTES];
  grace_key(presented, key);
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + successor.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(successor.data()),
                        successor.size(), out, key);
  sodium_memzero(key, sizeof key);
  return to_hex(out, box.size());
}

std::optional<std::string> open_successor(std::string_view presented, std::string_view sealed_hex) {
  ensure_sodium();
  std::string box(sealed_hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed_hex.data(), sealed_hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != box.size() || len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  unsigned char key[crypto_secretbox_KEYBYTES];
  grace_key(presented, key);
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const int rc =
      crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, in, key);
  sodium_memzero(key, sizeof key);
  if (rc != 0) return std::nullopt;
  return plain;
}

RefreshAction decide_refresh(const RefreshState& s, std::string_view fingerprint, std::chrono::milliseconds grace) {
  if (s.family_revoked || s.family_expired) return RefreshAction::reject;
  if (!s.user_can_login) return RefreshAction::revoke;
  if (!s.used) return RefreshAction::rotate;
  // A duplicate is forgiven only while its successor is still the family's live token: if
  // the successor was itself rotated, someone has moved on with it and this is a replay.
  if (s.since_used <= grace && s.used_by == fingerprint && s.successor_unused && s.has_sealed_successor)
    return RefreshAction::replay_successor;
  return RefreshAction::reuse_detected;
}

}  // namespace mercato::auth
