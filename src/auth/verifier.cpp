#include "auth/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

namespace mercato::auth {

Error token_error(TokenFault f) {
  if (f == TokenFault::expired) return Error{ErrorCode::token_expired, "access token has expired"};
  return Error{ErrorCode::invalid_token, "access token is invalid"};
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TokenVerifier::TokenVerifier(std::shared_ptr<KeySource> keys, VerifyOptions options, std::size_t cache_entries)
    : keys_(std::move(keys)), options_(std::move(options)), per_shard_((cache_entries + kShards - 1) / kShards) {}

void TokenVerifier::use_revocations(std::shared_ptr<RevocationList> list) {
  revocations_ = std::move(list);
  revocations_->on_revoked([this](const Revocation& r) { forget(r); });
}

void TokenVerifier::forget(const Revocation& r) {
  // Rare (a user changed): a scan of every shard is cheaper than an index kept per user.
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    std::erase_if(s.map, [&](const auto& kv) {
      return kv.second.claims.sub == r.user && kv.second.claims.iat < r.not_before;
    });
  }
}

TokenVerifier::Shard& TokenVerifier::shard_for(std::string_view token) {
  // The signature's last characters are uniformly random: a cheap, well-spread shard index.
  const unsigned char c = token.empty() ? 0 : static_cast<unsigned char>(token.back());
  return shards_[c % kShards];
}

TokenFault TokenVerifier::verify(std::string_view token, std::int64_t now, Claims& out, std::string* kid) {
  const auto keys = keys_->keys();
  if (per_shard_ > 0) {
    Shard& s = shard_for(token);
    std::unique_lock lock(s.mu);
    if (auto it = s.map.find(token); it != s.map.end()) {
      // The cached bytes were verified by a key; they stay good while that key is still
      // published and the token's time window holds. Nothing else about them can change.
      const Cached& hit = it->second;
      if (keys->find(hit.kid)) {
        const auto& c = hit.claims;
        if (now >= c.exp + options_.leeway_seconds) {
          s.map.erase(it);
          return TokenFault::expired;
        }
        if (revocations_ && !revocations_->allows(c.sub, c.iat)) {
          s.map.erase(it);
          return TokenFault::revoked;
        }
        if (!(c.nbf && *c.nbf > now + options_.leeway_seconds) &&
            c.iat <= now + std::max<std::int64_t>(options_.leeway_seconds, 1)) {
          out = c;
          if (kid) *kid = hit.kid;
          return TokenFault::none;
        }
      } else {
        s.map.erase(it);
      }
    }
  }
  std::string verified_kid;
  TokenFault f = verify_token(token, *keys, options_, now, out, &verified_kid);
  if (kid) *kid = verified_kid;
  if (f == TokenFault::none && revocations_ && !revocations_->allows(out.sub, out.iat)) return TokenFault::revoked;
  if (f == TokenFault::none && per_shard_ > 0) {
    Shard& s = shard_for(token);
    std::lock_guard lock(s.mu);
    if (s.map.size() >= per_shard_) s.map.clear();
    s.map.insert_or_assign(std::string(token), Cached{out, std::move(verified_kid)});
  }
  return f;
}

asio::awaitable<TokenFault> TokenVerifier::verify_refreshing(std::string token, std::int64_t now, Claims& out) {
  std::string kid;
  TokenFault f = verify(token, now, out, &kid);
  if (f != TokenFault::unknown_key || kid.empty()) co_return f;
  co_await keys_->refresh_for(kid);
  co_return verify(token, now, out);
}

}  // namespace mercato::auth
