#include "cache/backoff.hpp"

#include <algorithm>

namespace mercato::cache {

Backoff::Backoff(Duration initial, Duration cap, std::uint64_t seed)
    : initial_(std::max(initial, Duration{1})), cap_(std::max(cap, initial_)), rng_(seed) {}

Backoff::Duration Backoff::next() {
  // Doubling stops at the cap, so nothing overflows however long the outage lasts.
  Duration ceiling = initial_;
  for (int i = 0; i < attempt_ && ceiling < cap_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap_);
  ++attempt_;
  std::uniform_int_distribution<Duration::rep> pick(ceiling.count() / 2, ceiling.count());
  return Duration{pick(rng_)};
}

}  // namespace mercato::cache
