#pragma once
// Verifies access tokens for the authentication middleware: signature and claims
// (jwt.hpp), a key set that follows rotation (KeySource), and a small cache of tokens
// already verified, because a browser sends the same token with every request for 15
// minutes and an Ed25519 verification costs ~50 µs against ~1 µs for a lookup.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/jwt.hpp"
#include "auth/key_source.hpp"
#include "auth/revocations.hpp"
#include "core/error.hpp"

namespace mercato::auth {

/// The client-facing error for a fault: token_expired for `expired`, invalid_token for the
/// rest, with a message that does not say which check failed.
Error token_error(TokenFault f);

class TokenVerifier {
 public:
  /// `cache_entries` bounds the verified-token cache (0 turns it off).
  TokenVerifier(std::shared_ptr<KeySource> keys, VerifyOptions options, std::size_t cache_entries = 65536);

  /// Verifies with the current keys only (no waiting): the hot path. `now` is Unix seconds.
  TokenFault verify(std::string_view token, std::int64_t now, Claims& out, std::string* kid = nullptr);
  /// verify(), and on an unknown kid one more try after asking the key source to look
  /// again (rate-limited by the source) — a token from a freshly rotated key.
  asio::awaitable<TokenFault> verify_refreshing(std::string token, std::int64_t now, Claims& out);

  const VerifyOptions& options() const { return options_; }
  KeySource& key_source() { return *keys_; }

  /// From now on tokens `list` revokes fail as TokenFault::revoked, and each revocation
  /// added to it drops that user's older tokens from the verified-token cache. Call once,
  /// before verifying; the verifier must outlive every use of `list`.
  void use_revocations(std::shared_ptr<RevocationList> list);
  /// The list given to use_revocations(), or null.
  RevocationList* revocations() const { return revocations_.get(); }

 private:
  struct Cached {
    Claims claims;
    std::string kid;
  };
  // Sharded so worker threads rarely contend; a full shard is emptied rather than tracked
  // for LRU order: entries live at most a token lifetime anyway.
  //
  // Hashed on the token's last 32 characters, its signature's: a whole token (~600 bytes with
  // a user's claims) cost ~400 instructions to hash, twice per forwarded request (the rate
  // limit's client and authentication both verify). Only verified tokens are stored, and their
  // signatures are the issuer's MACs, which no client can choose: keys that share a bucket are
  // as rare as with the whole token hashed. A forged token whose tail copies a stored one's
  // only probes that bucket, and equality still compares whole tokens.
  struct Hash {
    using is_transparent = void;
    static constexpr std::size_t kTail = 32;
    std::size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s.size() > kTail ? s.substr(s.size() - kTail) : s);
    }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Cached, Hash, std::equal_to<>> map;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_for(std::string_view token);
  void forget(const Revocation& r);

  std::shared_ptr<KeySource> keys_;
  std::shared_ptr<RevocationList> revocations_;
  VerifyOptions options_;
  std::size_t per_shard_ = 0;
  std::array<Shard, kShards> shards_;
};

/// Unix seconds from the system clock.
std::int64_t unix_now();

}  // namespace mercato::auth
