#include "services/catalog/http_caching.hpp"

#include <gtest/gtest.h>

#include "services/catalog/cache_keys.hpp"

namespace mercato::catalog {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kStore = "00000000-0000-7000-8000-000000000001";
constexpr std::string_view kId = "0190f000-0000-7000-8000-0000000000aa";
constexpr std::string_view kCategory = "0190f000-0000-7000-8000-0000000000cc";

TEST(HttpCaching, public_answers_are_shared_with_their_tags) {
  http::Response r;
  mark_cacheable(r, HttpCaching{60s}, /*shared=*/true, product_tags(kStore, kId));
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=0, s-maxage=60");
  EXPECT_EQ(r.header("Vary"), "X-Store-ID, Authorization");
  EXPECT_EQ(r.header("Cache-Tag"), keys::product(kStore, kId) + "," + keys::gen_category_names(kStore));
}

TEST(HttpCaching, members_answers_and_a_catalog_without_invalidations_are_private) {
  for (auto [policy, shared] : {std::pair{HttpCaching{60s}, false}, std::pair{HttpCaching{0s}, true}}) {
    http::Response r;
    mark_cacheable(r, policy, shared, product_tags(kStore, kId));
    EXPECT_EQ(r.header("Cache-Control"), "private, no-cache");
    EXPECT_FALSE(r.header("Cache-Tag"));
  }
}

TEST(HttpCaching, an_answer_without_cache_control_gets_no_store_and_one_with_it_keeps_its_own) {
  const auto hooks = no_store_by_default();
  http::Request req;
  http::Response error;
  error.status = 404;
  hooks.after(req, error);
  EXPECT_EQ(error.header("Cache-Control"), "no-store");
  http::Response cacheable;
  mark_cacheable(cacheable, HttpCaching{60s}, /*shared=*/true, product_tags(kStore, kId));
  hooks.after(req, cacheable);
  EXPECT_EQ(cacheable.header("Cache-Control"), "public, max-age=0, s-maxage=60");
}

// Each answer's tags must meet what every write that changes it publishes: a tag no write
// names would never be purged.
bool purged_by(const std::vector<std::string>& tags, const cache::keys::Invalidation& inv) {
  for (const auto& t : tags) {
    for (const auto& k : inv.bump)
      if (k == t) return true;
    for (const auto& k : inv.drop)
      if (k == t) return true;
  }
  return false;
}

TEST(HttpCaching, every_write_that_changes_an_answer_publishes_one_of_its_tags) {
  const auto product_write = keys::product_written(kStore, kId, {std::string(kCategory)});
  const auto category_write = keys::category_written(kStore, kCategory);
  EXPECT_TRUE(purged_by(product_tags(kStore, kId), product_write));
  EXPECT_TRUE(purged_by(product_tags(kStore, kId), category_write));  // its category's name
  EXPECT_TRUE(purged_by(product_list_tags(kStore), product_write));
  EXPECT_TRUE(purged_by(product_list_tags(kStore), category_write));
  EXPECT_TRUE(purged_by(category_tags(kStore, kCategory), product_write));  // product_count
  EXPECT_TRUE(purged_by(category_tags(kStore, kCategory), category_write));
  EXPECT_TRUE(purged_by(category_list_tags(kStore), product_write));
  EXPECT_TRUE(purged_by(category_list_tags(kStore), category_write));
  // and another product's write leaves this product's detail alone
  EXPECT_FALSE(purged_by(product_tags(kStore, kId), keys::product_written(kStore, "other", {})));
}

}  // namespace
}  // namespace mercato::catalog
