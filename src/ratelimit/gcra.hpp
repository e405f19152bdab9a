#pragma once
// GCRA (generic cell rate algorithm): a client may make `limit` requests per `period`, with
// the whole budget available as a burst. The only state per client is its "theoretical
// arrival time" (TAT), so the same arithmetic runs in Redis (shared by every gateway, see
// redis_limiter.cpp) and in process (the fallback, local_limiter.cpp).

#include <chrono>
#include <cstdint>

namespace mercato::ratelimit {

using Millis = std::chrono::milliseconds;

struct Decision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  Millis reset_after{0};  // until the budget is whole again
  Millis retry_after{0};  // when denied: until one request is allowed
  bool shared = true;     // false: decided by the local fallback (Redis unreachable)
};

struct GcraParams {
  std::int64_t emission_ms;  // period / limit: one request's worth of time
  std::int64_t burst_ms;     // period: the whole budget
  int limit;
  static GcraParams per_period(int limit, Millis period);
};

struct GcraStep {
  Decision decision;
  std::int64_t new_tat_ms;  // store this (with a TTL of new_tat - now) when allowed
};

/// One request at `now_ms` against a client whose TAT is `tat_ms` (0 when unknown), costing
/// `increment_ms` of the budget (0: one request's worth, p.emission_ms).
GcraStep gcra_step(const GcraParams& p, std::int64_t tat_ms, std::int64_t now_ms, std::int64_t increment_ms = 0);

/// What a request that carries `items` (a bulk write's products) costs, in ms of the budget:
/// one request plus items / items_per_request requests, rounded up to the millisecond, so the
/// items' part is the same however a batch is split (splitting only adds a request per call,
/// and rounding up never lets the parts cost less than the whole); never more than the whole
/// budget, so the largest call stays possible under any limit.
std::int64_t request_cost_ms(const GcraParams& p, std::int64_t items, std::int64_t items_per_request);

}  // namespace mercato::ratelimit
