#include "service/retry.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace mercato::service {

RetrySchedule::Duration RetrySchedule::next() {
  const Duration now = next_;
  next_ = std::min(next_ * 2, cap_);
  return std::min(now, cap_);
}

bool retry_until(std::stop_token stop, RetrySchedule schedule, const std::function<bool()>& attempt) {
  std::mutex mu;
  std::condition_variable_any woken;  // never notified: only the stop request wakes it early
  while (!stop.stop_requested()) {
    if (attempt()) return true;
    std::unique_lock lock(mu);
    if (woken.wait_for(lock, stop, schedule.next(), [] { return false; }) || stop.stop_requested()) break;
  }
  return false;
}

}  // namespace mercato::service
