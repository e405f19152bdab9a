#include "http/cookies.hpp"

#include <gtest/gtest.h>

namespace mercato::http {
namespace {

TEST(Cookies, finds_a_cookie_by_its_exact_name_in_any_cookie_field) {
  Request req;
  req.headers = {{"cookie", "a=1; refresh_token=xyz;mercato_read_after=0/16B3748"}, {"Cookie", "b=2"}};
  EXPECT_EQ(cookie_value(req, "refresh_token"), "xyz");
  EXPECT_EQ(cookie_value(req, "mercato_read_after"), "0/16B3748");
  EXPECT_EQ(cookie_value(req, "b"), "2");
  EXPECT_EQ(cookie_value(req, "A"), std::nullopt) << "names are case-sensitive";
  EXPECT_EQ(cookie_value(req, "refresh"), std::nullopt) << "no prefix match";
  EXPECT_EQ(cookie_value(req, "c"), std::nullopt);
}

TEST(Cookies, an_empty_or_odd_field_finds_nothing) {
  Request req;
  req.headers = {{"Cookie", ""}, {"Cookie", ";;; =x; novalue"}, {"X-Cookie", "c=3"}};
  EXPECT_EQ(cookie_value(req, "c"), std::nullopt);
  EXPECT_EQ(cookie_value(req, "novalue"), std::nullopt);
  EXPECT_EQ(cookie_value(req, ""), "x");
}

}  // namespace
}  // namespace mercato::http
