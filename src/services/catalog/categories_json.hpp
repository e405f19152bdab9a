#pragma once
// Categories on the wire: request bodies in, representations out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/json.hpp"

namespace mercato::catalog {

struct CategoryRow {
  std::string id, store_id, name, slug, description;
  std::int64_t product_count = 0;  // live products, from the maintained counters
  std::string created_at, updated_at;
  std::int64_t version = 1;
};

struct CategoryInput {
  std::optional<std::string> name, slug, description;
};

/// POST: name required; slug derived from the name when absent.
Result<CategoryInput> parse_category_create(std::string_view body);
/// PATCH: any of name, slug, description; at least one.
Result<CategoryInput> parse_category_patch(std::string_view body);

void write_category(json::Writer& w, const CategoryRow& c);
std::string category_json(const CategoryRow& c);

}  // namespace mercato::catalog
