#include "services/gateway/principal_cache.hpp"

#include <memory>

#include "auth/roles.hpp"

namespace mercato::gateway {

PrincipalCache::PrincipalCache(std::size_t max_bytes, std::chrono::milliseconds ttl) : cache_(max_bytes), ttl_(ttl) {}

std::string PrincipalCache::key(std::string_view user, std::string_view role) {
  // A verified sub is a bounded id without spaces (identity's UUIDs); the separator cannot
  // occur in either part.
  std::string k;
  k.reserve(user.size() + role.size() + 1);
  k.append(user).push_back(' ');
  k.append(role);
  return k;
}

cache::ValuePtr PrincipalCache::find(const http::Principal& p, Clock::time_point now) {
  if (!cache_.enabled()) return nullptr;
  cache::L1Cache::Hit hit;
  if (cache_.get(key(p.subject, p.role), hit, now) != cache::L1Cache::Outcome::hit) return nullptr;
  return std::move(hit.value);
}

bool PrincipalCache::keep(const http::Principal& p, std::string body, std::uint64_t generation, Clock::time_point now) {
  if (!cache_.enabled()) return false;
  auto value = std::make_shared<cache::CachedValue>();
  value->body = std::move(body);
  std::lock_guard lock(fill_mu_);
  if (generation_.load(std::memory_order_acquire) != generation) return false;
  cache_.put(key(p.subject, p.role), std::move(value), generation, now + ttl_);
  return true;
}

void PrincipalCache::forget(std::string_view user) {
  std::lock_guard lock(fill_mu_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  // A verified token's role is one of these (TokenFault::claims otherwise).
  for (auto role : {auth::Role::viewer, auth::Role::editor, auth::Role::admin})
    cache_.erase(key(user, auth::role_name(role)));
}

void PrincipalCache::forget_all() {
  std::lock_guard lock(fill_mu_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  cache_.clear();
}

}  // namespace mercato::gateway
