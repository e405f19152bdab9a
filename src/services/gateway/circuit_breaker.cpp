#include "services/gateway/circuit_breaker.hpp"

namespace mercato::gateway {

bool CircuitBreaker::try_acquire(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::closed: return true;
    case State::open:
      if (now - opened_at_ < options_.cool_down) return false;
      state_ = State::half_open;
      probe_out_ = true;
      return true;
    case State::half_open:
      if (probe_out_) return false;
      probe_out_ = true;
      return true;
  }
  return false;
}

CircuitBreaker::State CircuitBreaker::record_success() {
  // Also when open: a request admitted before the breaker opened has just shown the
  // instance answering again.
  readmit();
  return State::closed;
}

void CircuitBreaker::readmit() {
  std::lock_guard lock(mu_);
  state_ = State::closed;
  failures_ = 0;
  probe_out_ = false;
}

CircuitBreaker::State CircuitBreaker::record_failure(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::closed:
      if (++failures_ >= options_.failure_threshold) {
        state_ = State::open;
        opened_at_ = now;
      }
      break;
    case State::half_open:
      state_ = State::open;
      opened_at_ = now;
      probe_out_ = false;
      break;
    case State::open:
      break;  // a late failure of a request admitted before opening: the cool-down stands
  }
  return state_;
}

CircuitBreaker::State CircuitBreaker::state(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  if (state_ == State::open && now - opened_at_ >= options_.cool_down) return State::half_open;
  return state_;
}

std::chrono::milliseconds CircuitBreaker::retry_after(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  if (state_ != State::open) return std::chrono::milliseconds{0};
  const auto left = opened_at_ + options_.cool_down - now;
  return left.count() > 0 ? std::chrono::ceil<std::chrono::milliseconds>(left) : std::chrono::milliseconds{0};
}

}  // namespace mercato::gateway
