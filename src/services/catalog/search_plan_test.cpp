#include "services/catalog/search_plan.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

constexpr std::int64_t kLive = 800'000;  // the active products of the 1M benchmark store

TEST(SearchPlan, a_common_word_walks_and_a_rare_or_unknown_one_collects) {
  EXPECT_TRUE(should_walk(true, 28'000, 21, kLive));    // "oak", 3 % of the list
  EXPECT_FALSE(should_walk(true, 500, 21, kLive));      // a word in 0.06 %
  EXPECT_FALSE(should_walk(false, 28'000, 21, kLive));  // a word outside the common elements
  EXPECT_FALSE(should_walk(true, 28'000, 21, 0));       // an empty list
}

TEST(SearchPlan, deep_pages_need_a_commoner_term_to_walk) {
  // Walking costs wanted × N / E rows: page 1,000 of "oak" collects its 28,000 matches instead.
  EXPECT_TRUE(should_walk(true, 28'000, 1'000, kLive));
  EXPECT_FALSE(should_walk(true, 28'000, 20'000, kLive));
}

TEST(SearchPlan, the_budget_is_four_times_the_expected_walk) {
  // 21 rows wanted at a density of 28,000 / 800,000: 600 rows expected, 2,400 allowed — but
  // the first-page ceiling is 2,000.
  EXPECT_EQ(walk_budget(21, 28'000, kLive), 2'000);
  EXPECT_EQ(walk_budget(21, 200'000, kLive), 336);  // 4 × 84 expected
  EXPECT_EQ(walk_budget(21, 800'000, kLive), 84);   // at least four pages' worth: 4 × 21
}

TEST(SearchPlan, the_budget_has_a_ceiling_however_wrong_the_estimate) {
  // PostgreSQL's floor for an AND of common words (3,842 for 21 matches) once walked 31,627.
  EXPECT_EQ(walk_budget(21, 3'842, kLive), 2'000);
  EXPECT_EQ(walk_budget(41, 3'842, kLive), 2'050);        // 50 per row wanted deeper
  EXPECT_EQ(walk_budget(1'000, 3'842, kLive), 50'000);
  EXPECT_EQ(walk_budget(21, 10, 1'500), 1'500);  // never more than the list
}

TEST(SearchPlan, a_sku_range_is_its_prefix_in_lower_case) {
  EXPECT_EQ(sku_range("AB12-0044C0"), std::make_pair(std::string("ab12-0044c0"), std::string("ab12-0044c1")));
  EXPECT_EQ(sku_range("ab9"), std::make_pair(std::string("ab9"), std::string("ab:")));
  EXPECT_EQ(sku_range("x.z_"), std::make_pair(std::string("x.z_"), std::string("x.z`")));
}

TEST(SearchPlan, a_term_that_cannot_begin_a_sku_has_an_empty_range) {
  for (std::string_view q : {"coffee table", "-ab", "Кресло", "a%b", ""})
    EXPECT_EQ(sku_range(q), std::make_pair(std::string(), std::string())) << q;
}

// Whether a common term's page was walked or collected depends on the page (the rows wanted):
// its total must not. The full suite once saw "about 1,000" on page 1 and "1,132 exactly" on
// page 3 of one term.
TEST(SearchPlan, a_common_terms_total_is_the_same_rule_walked_or_collected) {
  const double estimate = 980;  // just under the cap: page 1 walks, a deeper page collects
  ASSERT_TRUE(should_walk(true, estimate, 20, 100'000));
  ASSERT_FALSE(should_walk(true, estimate, 60, 100'000));
  const Total walked = words_total(1'132, estimate, 20);  // the walk counts when E ≤ the cap
  const Total collected = collected_total(true, 1'132, estimate, 60);
  EXPECT_EQ(walked.exact, collected.exact);
  EXPECT_FALSE(collected.exact);
  EXPECT_EQ(collected.items, walked.items);
  EXPECT_EQ(collected.items, kExactCountCap);
  // Within the cap both are exact.
  EXPECT_EQ(collected_total(true, 640, estimate, 60).items, 640);
  EXPECT_TRUE(collected_total(true, 640, estimate, 60).exact);
}

TEST(SearchPlan, a_rare_term_is_counted_exactly_past_the_cap) {
  const Total t = collected_total(false, 1'500, 3, 20);
  EXPECT_EQ(t.items, 1'500);
  EXPECT_TRUE(t.exact);
}

TEST(SearchPlan, an_estimated_total_is_at_least_the_rows_already_paged_through) {
  EXPECT_EQ(words_total(std::nullopt, 900, 1'020).items, 1'020);
  EXPECT_EQ(words_total(std::nullopt, 5'400.4, 20).items, 5'400);
  EXPECT_FALSE(words_total(1'001, 900, 20).exact);
}

}  // namespace
}  // namespace mercato::catalog
