#include "db/lifetime.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mercato::db {
namespace {

using namespace std::chrono_literals;

TEST(ConnectionLifetime, runs_from_the_whole_lifetime_down_to_its_floor) {
  EXPECT_EQ(connection_lifetime(15min, 0.0), 15min);
  EXPECT_EQ(connection_lifetime(15min, 0.5), 11min + 15s);
  EXPECT_EQ(connection_lifetime(15min, 0.999999), 7min + 30s);
  EXPECT_EQ(connection_lifetime(15min, 1.0), 7min + 30s);
}

TEST(ConnectionLifetime, zero_means_never_replaced_and_stays_zero) {
  EXPECT_EQ(connection_lifetime(0ms, 0.7), 0ms);
}

TEST(ConnectionLifetime, draws_are_in_the_unit_interval_and_differ) {
  std::set<double> seen;
  for (int i = 0; i < 1000; ++i) {
    const double u = lifetime_draw();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    seen.insert(u);
  }
  EXPECT_GT(seen.size(), 990u);
}

}  // namespace
}  // namespace mercato::db
