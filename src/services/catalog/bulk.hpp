#pragma once
// Bulk product writes (POST /api/v1/products/bulk): what a call asks for and the rules that
// need no database. The use-case is bulk_service.hpp, the SQL bulk_repository.hpp.
//
// A call names one action and either up to max_items products by id (each with an optional
// If-Match ETag), answered item by item in the request, or a `filter` (the products list's
// status and category_id), run as a background job (jobs.hpp). Body problems of any kind (wrong
// types, unknown members, duplicate ids, too many items, both or neither of items and filter)
// are one 422 validation_failed listing them all, like every other catalog write, and change
// nothing; a body that is not JSON is 400.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/etag.hpp"

namespace mercato::catalog {

enum class BulkAction { archive, activate, remove, restore, set_category, adjust_price };

/// The wire name: archive, activate, delete, restore, set_category, adjust_price.
std::string_view action_name(BulkAction a);
std::optional<BulkAction> parse_action(std::string_view name);
/// The audit_log action of one item's write: product.update (status, category, price),
/// product.delete, product.restore, the same names single writes record.
std::string_view audit_action(BulkAction a);

/// adjust_price's argument: exactly one of an amount in cents (may be negative) or a percent
/// with at most two decimals, held as basis points (hundredths of a percent) so that the
/// arithmetic is exact.
struct PriceChange {
  bool percent = false;
  std::int64_t amount_cents = 0;
  std::int64_t basis_points = 0;
};

inline constexpr std::int64_t kMaxPercentBasisPoints = 100'000;  // +1000 %
inline constexpr std::int64_t kMinPercentBasisPoints = -10'000;  // -100 %

/// The new price of one product, or 422 validation_failed on field "price_cents" when it would
/// leave 0 … kMaxPriceCents (never clamped: a discount larger than the price is a mistake the
/// caller must see). A percent is rounded to the nearest cent, halves up
/// (price × (10000 + bp) / 10000, exact in 128-bit integers).
Result<std::int64_t> adjusted_price(std::int64_t price_cents, const PriceChange& change);

struct BulkItem {
  std::string id;  // a UUID, lower-cased
  std::optional<IfMatch> if_match;
};

/// The products a job selects: the products list's filters (status, category_id). A restore
/// selects deleted products, every other action live ones.
struct BulkFilter {
  std::optional<std::string> status;
  std::optional<std::string> category_id;  // "" (JSON null): products without a category
};

struct BulkRequest {
  BulkAction action = BulkAction::archive;
  std::string category_id;  // set_category: the category, "" to detach
  PriceChange price;        // adjust_price
  std::vector<BulkItem> items;
  std::optional<BulkFilter> filter;  // set: a job, and `items` is empty
};

/// Parses and checks a bulk body. `max_items`: BULK_MAX_ITEMS.
Result<BulkRequest> parse_bulk_request(std::string_view body, std::size_t max_items);

/// `items` cut into consecutive runs of at most `size` (the last may be shorter); none when empty.
std::vector<std::span<const BulkItem>> chunks(const std::vector<BulkItem>& items, std::size_t size);

/// One item's answer: `status` an HTTP status (200, or the status of `error`).
struct ItemResult {
  std::string id;
  int status = 200;
  std::optional<Error> error;
  std::int64_t version = 0;  // on success: the product's new version (its ETag "<id>.<version>")
};

/// A job's parameters as stored in jobs.params, and back: the action, its argument, the
/// filter, and who asked (the items' audit rows name them).
std::string job_params_json(const BulkRequest& r, const Actor& actor);
Result<BulkRequest> parse_job_params(std::string_view json, Actor& actor);

}  // namespace mercato::catalog
