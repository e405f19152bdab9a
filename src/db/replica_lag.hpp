#pragma once
// A replica's lag as db::ReplicaSet measures it: against the primary's WAL positions, not
// clocks. The monitor records the primary's position at each check; a replica's lag is how
// long ago the primary first held WAL the replica has not replayed — 0 when it has replayed
// the newest position seen, so an idle primary never makes an idle replica look stale.
// Not thread-safe: the caller locks.

#include <chrono>
#include <deque>
#include <optional>

#include "db/lsn.hpp"

namespace mercato::db {

class PrimaryPositions {
 public:
  using Clock = std::chrono::steady_clock;

  /// Positions older than `keep` are forgotten (the newest is always kept): a replica that far
  /// behind is past any bound worth measuring, which the oldest one kept already shows.
  explicit PrimaryPositions(std::chrono::milliseconds keep) : keep_(keep) {}

  /// The primary was at `lsn` at `at` (one entry per change of position).
  void add(Clock::time_point at, Lsn lsn);
  /// The lag of a replica that has replayed `replayed`, at `now`; nullopt before any position.
  std::optional<std::chrono::milliseconds> lag_of(Lsn replayed, Clock::time_point now) const;
  std::size_t size() const { return samples_.size(); }

 private:
  struct Sample {
    Clock::time_point at;
    Lsn lsn;
  };
  std::chrono::milliseconds keep_;
  std::deque<Sample> samples_;
};

}  // namespace mercato::db
