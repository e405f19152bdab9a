#include "cache/redis_command.hpp"

#include <cstdint>

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

TEST(Cmd, strings_pass_through_unchanged_and_integers_become_decimal) {
  const std::string key("k\0y", 3);
  const std::string_view view = "view";
  const auto args = cmd("SET", key, view, "PX", 60000, std::int64_t{-5}, std::size_t{7});
  EXPECT_EQ(args, (std::vector<std::string>{"SET", key, "view", "PX", "60000", "-5", "7"}));
  EXPECT_EQ(args[1].size(), 3u);
}

TEST(Cmd, no_arguments_is_an_empty_command) { EXPECT_TRUE(cmd().empty()); }

}  // namespace
}  // namespace mercato::cache
