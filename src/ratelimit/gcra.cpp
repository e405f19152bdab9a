#include "ratelimit/gcra.hpp"

#include <algorithm>

namespace mercato::ratelimit {

GcraParams GcraParams::per_period(int limit, Millis period) {
  limit = std::max(limit, 1);
  std::int64_t emission = std::max<std::int64_t>(period.count() / limit, 1);
  return {emission, emission * limit, limit};
}

std::int64_t request_cost_ms(const GcraParams& p, std::int64_t items, std::int64_t items_per_request) {
  if (items <= 0) return p.emission_ms;
  items_per_request = std::max<std::int64_t>(items_per_request, 1);
  const __int128 extra = (static_cast<__int128>(p.emission_ms) * items + items_per_request - 1) / items_per_request;
  const __int128 cost = p.emission_ms + extra;
  return static_cast<std::int64_t>(std::min<__int128>(cost, p.burst_ms));
}

GcraStep gcra_step(const GcraParams& p, std::int64_t tat_ms, std::int64_t now_ms, std::int64_t increment_ms) {
  if (increment_ms <= 0) increment_ms = p.emission_ms;
  std::int64_t tat = std::max(tat_ms, now_ms);
  std::int64_t new_tat = tat + increment_ms;
  std::int64_t used = new_tat - now_ms;  // budget in use after this request, in ms
  GcraStep step{};
  step.decision.limit = p.limit;
  if (used > p.burst_ms) {
    step.decision.allowed = false;
    step.decision.retry_after = Millis(used - p.burst_ms);
    step.decision.reset_after = Millis(tat - now_ms);
    step.decision.remaining = 0;
    step.new_tat_ms = tat;
    return step;
  }
  step.decision.allowed = true;
  step.decision.remaining = static_cast<int>((p.burst_ms - used) / p.emission_ms);
  step.decision.reset_after = Millis(used);
  step.new_tat_ms = new_tat;
  return step;
}

}  // namespace mercato::ratelimit
