#include "services/catalog/http_caching.hpp"

#include "services/catalog/cache_keys.hpp"

namespace mercato::catalog {

void mark_cacheable(http::Response& res, const HttpCaching& policy, bool shared, const std::vector<std::string>& tags) {
  // Authorization: a shared cache must key a tokened request apart (a member's answer to the
  // same URL differs); X-Store-ID picks the store whose catalog it is.
  res.set_header("Vary", "X-Store-ID, Authorization");
  if (!shared || policy.s_maxage.count() <= 0 || tags.empty()) {
    res.set_header("Cache-Control", "private, no-cache");
    return;
  }
  res.set_header("Cache-Control", "public, max-age=0, s-maxage=" + std::to_string(policy.s_maxage.count()));
  std::string joined;
  for (const auto& t : tags) {
    if (!joined.empty()) joined += ',';
    joined += t;
  }
  res.set_header("Cache-Tag", std::move(joined));
}

http::Hooks no_store_by_default() {
  http::Hooks hooks;
  hooks.after = [](http::Request&, http::Response& res) {
    if (!res.header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  };
  return hooks;
}

std::vector<std::string> product_tags(std::string_view store, std::string_view id) {
  // Its own writes drop the product's key; a category's rename bumps "cm" (the name shown inside).
  return {keys::product(store, id), keys::gen_category_names(store)};
}
std::vector<std::string> product_list_tags(std::string_view store) {
  // Every product and category write bumps "p".
  return {keys::gen_products(store)};
}
std::vector<std::string> category_tags(std::string_view store, std::string_view id) {
  // Its own writes drop its key; product writes bump "cats" (its product_count).
  return {keys::category(store, id), keys::gen_categories(store)};
}
std::vector<std::string> category_list_tags(std::string_view store) { return {keys::gen_categories(store)}; }

}  // namespace mercato::catalog
