#include "ratelimit/local_limiter.hpp"

#include <functional>

namespace mercato::ratelimit {

LocalLimiter::LocalLimiter(GcraParams params, std::size_t max_keys)
    : params_(params), max_per_shard_(std::max<std::size_t>(max_keys / kShards, 1)) {}

void LocalLimiter::sweep(Shard& s, std::int64_t now_ms) {
  std::erase_if(s.tat, [now_ms](const auto& kv) { return kv.second <= now_ms; });
  // Still full of live clients (a flood of distinct keys): forget them all rather than grow
  // without bound. Forgetting only ever errs towards allowing, for at most one period.
  if (s.tat.size() >= max_per_shard_) s.tat.clear();
}

Decision LocalLimiter::check(std::string_view key, std::int64_t now_ms, std::int64_t increment_ms) {
  Shard& s = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(s.mu);
  auto it = s.tat.find(std::string(key));
  std::int64_t tat = it == s.tat.end() ? 0 : it->second;
  GcraStep step = gcra_step(params_, tat, now_ms, increment_ms);
  if (step.decision.allowed) {
    if (it != s.tat.end()) {
      it->second = step.new_tat_ms;
    } else {
      if (s.tat.size() >= max_per_shard_) sweep(s, now_ms);
      s.tat.emplace(std::string(key), step.new_tat_ms);
    }
  }
  step.decision.shared = false;
  return step.decision;
}

std::size_t LocalLimiter::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.tat.size();
  }
  return n;
}

}  // namespace mercato::ratelimit
