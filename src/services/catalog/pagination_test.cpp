#include "services/catalog/pagination.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

TEST(Pagination, offset_of_a_page) {
  EXPECT_EQ((PageRequest{1, 20}.offset()), 0);
  EXPECT_EQ((PageRequest{3, 20}.offset()), 40);
  EXPECT_EQ((PageRequest{kMaxPage, kMaxPerPage}.offset()), (kMaxPage - 1) * kMaxPerPage);
}

TEST(Pagination, total_pages_rounds_up_and_is_zero_when_empty) {
  EXPECT_EQ(total_pages(0, 20), 0);
  EXPECT_EQ(total_pages(1, 20), 1);
  EXPECT_EQ(total_pages(20, 20), 1);
  EXPECT_EQ(total_pages(21, 20), 2);
  EXPECT_EQ(total_pages(1'000'000, 100), 10'000);
}

TEST(Pagination, a_bounded_count_is_exact_up_to_the_cap_then_a_lower_bound) {
  EXPECT_EQ(bounded_total(0).items, 0);
  EXPECT_TRUE(bounded_total(kExactCountCap).exact);
  const Total over = bounded_total(kExactCountCap + 1);
  EXPECT_FALSE(over.exact);
  EXPECT_EQ(over.items, kExactCountCap);
}

TEST(Pagination, v1_meta_has_the_brief_fields_and_says_whether_the_total_is_exact) {
  EXPECT_EQ(v1_meta({2, 20}, {1234, true}),
            R"({"page":2,"per_page":20,"total_items":1234,"total_pages":62,"total_exact":true,"total_is_estimate":false})");
  EXPECT_EQ(v1_meta({1, 100}, {10000, false}),
            R"({"page":1,"per_page":100,"total_items":10000,"total_pages":100,"total_exact":false,"total_is_estimate":true})");
}

TEST(Pagination, v2_meta_has_more_exactly_when_there_is_a_cursor) {
  EXPECT_EQ(v2_meta(20, std::nullopt), R"({"limit":20,"next_cursor":null,"has_more":false})");
  EXPECT_EQ(v2_meta(5, std::string("abc")), R"({"limit":5,"next_cursor":"abc","has_more":true})");
}

}  // namespace
}  // namespace mercato::catalog
