#pragma once
// Delays between reconnect attempts: exponential, capped, with jitter so that many processes
// that lost the same Redis at the same moment do not reconnect in lockstep.

#include <chrono>
#include <cstdint>
#include <random>

namespace mercato::cache {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  /// Attempt n (from 0) waits a random time in [d/2, d], where d = min(cap, initial * 2^n).
  Backoff(Duration initial, Duration cap, std::uint64_t seed = std::random_device{}());

  /// The delay before the next attempt; each call moves one attempt further.
  Duration next();
  /// Back to the first attempt (after a connection succeeded).
  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  Duration initial_;
  Duration cap_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace mercato::cache
