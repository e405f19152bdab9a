#pragma once
// Access tokens: compact JWS (RFC 7515/7519) signed with Ed25519, `alg: EdDSA` (RFC 8037).
// Written by hand over libsodium because Debian's libjwt has no EdDSA, does not check the
// time or audience claims, and lets an HS256 token keyed with a public key pass unless the
// caller pins the algorithm (docs/toolchain.md#libjwt). Here the algorithm is not negotiable: a token
// whose header says anything but EdDSA is refused before any key is looked at.
//
// Claims of a Mercato token: iss, aud, sub (user id), role, store, iat, exp; nbf and jti
// are optional on input.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace mercato::auth {

using PublicKey = std::array<unsigned char, 32>;

/// An Ed25519 key pair that signs tokens. The secret half is wiped on destruction.
struct SigningKey {
  std::string kid;
  PublicKey public_key{};
  std::array<unsigned char, 64> secret_key{};  // libsodium's seed || public key form
  std::int64_t created_ms = 0;                 // Unix milliseconds; the newest key signs

  SigningKey() = default;
  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  /// A fresh key from the system CSPRNG; kid is its RFC 7638 thumbprint.
  static SigningKey generate(std::int64_t created_ms);
  /// The key for a 32-byte seed (the JWK "d" member).
  static SigningKey from_seed(const unsigned char* seed, std::int64_t created_ms);
};

/// RFC 7638 JWK thumbprint of an Ed25519 public key: base64url(SHA-256 of
/// {"crv":"Ed25519","kty":"OKP","x":"…"}). Stable across restarts and unique per key.
std::string thumbprint(const PublicKey& pk);

/// The public keys tokens may be verified with, by kid. Built once, then only read: share
/// it between threads as std::shared_ptr<const KeySet>.
class KeySet {
 public:
  /// `not_after`: Unix seconds from which no token signed by the key is valid any more (a
  /// retiring key: its successor signs); 0 for the signing key, which has no end yet.
  void add(std::string kid, const PublicKey& pk, std::int64_t not_after = 0);
  const PublicKey* find(std::string_view kid) const;
  /// The key's not_after, 0 when it has none or is unknown.
  std::int64_t not_after(std::string_view kid) const;
  /// A copy without the keys whose not_after has come by `now`.
  KeySet without_expired(std::int64_t now) const;
  /// True when some key's not_after has come by `now`.
  bool has_expired(std::int64_t now) const;
  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const std::vector<std::pair<std::string, PublicKey>>& entries() const { return keys_; }

 private:
  // A handful of keys at most (current plus the ones rotated out but not yet expired):
  // a linear scan beats hashing.
  std::vector<std::pair<std::string, PublicKey>> keys_;
  std::vector<std::int64_t> not_after_;  // parallel to keys_
};

struct Claims {
  std::string iss;
  std::string aud;
  std::string sub;
  std::string role;
  std::string store;
  std::string jti;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::optional<std::int64_t> nbf;
};

struct VerifyOptions {
  std::string issuer;
  std::string audience;
  /// Clock difference tolerated between the signer and this process, in seconds.
  std::int64_t leeway_seconds = 30;

  static VerifyOptions from(const config::Settings& s);
};

/// Why a token was refused. Only `expired` is told to the client (as token_expired); the
/// rest all become invalid_token and are logged at debug.
enum class TokenFault {
  none,
  malformed,      // not three base64url segments of JSON objects, too long, duplicate members
  algorithm,      // header alg is not EdDSA, or a `crit` extension we do not implement
  unknown_key,    // kid missing or not in the key set
  signature,      // Ed25519 verification failed
  expired,        // exp + leeway is past
  not_yet_valid,  // nbf or iat is in the future beyond the leeway
  issuer,
  audience,
  claims,   // sub/role/store/iat/exp missing, of the wrong type, or an unknown role
  revoked,  // issued before its user's not-before (identity revoked it: revocations.hpp)
};
std::string_view fault_name(TokenFault f);

/// Longest token accepted; ours are ~400 bytes.
inline constexpr std::size_t kMaxTokenBytes = 4096;

/// Signs `claims` (iss, aud, sub, role, store, iat, exp, optional nbf and jti).
std::string sign_token(const Claims& claims, const SigningKey& key);

/// Checks, in this order: shape, header (alg pinned to EdDSA, kid known), signature, then
/// claims. Nothing from the payload is trusted before the signature holds, so an attacker
/// learns nothing from which check failed. `now` is Unix seconds. On success fills `out`
/// (and `kid`, when given). Thread-safe; does not allocate beyond the claim strings.
TokenFault verify_token(std::string_view token, const KeySet& keys, const VerifyOptions& options, std::int64_t now,
                        Claims& out, std::string* kid = nullptr);

/// The kid named by a token's header, without verifying anything (empty if none): for
/// deciding whether an unknown key is worth refetching the key set.
std::string peek_kid(std::string_view token);

}  // namespace mercato::auth
