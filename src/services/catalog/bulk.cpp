#include "services/catalog/bulk.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "http/body_fields.hpp"
#include "services/catalog/products_json.hpp"

namespace mercato::catalog {

namespace {

using http::BodyFields;

struct ActionName {
  BulkAction action;
  std::string_view name;
};
constexpr ActionName kActions[] = {
    {BulkAction::archive, "archive"},           {BulkAction::activate, "activate"},
    {BulkAction::remove, "delete"},             {BulkAction::restore, "restore"},
    {BulkAction::set_category, "set_category"}, {BulkAction::adjust_price, "adjust_price"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return (c >= 'A' && c <= 'F') ? c + 32 : c; });
  return out;
}

/// A percent with at most two decimals as basis points. The value arrives as a JSON number
/// (a double once parsed); it is a factor, not money, and two decimals are exact enough to
/// recover: 12.34 × 100 is within 1e-6 of 1234.
std::optional<std::int64_t> basis_points(simdjson::dom::element v) {
  double d = 0;
  if (v.type() == simdjson::dom::element_type::INT64) d = static_cast<double>(v.get_int64().value_unsafe());
  else if (v.type() == simdjson::dom::element_type::DOUBLE) d = v.get_double().value_unsafe();
  else return std::nullopt;
  const double scaled = d * 100.0;
  if (!std::isfinite(scaled) || std::fabs(scaled) > 1e12) return std::nullopt;
  const double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

void read_price(BodyFields& f, BulkRequest& r) {
  const bool has_amount = f.has("amount_cents"), has_percent = f.has("percent");
  if (has_amount == has_percent) {
    f.add("amount_cents", "adjust_price takes exactly one of amount_cents or percent");
    f.take("amount_cents");
    f.take("percent");
    return;
  }
  if (has_amount) {
    if (auto a = f.integer("amount_cents", -kMaxPriceCents, kMaxPriceCents)) r.price.amount_cents = *a;
    return;
  }
  auto v = f.take("percent");
  auto bp = basis_points(*v);
  if (!bp || *bp < kMinPercentBasisPoints || *bp > kMaxPercentBasisPoints) {
    f.add("percent", "must be a number from -100 to 1000 with at most two decimals");
    return;
  }
  r.price.percent = true;
  r.price.basis_points = *bp;
}

void read_items(BodyFields& f, BulkRequest& r, std::size_t max_items) {
  auto v = f.take("items");
  if (!v) return;
  simdjson::dom::array arr;
  if (v->get(arr) != simdjson::SUCCESS) {
    f.add("items", "must be an array of {\"id\", \"if_match\"} objects");
    return;
  }
  // Counted before any element is read: a huge array costs one count, not one error per element.
  const std::size_t n = arr.size();
  if (n == 0) {
    f.add("items", "must name at least one product");
    return;
  }
  if (n > max_items) {
    f.add("items", "must name at most " + std::to_string(max_items) +
                       " products per call; select more with a filter (it runs as a job)");
    return;
  }
  std::unordered_set<std::string> seen;
  seen.reserve(n);
  std::size_t index = 0;
  constexpr std::size_t kMaxItemErrors = 20;  // bounds the error list a hostile body can cause
  std::size_t item_errors = 0;
  for (simdjson::dom::element el : arr) {
    const std::string prefix = "items[" + std::to_string(index++) + "].";
    if (!el.is_object()) {
      if (item_errors++ < kMaxItemErrors)
        f.errors().push_back({prefix.substr(0, prefix.size() - 1), "must be an object {\"id\", \"if_match\"}"});
      continue;
    }
    BodyFields item(el, prefix);
    std::optional<std::string> id;
    if (auto idv = item.take("id")) {
      std::string_view s;
      if (idv->get(s) == simdjson::SUCCESS && ids::is_uuid(s)) id = lower(s);
      else item.add("id", "must be a UUID");
    } else {
      item.add("id", "is required");
    }
    std::optional<IfMatch> if_match;
    if (auto im = item.take("if_match")) {
      std::string_view s;
      if (im->get(s) != simdjson::SUCCESS) {
        item.add("if_match", "must be a string (an ETag, as the product's answer sent it)");
      } else if (auto parsed = parse_if_match(s); !parsed) {
        item.add("if_match", "must be an ETag such as \"<id>.<version>\", or *");
      } else {
        if_match = std::move(*parsed);
      }
    }
    auto errs = item.finish();
    if (errs.empty() && id && !seen.insert(*id).second) errs.push_back({prefix + "id", "is named twice"});
    if (!errs.empty()) {
      for (auto& e : errs)
        if (item_errors++ < kMaxItemErrors) f.errors().push_back(std::move(e));
      continue;
    }
    r.items.push_back({std::move(*id), std::move(if_match)});
  }
  if (item_errors > kMaxItemErrors)
    f.add("items", std::to_string(item_errors - kMaxItemErrors) + " more problems not listed");
}

void read_filter(BodyFields& f, BulkRequest& r) {
  auto v = f.take("filter");
  if (!v) return;
  BodyFields filter(*v, "filter.");
  BulkFilter out;
  out.status = filter.text("status", {1, 16});
  if (out.status && *out.status != "draft" && *out.status != "active" && *out.status != "archived") {
    filter.add("status", "must be one of draft, active, archived");
    out.status.reset();
  }
  out.category_id = filter.nullable_uuid("category_id");
  if (filter.has("q")) {
    filter.take("q");
    filter.add("q", "a search cannot select a bulk write yet; filter by status and category_id");
  }
  auto errs = filter.finish();
  for (auto& e : errs) f.errors().push_back(std::move(e));
  if (errs.empty()) r.filter = std::move(out);
}

}  // namespace

std::string_view action_name(BulkAction a) {
  for (const auto& x : kActions)
    if (x.action == a) return x.name;
  return "archive";
}

std::optional<BulkAction> parse_action(std::string_view name) {
  for (const auto& x : kActions)
    if (x.name == name) return x.action;
  return std::nullopt;
}

std::string_view audit_action(BulkAction a) {
  switch (a) {
    case BulkAction::remove: return "product.delete";
    case BulkAction::restore: return "product.restore";
    default: return "product.update";
  }
}

Result<std::int64_t> adjusted_price(std::int64_t price_cents, const PriceChange& change) {
  __int128 next = 0;
  if (change.percent) {
    // price × (10000 + bp) / 10000, to the nearest cent with halves up: both factors are
    // non-negative (bp ≥ -10000), so adding half the divisor before dividing rounds half up.
    const __int128 scaled = static_cast<__int128>(price_cents) * (10'000 + change.basis_points);
    next = (scaled + 5'000) / 10'000;
  } else {
    next = static_cast<__int128>(price_cents) + change.amount_cents;
  }
  if (next < 0) return validation_failed({{"price_cents", "the adjustment would make the price negative"}});
  if (next > kMaxPriceCents)
    return validation_failed(
        {{"price_cents", "the adjustment would make the price exceed " + std::to_string(kMaxPriceCents) + " cents"}});
  return static_cast<std::int64_t>(next);
}

Result<BulkRequest> parse_bulk_request(std::string_view body, std::size_t max_items) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  BodyFields f((*doc)->root());
  BulkRequest r;
  auto action = f.text("action", {1, 32}, /*required=*/true);
  std::optional<BulkAction> parsed;
  if (action) {
    parsed = parse_action(*action);
    if (!parsed) f.add("action", "must be one of archive, activate, delete, restore, set_category, adjust_price");
  }
  if (parsed) r.action = *parsed;
  if (parsed == BulkAction::set_category) {
    if (!f.has("category_id")) f.add("category_id", "is required for set_category (null detaches)");
    else if (auto c = f.nullable_uuid("category_id")) r.category_id = *c;
  }
  if (parsed == BulkAction::adjust_price) read_price(f, r);
  const bool has_items = f.has("items"), has_filter = f.has("filter");
  if (has_items == has_filter)
    f.add("items", "give either items (up to " + std::to_string(max_items) + " products by id) or a filter (a job)");
  read_items(f, r, max_items);
  read_filter(f, r);
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors), "invalid bulk request: nothing was changed");
  return r;
}

std::vector<std::span<const BulkItem>> chunks(const std::vector<BulkItem>& items, std::size_t size) {
  std::vector<std::span<const BulkItem>> out;
  if (size == 0) size = 1;
  for (std::size_t i = 0; i < items.size(); i += size)
    out.emplace_back(items.data() + i, std::min(size, items.size() - i));
  return out;
}

std::string job_params_json(const BulkRequest& r, const Actor& actor) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("action").string(action_name(r.action));
  if (r.action == BulkAction::set_category) {
    w.key("category_id");
    if (r.category_id.empty()) w.null();
    else w.string(r.category_id);
  }
  if (r.action == BulkAction::adjust_price) {
    if (r.price.percent) w.key("basis_points").integer(r.price.basis_points);
    else w.key("amount_cents").integer(r.price.amount_cents);
  }
  w.key("filter").begin_object();
  if (r.filter && r.filter->status) w.key("status").string(*r.filter->status);
  if (r.filter && r.filter->category_id) {
    w.key("category_id");
    if (r.filter->category_id->empty()) w.null();
    else w.string(*r.filter->category_id);
  }
  w.end_object();
  w.key("actor").begin_object()
      .key("subject").string(actor.subject)
      .key("role").string(actor.role)
      .key("request_id").string(actor.request_id)
      .key("client_address").string(actor.client_address)
      .end_object();
  w.end_object();
  return out;
}

Result<BulkRequest> parse_job_params(std::string_view text, Actor& actor) {
  // Written by job_params_json above; anything else is a bug or a hand-edited row.
  auto doc = json::Document::parse(text);
  if (!doc) return internal_error("job params are not JSON");
  const auto root = (*doc)->root();
  BulkRequest r;
  std::string_view s;
  if (root["action"].get(s) != simdjson::SUCCESS || !parse_action(s)) return internal_error("job params: action");
  r.action = *parse_action(s);
  if (r.action == BulkAction::set_category && root["category_id"].get(s) == simdjson::SUCCESS) r.category_id = s;
  std::int64_t n = 0;
  if (root["basis_points"].get(n) == simdjson::SUCCESS) {
    r.price.percent = true;
    r.price.basis_points = n;
  } else if (root["amount_cents"].get(n) == simdjson::SUCCESS) {
    r.price.amount_cents = n;
  }
  BulkFilter filter;
  const auto f = root["filter"];
  if (f["status"].get(s) == simdjson::SUCCESS) filter.status = std::string(s);
  simdjson::dom::element c;
  if (f["category_id"].get(c) == simdjson::SUCCESS) {
    if (c.is_null()) filter.category_id = std::string();
    else if (c.get(s) == simdjson::SUCCESS) filter.category_id = std::string(s);
  }
  r.filter = std::move(filter);
  const auto a = root["actor"];
  if (a["subject"].get(s) == simdjson::SUCCESS) actor.subject = s;
  if (a["role"].get(s) == simdjson::SUCCESS) actor.role = s;
  if (a["request_id"].get(s) == simdjson::SUCCESS) actor.request_id = s;
  if (a["client_address"].get(s) == simdjson::SUCCESS) actor.client_address = s;
  return r;
}

}  // namespace mercato::catalog
