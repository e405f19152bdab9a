#pragma once
// Products on the wire: request bodies in (parsed and validated, every problem reported at
// once) and representations out (v1: price_cents + currency; v2: price {amount, currency}).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace mercato::catalog {

/// One product row as the repository reads it (text forms from PostgreSQL).
struct ProductRow {
  std::string id, store_id;
  std::string category_id;    // "" when none
  std::string category_name;  // "" when none
  std::string name, slug, sku, description;
  std::int64_t price_cents = 0;
  std::string currency, status;
  std::int64_t stock = 0;
  std::string attributes_json;  // a JSON object, from jsonb
  std::string images_json;      // a JSON array [{id,url,alt_text,position}], built by the query
  std::string created_at, updated_at;  // RFC 3339 UTC, microseconds
  std::string deleted_at;              // "" when live
  std::int64_t version = 1;
};

struct ImageInput {
  std::string url;
  std::string alt_text;
};

/// A create or patch body. For a patch every member is optional; category_id "" means null.
struct ProductInput {
  std::optional<std::string> name, slug, sku, description, currency, status, category_id, attributes_json;
  std::optional<std::int64_t> price_cents, stock;
  std::optional<std::vector<ImageInput>> images;
};

// Limits, shared with the CHECK constraints in migrations/catalog.
inline constexpr std::int64_t kMaxPriceCents = 100'000'000'000;  // 1e9 major units
inline constexpr std::int64_t kMaxStock = 2'147'483'647;
inline constexpr std::size_t kMaxImages = 20;
inline constexpr std::size_t kMaxAttributes = 50;
inline constexpr std::size_t kMaxAttributesBytes = 8192;

/// POST body: name, sku, price_cents and currency are required. 400 for invalid JSON, 422
/// listing every bad or unknown field.
Result<ProductInput> parse_product_create(std::string_view body);
/// PATCH body: any subset of the create fields; at least one.
Result<ProductInput> parse_product_patch(std::string_view body);

/// Applies `patch` over `current` (what PATCH stores). A changed name does not change the slug.
ProductInput merge_patch(const ProductRow& current, const ProductInput& patch);

enum class ApiVersion { v1, v2 };
void write_product(json::Writer& w, const ProductRow& p, ApiVersion v);
std::string product_json(const ProductRow& p, ApiVersion v = ApiVersion::v1);

}  // namespace mercato::catalog
