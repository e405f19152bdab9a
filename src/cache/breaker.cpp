#include "cache/breaker.hpp"

namespace mercato::cache {

bool Breaker::allow(Clock::time_point now) {
  const auto until = open_until_.load(std::memory_order_relaxed);
  if (until == 0) return true;
  if (ticks(now) < until) return false;
  probing_.store(true, std::memory_order_relaxed);
  return true;
}

bool Breaker::is_open(Clock::time_point now) const {
  const auto until = open_until_.load(std::memory_order_relaxed);
  return until != 0 && ticks(now) < until;
}

void Breaker::success() {
  failures_.store(0, std::memory_order_relaxed);
  probing_.store(false, std::memory_order_relaxed);
  open_until_.store(0, std::memory_order_relaxed);
}

void Breaker::failure(Clock::time_point now) {
  const int n = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n >= threshold_ || probing_.load(std::memory_order_relaxed)) {
    open_until_.store(ticks(now + open_for_), std::memory_order_relaxed);
    failures_.store(0, std::memory_order_relaxed);
    probing_.store(false, std::memory_order_relaxed);
  }
}

}  // namespace mercato::cache
