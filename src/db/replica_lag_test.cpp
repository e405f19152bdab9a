#include "db/replica_lag.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

using namespace std::chrono_literals;
using Clock = PrimaryPositions::Clock;

TEST(ReplicaLag, nothing_is_known_before_the_first_position) {
  PrimaryPositions p(2s);
  EXPECT_EQ(p.lag_of(0, Clock::now()), std::nullopt);
}

TEST(ReplicaLag, an_idle_primary_never_makes_a_replica_that_has_its_position_stale) {
  PrimaryPositions p(2s);
  const auto t0 = Clock::now();
  p.add(t0, 100);
  for (int i = 1; i <= 50; ++i) p.add(t0 + i * 100ms, 100);  // the same position, minute after minute
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.lag_of(100, t0 + 1h), 0ms) << "replayed everything the primary has: not stale, however long ago";
  EXPECT_EQ(p.lag_of(150, t0 + 1h), 0ms);
}

TEST(ReplicaLag, is_the_age_of_the_oldest_position_the_replica_has_not_replayed) {
  PrimaryPositions p(2s);
  const auto t0 = Clock::now();
  p.add(t0, 100);
  p.add(t0 + 100ms, 200);
  p.add(t0 + 200ms, 300);
  p.add(t0 + 300ms, 400);
  EXPECT_EQ(p.lag_of(400, t0 + 1s), 0ms);
  EXPECT_EQ(p.lag_of(300, t0 + 1s), 700ms) << "missing what the primary held from t0+300ms";
  EXPECT_EQ(p.lag_of(250, t0 + 1s), 800ms) << "between two positions: the first one past it";
  EXPECT_EQ(p.lag_of(100, t0 + 1s), 900ms);
  EXPECT_EQ(p.lag_of(0, t0 + 1s), 1000ms) << "behind every position kept";
}

TEST(ReplicaLag, old_positions_are_forgotten_and_the_oldest_kept_still_shows_a_far_behind_replica) {
  PrimaryPositions p(1s);
  const auto t0 = Clock::now();
  for (int i = 0; i < 40; ++i) p.add(t0 + i * 100ms, static_cast<Lsn>(100 + i));
  EXPECT_LE(p.size(), 12u) << "about a second of positions";
  EXPECT_GE(*p.lag_of(0, t0 + 4s), 1s) << "still past any bound under the kept window";
  EXPECT_EQ(p.lag_of(139, t0 + 4s), 0ms);
}

}  // namespace
}  // namespace mercato::db
