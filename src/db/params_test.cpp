#include "db/params.hpp"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

TEST(Params, integers_are_decimal_text) {
  EXPECT_EQ(params(42, -7, std::int64_t{9007199254740993}, 0u),
            (Params{"42", "-7", "9007199254740993", "0"}));
  EXPECT_EQ(params(std::numeric_limits<std::int64_t>::min()), (Params{"-9223372036854775808"}));
  EXPECT_EQ(params(std::numeric_limits<std::uint64_t>::max()), (Params{"18446744073709551615"}));
  EXPECT_EQ(params(short{3}, 5L, 6LL), (Params{"3", "5", "6"}));
}

TEST(Params, bools_are_words_not_numbers) { EXPECT_EQ(params(true, false), (Params{"true", "false"})); }

TEST(Params, strings_pass_through_unchanged_including_quotes) {
  std::string s = "O'Brien; DROP TABLE x";
  std::string_view v = "view";
  EXPECT_EQ(params(s, v, "literal", std::string("temp")), (Params{s, "view", "literal", "temp"}));
}

TEST(Params, nullopt_and_empty_optionals_are_sql_null) {
  std::optional<int> none;
  std::optional<std::string> name = "x";
  auto p = params(std::nullopt, none, name, static_cast<const char*>(nullptr));
  ASSERT_EQ(p.size(), 4u);
  EXPECT_FALSE(p[0]);
  EXPECT_FALSE(p[1]);
  EXPECT_EQ(p[2], "x");
  EXPECT_FALSE(p[3]);
}

TEST(Params, empty_string_is_not_null) {
  auto p = params(std::string());
  ASSERT_TRUE(p[0]);
  EXPECT_EQ(*p[0], "");
}

TEST(Params, doubles_round_trip_and_use_postgres_spelling_for_specials) {
  EXPECT_EQ(params(0.1, 1e300, 2.5f), (Params{"0.1", "1e+300", "2.5"}));
  EXPECT_EQ(params(std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN()),
            (Params{"Infinity", "-Infinity", "NaN"}));
}

TEST(Params, no_arguments_is_empty) { EXPECT_TRUE(params().empty()); }

}  // namespace
}  // namespace mercato::db
