#include "db/replica_lag.hpp"

#include <algorithm>

namespace mercato::db {

void PrimaryPositions::add(Clock::time_point at, Lsn lsn) {
  if (samples_.empty() || samples_.back().lsn != lsn) samples_.push_back({at, lsn});
  while (samples_.size() > 1 && samples_.front().at < at - keep_) samples_.pop_front();
}

std::optional<std::chrono::milliseconds> PrimaryPositions::lag_of(Lsn replayed, Clock::time_point now) const {
  if (samples_.empty()) return std::nullopt;
  if (replayed >= samples_.back().lsn) return std::chrono::milliseconds(0);
  auto past = std::find_if(samples_.begin(), samples_.end(), [&](const Sample& s) { return s.lsn > replayed; });
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - past->at);
}

}  // namespace mercato::db
