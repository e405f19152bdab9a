#include "services/catalog/etag.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

constexpr std::string_view kId = "01a212d5-06d5-7604-b29e-d1807add0128";

TEST(Etag, is_a_strong_tag_of_id_and_version) { EXPECT_EQ(make_etag(kId, 7), "\"" + std::string(kId) + ".7\""); }

TEST(IfMatch, absent_header_means_no_precondition) {
  auto r = parse_if_match(std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(IfMatch, current_tag_matches_and_stale_one_does_not) {
  auto r = parse_if_match(make_etag(kId, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->matches(kId, 3));
  EXPECT_FALSE((*r)->matches(kId, 4));
  EXPECT_FALSE((*r)->matches("01a212d5-06d5-7604-b29e-d1807add0129", 3));
}

TEST(IfMatch, star_matches_any_existing_version) {
  auto r = parse_if_match(" * ");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->matches(kId, 42));
}

TEST(IfMatch, list_matches_any_member_and_weak_tags_never_match) {
  const std::string header = "W/\"" + std::string(kId) + ".5\", \"other\" ," + make_etag(kId, 6) + ",";
  auto r = parse_if_match(header);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->matches(kId, 6));
  EXPECT_FALSE((*r)->matches(kId, 5));  // strong comparison: a weak tag never satisfies If-Match
}

TEST(IfMatch, malformed_values_are_bad_request) {
  for (std::string_view bad : {"", "   ", "abc", "\"unterminated", "\"a\" \"b\"", "\"has space\"", "W/abc", ",,x"}) {
    auto r = parse_if_match(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::bad_request) << bad;
  }
}

}  // namespace
}  // namespace mercato::catalog

namespace mercato::catalog {
namespace {

TEST(Etag, if_match_accepts_the_representation_tag_a_get_returns_by_its_version) {
  const std::string id = "0190a0b0-0000-7000-8000-000000000001";
  auto r = parse_if_match("\"" + id + ".7.0123456789abcdef\"");
  ASSERT_TRUE(r);
  EXPECT_TRUE((*r)->matches(id, 7));
  EXPECT_FALSE((*r)->matches(id, 70));
  EXPECT_FALSE((*r)->matches(id, 8));
}

TEST(Etag, if_none_match_uses_weak_comparison_lists_and_star) {
  EXPECT_TRUE(if_none_match_matches("\"l1\"", "\"l1\""));
  EXPECT_TRUE(if_none_match_matches("W/\"l1\"", "\"l1\""));
  EXPECT_TRUE(if_none_match_matches(" \"x\" , \"l1\"", "\"l1\""));
  EXPECT_TRUE(if_none_match_matches("*", "\"l1\""));
  EXPECT_FALSE(if_none_match_matches("\"l2\"", "\"l1\""));
  EXPECT_FALSE(if_none_match_matches("", "\"l1\""));
}

}  // namespace
}  // namespace mercato::catalog
