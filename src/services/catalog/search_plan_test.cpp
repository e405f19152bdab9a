#include "services/catalog/search_plan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "cache/sharded_lru.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {
namespace {

constexpr std::int64_t kLive = 800'000;  // the active products of the 1M benchmark store

TEST(SearchPlan, a_common_word_walks_and_a_rare_or_unknown_one_collects) {
  EXPECT_TRUE(should_walk(true, 28'000, false, 21, kLive));    // "oak", 3 % of the list
  EXPECT_FALSE(should_walk(true, 500, false, 21, kLive));      // a word in 0.06 %
  EXPECT_FALSE(should_walk(false, 28'000, false, 21, kLive));  // a word outside the common elements
  EXPECT_FALSE(should_walk(true, 28'000, false, 21, 0));       // an empty list
}

TEST(SearchPlan, deep_pages_need_a_commoner_term_to_walk) {
  // Walking costs wanted × N / E rows: page 1,000 of "oak" collects its 28,000 matches instead.
  EXPECT_TRUE(should_walk(true, 28'000, false, 1'000, kLive));
  EXPECT_FALSE(should_walk(true, 28'000, false, 20'000, kLive));
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
  ASSERT_TRUE(should_walk(true, estimate, false, 20, 100'000));
  ASSERT_FALSE(should_walk(true, estimate, false, 60, 100'000));
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

TEST(SearchPlan, a_counted_term_walks_only_when_the_walk_fits_its_budget) {
  constexpr std::int64_t n = 759'442;  // the benchmark's active products
  // "tent mk": 4,713 matches. A first page expects 3,222 rows, past the 2,000 a walk may test.
  EXPECT_TRUE(should_walk(true, 4'713, false, 20, n)) << "a guess stays optimistic: phrases are guessed low";
  EXPECT_FALSE(should_walk(true, 4'713, true, 20, n)) << "counted: the walk would give up and collect anyway";
  // "oak" counted at 28,000: 543 rows expected, well within 2,000.
  EXPECT_TRUE(should_walk(true, 28'000, true, 20, n));
  // Up to two thirds of the ceiling (1,333 rows for a first page) it walks; past that it collects.
  EXPECT_TRUE(should_walk(true, 11'392, true, 20, n));
  EXPECT_FALSE(should_walk(true, 11'000, true, 20, n));
  // A deeper page's ceiling is 50 rows per row wanted: page 3 of "oak" (60 wanted) expects
  // 1,627 rows of its 3,000.
  EXPECT_TRUE(should_walk(true, 28'000, true, 60, n));
}

TEST(SearchPlan, each_sort_order_has_its_own_walk_failure_bit) {
  std::uint8_t failed = 0;
  failed |= sort_bit(4);  // name_asc gave up
  EXPECT_TRUE(failed & sort_bit(4));
  for (unsigned s = 0; s < 4; ++s) EXPECT_FALSE(failed & sort_bit(s)) << s;
}

TEST(SearchPlan, the_probe_cache_keeps_what_a_shop_sized_vocabulary_learned) {
  // The 1M benchmark's searches: 2,708 common terms and 33,977 rare ones (names, SKUs), each
  // one probe per list. A common term's learned count (learn_count) must still be there when
  // it comes back after thousands of rare terms; at 1 MiB this kept ~5,000 and lost the rest.
  struct Kept {
    std::string tsquery;
    bool common = false;
    double estimate = 0;
    std::int64_t live = 0;
  };
  cache::ShardedLru<Kept> probes(kProbeCacheBytes);
  const auto now = cache::ShardedLru<Kept>::Clock::now();
  const auto key = [](int i) {
    ProductFilter f;
    f.store = "00000000-0000-7000-8000-000000000001";
    f.status = "active";
    f.q = "Alpine Aluminium Chair Mk " + std::to_string(i);
    return f.canonical();
  };
  constexpr int kTerms = 40'000;
  for (int i = 0; i < kTerms; ++i) {
    Kept k{"'alpine' & 'aluminium' & 'chair' & 'mk' & '" + std::to_string(i) + "'", true, 633, 759'442};
    const std::string ki = key(i);
    probes.put(ki, k, probe_charge(ki, k.tsquery, sizeof(Kept)), now + kProbeTtl);
  }
  int kept = 0;
  for (int i = 0; i < kTerms; ++i) {
    Kept k;
    if (probes.get(key(i), k) == cache::LruOutcome::hit && k.estimate == 633) ++kept;
  }
  EXPECT_EQ(kept, kTerms);
}

}  // namespace
}  // namespace mercato::catalog
