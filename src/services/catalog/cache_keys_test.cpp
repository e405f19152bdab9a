#include "services/catalog/cache_keys.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace mercato::catalog::keys {
namespace {

constexpr std::string_view kStore = "s1";

TEST(CacheKeys, a_product_write_drops_its_detail_and_bumps_every_list_that_can_hold_it) {
  auto inv = product_written(kStore, "p1", {"c-old", "c-new"});
  EXPECT_EQ(inv.drop, std::vector<std::string>{product(kStore, "p1")});
  EXPECT_EQ(inv.bump, (std::vector<std::string>{gen_products(kStore), gen_categories(kStore),
                                                gen_category_products(kStore, "c-old"),
                                                gen_category_products(kStore, "c-new")}));
}

TEST(CacheKeys, a_category_write_bumps_the_names_products_show_and_all_lists) {
  auto inv = category_written(kStore, "c1");
  EXPECT_EQ(inv.drop, std::vector<std::string>{category(kStore, "c1")});
  for (const auto& g : {gen_products(kStore), gen_categories(kStore), gen_category_names(kStore),
                        gen_category_products(kStore, "c1")})
    EXPECT_NE(std::find(inv.bump.begin(), inv.bump.end(), g), inv.bump.end()) << g;
}

TEST(CacheKeys, kinds_and_stores_never_collide) {
  EXPECT_NE(product("a", "b"), category("a", "b"));
  EXPECT_NE(product("a", "b"), product("b", "a"));
  EXPECT_NE(gen_products("a"), gen_categories("a"));
  EXPECT_EQ(cache::keys::lease(product("a", "b")).rfind(std::string(cache::keys::kPrefix), 0), 0u);
  EXPECT_EQ(product("a", "b").rfind(std::string(cache::keys::kPrefix), 0), 0u);
}

TEST(CacheKeys, spellings_are_the_ones_redis_acls_and_operators_know) {
  // The Redis ACL of the catalog's user allows mc1:* (scripts/redis.sh); tests and runbooks
  // name these keys.
  EXPECT_EQ(product("s", "i"), "mc1:pd:s:i");
  EXPECT_EQ(gen_category_products("s", "c"), "mc1:g:s:c:c");
  EXPECT_EQ(category_list("s", "p1n20"), "mc1:cl:s:p1n20");
}

}  // namespace
}  // namespace mercato::catalog::keys
