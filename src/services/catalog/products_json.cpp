#include "services/catalog/products_json.hpp"

#include "core/ids.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

constexpr TextRule kName{1, 200};
constexpr TextRule kDescription{0, 10000, true};
constexpr TextRule kSlug{1, 120};
constexpr TextRule kSku{1, 64};
constexpr TextRule kCurrency{3, 3};
constexpr TextRule kStatus{1, 16};
constexpr TextRule kUrl{1, 2048};
constexpr TextRule kAltText{0, 300};

bool has_control(std::string_view s, bool allow_whitespace) {
  for (unsigned char c : s) {
    const bool space = allow_whitespace && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7f) && !space) return true;
  }
  return false;
}

/// The first problem inside one attribute value, reported at its path (`attributes.tags[1]`):
/// strings are text (line breaks and tabs allowed, no other control character: PostgreSQL's
/// jsonb cannot store \u0000 at all and answered 500); keys of objects inside arrays follow
/// the attribute-key rule. Depth is bounded by the JSON parser's own limit.
std::optional<FieldError> attribute_problem(simdjson::dom::element v, const std::string& path) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view s;
      if (v.get(s) == simdjson::SUCCESS && has_control(s, true))
        return FieldError{path, "must not contain control characters"};
      return std::nullopt;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr;
      if (v.get(arr) != simdjson::SUCCESS) return std::nullopt;
      std::size_t i = 0;
      for (auto item : arr)
        if (auto p = attribute_problem(item, path + "[" + std::to_string(i++) + "]")) return p;
      return std::nullopt;
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object obj;
      if (v.get(obj) != simdjson::SUCCESS) return std::nullopt;
      for (auto member : obj) {
        if (member.key.empty() || utf8_length(member.key) > 64 || has_control(member.key, false))
          return FieldError{path, "keys must be 1 to 64 characters without control characters"};
        if (auto p = attribute_problem(member.value, path + "." + std::string(member.key))) return p;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

void attributes(BodyFields& f, ProductInput& in) {
  auto v = f.take("attributes");
  if (!v) return;
  simdjson::dom::object obj;
  if (v->get(obj) != simdjson::SUCCESS) {
    f.add("attributes", "must be a JSON object");
    return;
  }
  std::size_t count = 0;
  for (auto member : obj) {
    ++count;
    if (member.key.empty() || utf8_length(member.key) > 64 || has_control(member.key, false)) {
      f.add("attributes", "keys must be 1 to 64 characters without control characters");
      return;
    }
    const std::string path = f.path("attributes." + std::string(member.key));
    const auto t = member.value.type();
    if (t == simdjson::dom::element_type::OBJECT) {
      f.errors().push_back({path, "must be a string, number, boolean, null or array"});
      return;
    }
    if (auto problem = attribute_problem(member.value, path)) {
      f.errors().push_back(std::move(*problem));
      return;
    }
  }
  if (count > kMaxAttributes) {
    f.add("attributes", "must have at most " + std::to_string(kMaxAttributes) + " keys");
    return;
  }
  std::string text = simdjson::to_string(*v);
  if (text.size() > kMaxAttributesBytes) {
    f.add("attributes", "must be at most " + std::to_string(kMaxAttributesBytes) + " bytes of JSON");
    return;
  }
  in.attributes_json = std::move(text);
}

void images(BodyFields& f, ProductInput& in) {
  auto v = f.take("images");
  if (!v) return;
  simdjson::dom::array arr;
  if (v->get(arr) != simdjson::SUCCESS) {
    f.add("images", "must be an array of {url, alt_text}");
    return;
  }
  if (arr.size() > kMaxImages) {
    f.add("images", "must have at most " + std::to_string(kMaxImages) + " images");
    return;
  }
  std::vector<ImageInput> out;
  std::size_t i = 0;
  bool ok = true;
  for (auto item : arr) {
    BodyFields img(item, f.path("images[" + std::to_string(i++) + "]."));
    auto url = img.text("url", kUrl, true);
    if (url && !(url->starts_with("https://") || url->starts_with("http://"))) {
      img.add("url", "must be an http:// or https:// URL");
      url.reset();
    }
    auto alt = img.text("alt_text", kAltText);
    auto errs = img.finish();
    if (!errs.empty()) {
      ok = false;
      for (auto& e : errs) f.errors().push_back(std::move(e));
      continue;
    }
    out.push_back({std::move(*url), alt.value_or("")});
  }
  if (ok) in.images = std::move(out);
}

Result<ProductInput> parse(std::string_view body, bool create) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  BodyFields f((*doc)->root());
  ProductInput in;
  in.name = f.text("name", kName, create);
  in.sku = f.text("sku", kSku, create);
  if (in.sku && !valid_sku(*in.sku)) {
    f.add("sku", "must be letters, digits, '.', '_' or '-', starting with a letter or digit");
    in.sku.reset();
  }
  in.slug = f.text("slug", kSlug);
  if (in.slug && !valid_slug(*in.slug)) {
    f.add("slug", "must be lowercase letters and digits in words joined by single hyphens");
    in.slug.reset();
  }
  in.description = f.text("description", kDescription);
  in.price_cents = f.integer("price_cents", 0, kMaxPriceCents, create);
  in.currency = f.text("currency", kCurrency, create);
  if (in.currency && !valid_currency(*in.currency)) {
    f.add("currency", "must be an ISO 4217 code such as EUR");
    in.currency.reset();
  }
  in.status = f.text("status", kStatus);
  if (in.status && *in.status != "draft" && *in.status != "active" && *in.status != "archived") {
    f.add("status", "must be one of draft, active, archived");
    in.status.reset();
  }
  in.stock = f.integer("stock", 0, kMaxStock);
  in.category_id = f.nullable_uuid("category_id");
  attributes(f, in);
  images(f, in);
  const bool empty_patch_possible = f.errors().empty() && !create;
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors));
  if (empty_patch_possible && !in.name && !in.sku && !in.slug && !in.description && !in.price_cents && !in.currency &&
      !in.status && !in.stock && !in.category_id && !in.attributes_json && !in.images)
    return validation_failed({{"body", "must change at least one field"}});
  if (create) {
    if (!in.slug) in.slug = slugify(*in.name + " " + *in.sku);
    if (in.slug->empty()) in.slug = slugify(*in.sku);
  }
  return in;
}

}  // namespace

Result<ProductInput> parse_product_create(std::string_view body) { return parse(body, true); }
Result<ProductInput> parse_product_patch(std::string_view body) { return parse(body, false); }

ProductInput merge_patch(const ProductRow& cur, const ProductInput& patch) {
  ProductInput m;
  m.name = patch.name.value_or(cur.name);
  m.slug = patch.slug.value_or(cur.slug);
  m.sku = patch.sku.value_or(cur.sku);
  m.description = patch.description.value_or(cur.description);
  m.price_cents = patch.price_cents.value_or(cur.price_cents);
  m.currency = patch.currency.value_or(cur.currency);
  m.status = patch.status.value_or(cur.status);
  m.stock = patch.stock.value_or(cur.stock);
  m.category_id = patch.category_id.value_or(cur.category_id);
  m.attributes_json = patch.attributes_json.value_or(cur.attributes_json);
  m.images = patch.images;  // nullopt: keep the stored images
  return m;
}

void write_product(json::Writer& w, const ProductRow& p, ApiVersion v) {
  w.begin_object();
  w.key("id").string(p.id);
  w.key("store_id").string(p.store_id);
  w.key("category_id");
  if (p.category_id.empty()) w.null();
  else w.string(p.category_id);
  w.key("category");
  if (p.category_id.empty()) w.null();
  else w.begin_object().key("id").string(p.category_id).key("name").string(p.category_name).end_object();
  w.key("name").string(p.name);
  w.key("slug").string(p.slug);
  w.key("sku").string(p.sku);
  w.key("description").string(p.description);
  if (v == ApiVersion::v1) {
    w.key("price_cents").integer(p.price_cents);
    w.key("currency").string(p.currency);
  } else {
    w.key("price").begin_object().key("amount").integer(p.price_cents).key("currency").string(p.currency).end_object();
  }
  w.key("status").string(p.status);
  w.key("stock").integer(p.stock);
  w.key("attributes").raw(p.attributes_json.empty() ? std::string_view("{}") : std::string_view(p.attributes_json));
  w.key("images").raw(p.images_json.empty() ? std::string_view("[]") : std::string_view(p.images_json));
  w.key("version").integer(p.version);
  w.key("created_at").string(p.created_at);
  w.key("updated_at").string(p.updated_at);
  w.key("deleted_at");
  if (p.deleted_at.empty()) w.null();
  else w.string(p.deleted_at);
  w.end_object();
}

std::string product_json(const ProductRow& p, ApiVersion v) {
  std::string out;
  json::Writer w(out);
  write_product(w, p, v);
  return out;
}

}  // namespace mercato::catalog
