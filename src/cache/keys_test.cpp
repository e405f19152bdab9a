#include "cache/keys.hpp"

#include <gtest/gtest.h>

namespace mercato::cache::keys {
namespace {

constexpr std::string_view kStore = "s1";

TEST(Keys, a_product_write_drops_its_detail_and_bumps_every_list_that_can_hold_it) {
  auto inv = product_written(kStore, "p1", {"c-old", "c-new"});
  EXPECT_EQ(inv.drop, std::vector<std::string>{product(kStore, "p1")});
  EXPECT_EQ(inv.bump, (std::vector<std::string>{gen_products(kStore), gen_categories(kStore),
                                                gen_category_products(kStore, "c-old"),
                                                gen_category_products(kStore, "c-new")}));
}

TEST(Keys, a_category_write_bumps_the_names_products_show_and_all_lists) {
  auto inv = category_written(kStore, "c1");
  EXPECT_EQ(inv.drop, std::vector<std::string>{category(kStore, "c1")});
  for (const auto& g : {gen_products(kStore), gen_categories(kStore), gen_category_names(kStore),
                        gen_category_products(kStore, "c1")})
    EXPECT_NE(std::find(inv.bump.begin(), inv.bump.end(), g), inv.bump.end()) << g;
}

TEST(Keys, kinds_and_stores_never_collide) {
  EXPECT_NE(product("a", "b"), category("a", "b"));
  EXPECT_NE(product("a", "b"), product("b", "a"));
  EXPECT_NE(gen_products("a"), gen_categories("a"));
  EXPECT_EQ(lease(product("a", "b")).rfind(std::string(kPrefix), 0), 0u);
  EXPECT_EQ(product("a", "b").rfind(std::string(kPrefix), 0), 0u);
}

}  // namespace
}  // namespace mercato::cache::keys
