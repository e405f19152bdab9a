// The catalog's request bodies: product and category, create and patch, on the same bytes.
// What they accept must satisfy the rules the database relies on, and must render back into
// JSON that parses (the representation a client then reads).
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "core/json.hpp"
#include "services/catalog/categories_json.hpp"
#include "services/catalog/products_json.hpp"
#include "services/catalog/validate.hpp"

using namespace mercato;
using namespace mercato::catalog;

namespace {

void refused_with_reason(const Error& e) {
  FUZZ_CHECK(e.code == ErrorCode::bad_request || e.code == ErrorCode::validation_failed);
  if (e.code == ErrorCode::validation_failed) FUZZ_CHECK(!e.details.empty());
}

void check_product(const ProductInput& in, bool create) {
  if (in.slug) FUZZ_CHECK(valid_slug(*in.slug));
  if (in.sku) FUZZ_CHECK(valid_sku(*in.sku));
  if (in.currency) FUZZ_CHECK(valid_currency(*in.currency));
  if (in.price_cents) FUZZ_CHECK(*in.price_cents >= 0 && *in.price_cents <= kMaxPriceCents);
  if (in.stock) FUZZ_CHECK(*in.stock >= 0 && *in.stock <= kMaxStock);
  if (in.images) FUZZ_CHECK(in.images->size() <= kMaxImages);
  if (in.attributes_json) FUZZ_CHECK(in.attributes_json->size() <= kMaxAttributesBytes);
  if (!create) return;
  FUZZ_CHECK(in.name && in.sku && in.slug && in.price_cents && in.currency);
  // What the repository would store, rendered as a client reads it.
  ProductRow row;
  row.name = *in.name;
  row.slug = *in.slug;
  row.sku = *in.sku;
  row.description = in.description.value_or("");
  row.price_cents = *in.price_cents;
  row.currency = *in.currency;
  row.status = in.status.value_or("draft");
  row.attributes_json = in.attributes_json.value_or("{}");
  auto merged = merge_patch(row, in);
  FUZZ_CHECK(merged.name == in.name);
  for (auto v : {ApiVersion::v1, ApiVersion::v2}) {
    const auto text = product_json(row, v);
    auto back = json::Document::parse(text);
    FUZZ_CHECK(back.ok());
    std::string_view name;
    FUZZ_CHECK((*back)->root()["name"].get(name) == simdjson::SUCCESS && name == row.name);
  }
}

void check_category(const CategoryInput& in, bool create) {
  if (in.slug) FUZZ_CHECK(valid_slug(*in.slug));
  if (!create) return;
  FUZZ_CHECK(in.name && in.slug);
  CategoryRow row;
  row.name = *in.name;
  row.slug = *in.slug;
  row.description = in.description.value_or("");
  FUZZ_CHECK(json::Document::parse(category_json(row)).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (bool create : {true, false}) {
    auto p = create ? parse_product_create(body) : parse_product_patch(body);
    if (p) check_product(*p, create);
    else refused_with_reason(p.error());
    auto c = create ? parse_category_create(body) : parse_category_patch(body);
    if (c) check_category(*c, create);
    else refused_with_reason(c.error());
  }
  return 0;
}
