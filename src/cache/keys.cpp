#include "cache/keys.hpp"

namespace mercato::cache::keys {
namespace {

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out(kPrefix);
  bool first = true;
  for (auto p : parts) {
    if (!first) out += ':';
    out += p;
    first = false;
  }
  return out;
}

}  // namespace

std::string product(std::string_view store, std::string_view id) { return join({"pd", store, id}); }
std::string product_list(std::string_view store, std::string_view variant, std::string_view query) {
  return join({"pl", store, variant, query});
}
std::string category(std::string_view store, std::string_view id) { return join({"cd", store, id}); }
std::string category_list(std::string_view store, std::string_view page) { return join({"cl", store, page}); }

std::string gen_products(std::string_view store) { return join({"g", store, "p"}); }
std::string gen_category_products(std::string_view store, std::string_view category) {
  return join({"g", store, "c", category});
}
std::string gen_categories(std::string_view store) { return join({"g", store, "cats"}); }
std::string gen_category_names(std::string_view store) { return join({"g", store, "cm"}); }

std::string lease(std::string_view value_key) { return join({"lease", value_key}); }

std::string invalidation_channel() { return join({"invalidate"}); }
std::string ack_channel(std::string_view process_id) { return join({"invalidate-ack", process_id}); }

Invalidation product_written(std::string_view store, std::string_view id, const std::vector<std::string>& categories) {
  Invalidation inv;
  inv.bump.push_back(gen_products(store));
  inv.bump.push_back(gen_categories(store));
  for (const auto& c : categories) inv.bump.push_back(gen_category_products(store, c));
  inv.drop.push_back(product(store, id));
  return inv;
}

Invalidation category_written(std::string_view store, std::string_view id) {
  Invalidation inv;
  inv.bump = {gen_products(store), gen_categories(store), gen_category_names(store),
              gen_category_products(store, id)};
  inv.drop.push_back(category(store, id));
  return inv;
}

}  // namespace mercato::cache::keys
