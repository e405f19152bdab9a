#include "services/catalog/cache_keys.hpp"

namespace mercato::catalog::keys {

using cache::keys::key;

std::string product(std::string_view store, std::string_view id) { return key({"pd", store, id}); }
std::string product_list(std::string_view store, std::string_view variant, std::string_view query) {
  return key({"pl", store, variant, query});
}
std::string category(std::string_view store, std::string_view id) { return key({"cd", store, id}); }
std::string category_list(std::string_view store, std::string_view page) { return key({"cl", store, page}); }

std::string gen_products(std::string_view store) { return key({"g", store, "p"}); }
std::string gen_category_products(std::string_view store, std::string_view category) {
  return key({"g", store, "c", category});
}
std::string gen_categories(std::string_view store) { return key({"g", store, "cats"}); }
std::string gen_category_names(std::string_view store) { return key({"g", store, "cm"}); }

cache::keys::Invalidation product_written(std::string_view store, std::string_view id,
                                          const std::vector<std::string>& categories) {
  cache::keys::Invalidation inv;
  inv.bump.push_back(gen_products(store));
  inv.bump.push_back(gen_categories(store));
  for (const auto& c : categories) inv.bump.push_back(gen_category_products(store, c));
  inv.drop.push_back(product(store, id));
  return inv;
}

cache::keys::Invalidation products_written(std::string_view store, const std::vector<std::string>& ids,
                                           const std::vector<std::string>& categories) {
  cache::keys::Invalidation inv;
  inv.bump.push_back(gen_products(store));
  inv.bump.push_back(gen_categories(store));
  for (const auto& c : categories) inv.bump.push_back(gen_category_products(store, c));
  for (const auto& id : ids) inv.drop.push_back(product(store, id));
  return inv;
}

cache::keys::Invalidation category_written(std::string_view store, std::string_view id) {
  cache::keys::Invalidation inv;
  inv.bump = {gen_products(store), gen_categories(store), gen_category_names(store),
              gen_category_products(store, id)};
  inv.drop.push_back(category(store, id));
  return inv;
}

}  // namespace mercato::catalog::keys
