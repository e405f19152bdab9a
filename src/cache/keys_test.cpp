#include "cache/keys.hpp"

#include <gtest/gtest.h>

namespace mercato::cache::keys {
namespace {

TEST(Keys, a_key_is_its_parts_under_the_prefix) {
  EXPECT_EQ(key({"pd", "s1", "p1"}), std::string(kPrefix) + "pd:s1:p1");
  EXPECT_EQ(key({"one"}), std::string(kPrefix) + "one");
}

TEST(Keys, leases_and_channels_live_under_the_prefix_and_apart_from_their_value) {
  const std::string value = key({"pd", "a", "b"});
  EXPECT_EQ(lease(value).rfind(std::string(kPrefix), 0), 0u);
  EXPECT_NE(lease(value), value);
  EXPECT_NE(invalidation_channel(), ack_channel("p1"));
  EXPECT_NE(ack_channel("p1"), ack_channel("p2"));
}

}  // namespace
}  // namespace mercato::cache::keys
