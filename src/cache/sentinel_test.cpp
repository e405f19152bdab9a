#include "cache/sentinel.hpp"

#include <gtest/gtest.h>

namespace mercato::cache::sentinel {
namespace {

using R = RedisReply;

TEST(SentinelReply, the_master_address_is_host_and_port) {
  auto a = parse_master_address(R::array({R::string("10.0.0.7"), R::string("6380")}), "mercato");
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->host, "10.0.0.7");
  EXPECT_EQ(a->port, 6380);
}

TEST(SentinelReply, an_unknown_master_name_is_an_error_naming_it) {
  auto a = parse_master_address(R(), "shop");  // nil: the sentinel monitors no such master
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().reason.find("no master named shop"), std::string::npos) << a.error().reason;
  EXPECT_FALSE(parse_master_address(R::array({}), "shop"));
}

TEST(SentinelReply, an_error_reply_or_a_malformed_one_is_refused) {
  EXPECT_FALSE(parse_master_address(R::error("NOAUTH Authentication required."), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string("h")}), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string(""), R::string("6379")}), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string("h"), R::string("0")}), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string("h"), R::string("65536")}), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string("h"), R::string("63 79")}), "m"));
  EXPECT_FALSE(parse_master_address(R::array({R::string("h"), R::integer(6379)}), "m"));
  EXPECT_FALSE(parse_master_address(R::string("h:6379"), "m"));
}

TEST(SentinelRole, only_a_master_is_accepted) {
  EXPECT_TRUE(check_master_role(R::array({R::string("master"), R::integer(3129), R::array({})})));
  auto replica = check_master_role(
      R::array({R::string("slave"), R::string("127.0.0.1"), R::integer(6379), R::string("connected"), R::integer(1)}));
  ASSERT_FALSE(replica);
  EXPECT_NE(replica.error().reason.find("slave"), std::string::npos);
  EXPECT_FALSE(check_master_role(R::array({R::string("sentinel"), R::array({})})));
  EXPECT_FALSE(check_master_role(R::error("NOPERM this user has no permissions to run the 'role' command")));
  EXPECT_FALSE(check_master_role(R()));
}

TEST(SentinelMasterName, a_name_sentinel_accepts) {
  EXPECT_TRUE(valid_master_name("mercato"));
  EXPECT_TRUE(valid_master_name("mercato-cache_2"));
  EXPECT_FALSE(valid_master_name(""));
  EXPECT_FALSE(valid_master_name("two words"));
  EXPECT_FALSE(valid_master_name("tab\there"));
}

TEST(SentinelRotation, every_sentinel_is_asked_once_per_round_starting_with_the_last_that_answered) {
  Rotation r(3);
  EXPECT_EQ(r.order(), (std::vector<std::size_t>{0, 1, 2}));
  r.answered(2);
  EXPECT_EQ(r.order(), (std::vector<std::size_t>{2, 0, 1}));
  r.answered(1);
  EXPECT_EQ(r.order(), (std::vector<std::size_t>{1, 2, 0}));
  r.answered(7);  // out of range: ignored
  EXPECT_EQ(r.order(), (std::vector<std::size_t>{1, 2, 0}));
  EXPECT_TRUE(Rotation(0).order().empty());
}

TEST(SentinelResolve, without_sentinels_the_settings_are_unchanged) {
  config::RedisSettings s;
  s.host = "redis.internal";
  s.port = 6390;
  auto r = resolve_blocking(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, s);
}

TEST(SentinelResolve, no_sentinel_answering_is_an_error_listing_each) {
  config::RedisSettings s;
  s.sentinels = {{"127.0.0.1", 1}, {"127.0.0.1", 2}};  // nothing listens on ports 1 and 2
  s.sentinel_master = "mercato";
  s.connect_timeout = config::Duration(200);
  auto r = resolve_blocking(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::service_unavailable);
  EXPECT_NE(r.error().reason.find("127.0.0.1:1"), std::string::npos) << r.error().reason;
  EXPECT_NE(r.error().reason.find("127.0.0.1:2"), std::string::npos) << r.error().reason;
}

}  // namespace
}  // namespace mercato::cache::sentinel
