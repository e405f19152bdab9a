#include "cache/redis_telemetry.hpp"

#include <gtest/gtest.h>

namespace mercato::cache::telemetry {
namespace {

TEST(RedisTelemetry, names_a_listed_command_in_upper_case_and_anything_else_other) {
  EXPECT_EQ(command_name("get"), "GET");
  EXPECT_EQ(command_name("EvalSha"), "EVALSHA");
  EXPECT_EQ(command_name("FLUSHALL"), "OTHER");
  EXPECT_EQ(command_name("alice@example.com"), "OTHER");
  EXPECT_EQ(command_name(""), "OTHER");
  EXPECT_EQ(command_name("GETX"), "OTHER");
  EXPECT_EQ(command_name("GE"), "OTHER");
}

TEST(RedisTelemetry, an_error_kind_that_does_not_look_like_one_is_err) {
  EXPECT_EQ(error_kind(RedisReply::error("WRONGTYPE Operation against a key")), "WRONGTYPE");
  EXPECT_EQ(error_kind(RedisReply::error("NOSCRIPT No matching script")), "NOSCRIPT");
  EXPECT_EQ(error_kind(RedisReply::error("user:alice@example.com is locked")), "ERR");
  EXPECT_EQ(error_kind(RedisReply::error("")), "ERR");
}

}  // namespace
}  // namespace mercato::cache::telemetry
