#include "cache/redis_reply.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

namespace mercato::cache {
namespace {

// Builds real hiredis reply objects by feeding RESP bytes to hiredis's own reader, so the
// conversion is tested against exactly what the async API hands over.
RedisReply parse(const std::string& resp) {
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(), &redisReaderFree);
  EXPECT_EQ(redisReaderFeed(reader.get(), resp.data(), resp.size()), REDIS_OK);
  void* raw = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &raw), REDIS_OK);
  EXPECT_NE(raw, nullptr) << "incomplete RESP in test";
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(static_cast<redisReply*>(raw), &freeReplyObject);
  return RedisReply::from_hiredis(*reply);
}

TEST(RedisReply, nil_bulk_string_is_nil) {
  const RedisReply r = parse("$-1\r\n");
  EXPECT_TRUE(r.is_nil());
  EXPECT_EQ(r.as_string(), "");
  EXPECT_EQ(r, RedisReply{});
}

TEST(RedisReply, status_reply_keeps_its_text) {
  const RedisReply r = parse("+OK\r\n");
  EXPECT_TRUE(r.is_status());
  EXPECT_TRUE(r.is_ok());
  EXPECT_EQ(r.as_string(), "OK");
  EXPECT_FALSE(parse("+QUEUED\r\n").is_ok());
}

TEST(RedisReply, error_reply_is_a_value_with_its_kind) {
  const RedisReply r = parse("-NOSCRIPT No matching script. Please use EVAL.\r\n");
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.error_kind(), "NOSCRIPT");
  EXPECT_EQ(r.as_string(), "NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_EQ(parse("-ERR\r\n").error_kind(), "ERR");
  EXPECT_EQ(parse("+OK\r\n").error_kind(), "");
}

TEST(RedisReply, integer_reply_including_negative_and_64_bit) {
  EXPECT_EQ(parse(":42\r\n").as_integer(), 42);
  EXPECT_EQ(parse(":-7\r\n").as_integer(), -7);
  EXPECT_EQ(parse(":9223372036854775807\r\n").as_integer(), INT64_MAX);
  EXPECT_TRUE(parse(":0\r\n").is_integer());
}

TEST(RedisReply, bulk_string_is_binary_safe) {
  const RedisReply r = parse(std::string("$5\r\na\0b\r\n\r\n", 12));
  ASSERT_TRUE(r.is_string());
  EXPECT_EQ(r.as_string(), std::string("a\0b\r\n", 5));
  EXPECT_EQ(parse("$0\r\n\r\n").as_string(), "");
  EXPECT_TRUE(parse("$0\r\n\r\n").is_string());
}

TEST(RedisReply, nested_arrays_with_mixed_types_and_nil_elements) {
  const RedisReply r = parse("*4\r\n$3\r\nfoo\r\n:1\r\n$-1\r\n*2\r\n+OK\r\n-ERR bad\r\n");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.elements().size(), 4u);
  EXPECT_EQ(r.elements()[0], RedisReply::string("foo"));
  EXPECT_EQ(r.elements()[1], RedisReply::integer(1));
  EXPECT_TRUE(r.elements()[2].is_nil());
  EXPECT_EQ(r.elements()[3], RedisReply::array({RedisReply::status("OK"), RedisReply::error("ERR bad")}));
}

TEST(RedisReply, empty_and_nil_arrays) {
  const RedisReply empty = parse("*0\r\n");
  EXPECT_TRUE(empty.is_array());
  EXPECT_TRUE(empty.elements().empty());
  EXPECT_TRUE(parse("*-1\r\n").is_nil());
}

TEST(RedisReply, accessors_of_other_types_are_neutral) {
  const RedisReply i = RedisReply::integer(5);
  EXPECT_EQ(i.as_string(), "");
  EXPECT_TRUE(i.elements().empty());
  EXPECT_EQ(RedisReply::string("12").as_integer(), 0);
}

TEST(RedisReply, debug_string_escapes_and_truncates) {
  EXPECT_EQ(parse("*3\r\n$2\r\na\"\r\n:3\r\n$-1\r\n").debug_string(), "[\"a\\\"\", 3, nil]");
  EXPECT_EQ(RedisReply::string(std::string("\0\n", 2)).debug_string(), "\"\\x00\\x0a\"");
  const std::string big(1000, 'x');
  EXPECT_NE(RedisReply::string(big).debug_string().find("(1000 bytes)"), std::string::npos);
  EXPECT_EQ(RedisReply::error("ERR x").debug_string(), "-ERR x");
}

}  // namespace
}  // namespace mercato::cache
