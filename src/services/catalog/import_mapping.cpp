#include "services/catalog/import_mapping.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/json.hpp"
#include "services/catalog/products_json.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool istarts(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequal(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The export's columns (mercato): id and updated_at are read-only there and ignored here.
constexpr std::string_view kMercatoColumns[] = {"id",    "sku",    "name",        "slug",       "description",
                                                "price_cents", "currency", "status", "stock", "category_id",
                                                "attributes",  "images",   "updated_at"};

/// What feeds a product: the JSON body's members and, for each, the column it came from.
struct Body {
  std::string json;
  json::Writer w{json};
  std::vector<std::pair<std::string, std::string>> source;  // JSON field → CSV column
  std::vector<FieldError> errors;
  bool images_given = false;

  Body() { w.begin_object(); }
  void text(std::string_view field, std::string_view value, std::string_view column) {
    w.key(field).string(value);
    source.emplace_back(field, column);
  }
  void integer(std::string_view field, std::int64_t value, std::string_view column) {
    w.key(field).integer(value);
    source.emplace_back(field, column);
  }
  void raw(std::string_view field, std::string_view value, std::string_view column) {
    w.key(field).raw(value);
    source.emplace_back(field, column);
  }
  void images(const std::vector<std::pair<std::string, std::string>>& list, std::string_view column) {
    w.key("images").begin_array();
    for (const auto& [url, alt] : list) w.begin_object().key("url").string(url).key("alt_text").string(alt).end_object();
    w.end_array();
    source.emplace_back("images", column);
    images_given = true;
  }
  void error(std::string_view column, std::string message) { errors.push_back({std::string(column), std::move(message)}); }
  /// The column a JSON error field ("images[0].url", "attributes.color") came from.
  std::string column_of(std::string_view field) const {
    const std::size_t cut = field.find_first_of(".[");
    const std::string_view root = field.substr(0, cut);
    for (auto it = source.rbegin(); it != source.rend(); ++it)  // the latest: the column that was read
      if (it->first == root) return it->second;
    return std::string(root);  // a required field the file did not give: its JSON name
  }
};

std::string_view cell(const ImportColumns& c, const CsvRecord& r, std::string_view name) {
  const int i = c.col(name);
  if (i < 0 || static_cast<std::size_t>(i) >= r.fields.size()) return {};
  return r.fields[static_cast<std::size_t>(i)];
}

const std::string& header_name(const ImportColumns& c, std::string_view name) {
  static const std::string none;
  const int i = c.col(name);
  return i < 0 ? none : c.header[static_cast<std::size_t>(i)];
}

void integer_cell(Body& b, const ImportColumns& c, const CsvRecord& r, std::string_view col, std::string_view field,
                  std::int64_t max) {
  const std::string_view v = trim(cell(c, r, col));
  if (v.empty()) return;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < 0 || n > max) {
    b.error(header_name(c, col), "must be a whole number from 0 to " + std::to_string(max));
    return;
  }
  b.integer(field, n, header_name(c, col));
}

void decimal_cell(Body& b, const ImportColumns& c, const CsvRecord& r, std::string_view col) {
  const std::string_view v = trim(cell(c, r, col));
  if (v.empty()) return;
  auto minor = decimal_to_minor(v);
  if (!minor || *minor > kMaxPriceCents) {
    b.error(header_name(c, col), "must be a price such as 12.50 (at most two decimals, at most 1000000000)");
    return;
  }
  b.integer("price_cents", *minor, header_name(c, col));
}

void add_image(std::vector<std::pair<std::string, std::string>>& list, std::string_view url, std::string_view alt) {
  url = trim(url);
  if (url.empty()) return;
  for (const auto& [u, a] : list)
    if (u == url) return;
  list.emplace_back(std::string(url), std::string(alt));
}

void attributes_of(Body& b, std::vector<std::pair<std::string, std::string>> attrs, std::string_view column) {
  if (attrs.empty()) return;
  std::string text;
  json::Writer w(text);
  w.begin_object();
  for (const auto& [k, v] : attrs) w.key(k).string(v);
  w.end_object();
  b.raw("attributes", text, column);
}

// ---- mercato: one record, one product ----

void map_mercato(Body& b, const ImportColumns& c, const CsvRecord& r) {
  b.source = {{"price_cents", header_name(c, "price_cents")}};
  auto text = [&](std::string_view col) -> std::string_view { return unescape_cell(cell(c, r, col)); };
  b.text("sku", text("sku"), header_name(c, "sku"));
  b.text("name", text("name"), header_name(c, "name"));
  if (!text("slug").empty()) b.text("slug", text("slug"), header_name(c, "slug"));
  if (c.col("description") >= 0) b.text("description", text("description"), header_name(c, "description"));
  const std::string_view price = trim(cell(c, r, "price_cents"));
  if (!price.empty()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(price.data(), price.data() + price.size(), n);
    if (ec != std::errc{} || end != price.data() + price.size())
      b.error(header_name(c, "price_cents"), "must be a whole number of minor units (cents)");
    else b.integer("price_cents", n, header_name(c, "price_cents"));
  }
  if (!trim(cell(c, r, "currency")).empty()) b.text("currency", trim(cell(c, r, "currency")), header_name(c, "currency"));
  if (!trim(cell(c, r, "status")).empty()) b.text("status", trim(cell(c, r, "status")), header_name(c, "status"));
  integer_cell(b, c, r, "stock", "stock", kMaxStock);
  if (!trim(cell(c, r, "category_id")).empty())
    b.text("category_id", trim(cell(c, r, "category_id")), header_name(c, "category_id"));
  const std::string_view attrs = trim(text("attributes"));
  if (!attrs.empty()) {
    // Checked as JSON here: a malformed cell would make the whole body unreadable.
    auto doc = json::Document::parse(attrs);
    simdjson::dom::object obj;
    if (!doc || (*doc)->root().get(obj) != simdjson::SUCCESS) b.error(header_name(c, "attributes"), "must be a JSON object");
    else b.raw("attributes", attrs, header_name(c, "attributes"));
  }
  if (c.col("images") >= 0) {
    std::vector<std::pair<std::string, std::string>> list;
    std::string_view rest = text("images");
    while (!rest.empty()) {
      const std::size_t sp = rest.find(' ');
      const std::string_view url = rest.substr(0, sp);
      if (url.empty()) {
        b.error(header_name(c, "images"), "must be URLs separated by single spaces");
        break;
      }
      list.emplace_back(std::string(url), "");
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
      if (rest.empty()) b.error(header_name(c, "images"), "must be URLs separated by single spaces");
    }
    b.images(list, header_name(c, "images"));
  }
}

// ---- shopify: a handle's rows, one product ----

void map_shopify(Body& b, const ImportColumns& c, std::span<const CsvRecord> rs, std::string_view default_currency) {
  const CsvRecord& first = rs.front();
  b.source = {{"sku", header_name(c, "Variant SKU")}, {"price_cents", header_name(c, "Variant Price")}};
  b.text("name", cell(c, first, "Title"), header_name(c, "Title"));
  const std::string_view handle = trim(cell(c, first, "Handle"));
  b.text("slug", valid_slug(handle) ? std::string(handle) : slugify(handle), header_name(c, "Handle"));
  if (c.col("Body (HTML)") >= 0) b.text("description", cell(c, first, "Body (HTML)"), header_name(c, "Body (HTML)"));
  const std::string_view status = trim(cell(c, first, "Status"));
  if (!status.empty()) {
    std::string lower(status);
    for (auto& ch : lower) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    b.text("status", lower, header_name(c, "Status"));
  } else if (const std::string_view pub = trim(cell(c, first, "Published")); !pub.empty()) {
    b.text("status", iequal(pub, "true") ? "active" : "draft", header_name(c, "Published"));
  }
  // The first variant: the first row of the handle that names a SKU.
  const CsvRecord* variant = nullptr;
  for (const auto& r : rs)
    if (!trim(cell(c, r, "Variant SKU")).empty()) {
      variant = &r;
      break;
    }
  if (variant) {
    b.text("sku", trim(cell(c, *variant, "Variant SKU")), header_name(c, "Variant SKU"));
    decimal_cell(b, c, *variant, "Variant Price");
    integer_cell(b, c, *variant, "Variant Inventory Qty", "stock", kMaxStock);
  }
  b.text("currency", default_currency, "currency");
  // Images of every row, by Image Position when given (stable: file order otherwise).
  std::vector<std::pair<std::int64_t, const CsvRecord*>> with_pos;
  for (const auto& r : rs) {
    if (trim(cell(c, r, "Image Src")).empty()) continue;
    std::int64_t p = 1'000'000;
    const std::string_view pos = trim(cell(c, r, "Image Position"));
    std::from_chars(pos.data(), pos.data() + pos.size(), p);
    with_pos.emplace_back(p, &r);
  }
  std::stable_sort(with_pos.begin(), with_pos.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> images;
  for (const auto& [p, r] : with_pos) add_image(images, cell(c, *r, "Image Src"), cell(c, *r, "Image Alt Text"));
  if (c.col("Image Src") >= 0) b.images(images, header_name(c, "Image Src"));
  std::vector<std::pair<std::string, std::string>> attrs;
  for (auto [col, key] : {std::pair{"Vendor", "vendor"}, {"Type", "type"}, {"Tags", "tags"}})
    if (const std::string_view v = trim(cell(c, first, col)); !v.empty()) attrs.emplace_back(key, std::string(v));
  attributes_of(b, std::move(attrs), header_name(c, "Vendor").empty() ? "Tags" : header_name(c, "Vendor"));
}

// ---- medusa: a handle's rows (one per variant), one product ----

std::string_view medusa_sku_column(const ImportColumns& c) {
  return c.col("Variant Sku") >= 0 ? "Variant Sku" : "Variant SKU";
}

void map_medusa(Body& b, const ImportColumns& c, std::span<const CsvRecord> rs, std::string_view default_currency) {
  const CsvRecord& first = rs.front();
  b.source = {{"sku", header_name(c, medusa_sku_column(c))}, {"price_cents", "Variant Price " + std::string(default_currency)}};
  b.text("name", cell(c, first, "Product Title"), header_name(c, "Product Title"));
  const std::string_view handle = trim(cell(c, first, "Product Handle"));
  if (!handle.empty())
    b.text("slug", valid_slug(handle) ? std::string(handle) : slugify(handle), header_name(c, "Product Handle"));
  if (c.col("Product Description") >= 0)
    b.text("description", cell(c, first, "Product Description"), header_name(c, "Product Description"));
  const std::string_view status = trim(cell(c, first, "Product Status"));
  if (!status.empty()) {
    // Medusa's statuses: published, draft, proposed, rejected.
    std::string_view mapped = iequal(status, "published") ? "active"
                              : iequal(status, "rejected") ? "archived"
                              : (iequal(status, "draft") || iequal(status, "proposed")) ? "draft"
                                                                                       : status;
    b.text("status", mapped, header_name(c, "Product Status"));
  }
  const std::string_view sku_col = medusa_sku_column(c);
  const CsvRecord* variant = nullptr;
  for (const auto& r : rs)
    if (!trim(cell(c, r, sku_col)).empty()) {
      variant = &r;
      break;
    }
  if (variant) {
    b.text("sku", trim(cell(c, *variant, sku_col)), header_name(c, sku_col));
    // "Variant Price USD", "Variant Price EUR", …: the default currency's when it has one,
    // else the first priced column.
    int chosen = -1;
    for (std::size_t i = 0; i < c.header.size(); ++i) {
      const std::string_view h = trim(c.header[i]);
      if (!istarts(h, "Variant Price ") || h.size() != 17) continue;
      if (i >= variant->fields.size() || trim(variant->fields[i]).empty()) continue;
      if (iequal(h.substr(14), default_currency)) {
        chosen = static_cast<int>(i);
        break;
      }
      if (chosen < 0) chosen = static_cast<int>(i);
    }
    if (chosen >= 0) {
      std::string currency(trim(c.header[static_cast<std::size_t>(chosen)]).substr(14));
      for (auto& ch : currency) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
      decimal_cell(b, c, *variant, c.header[static_cast<std::size_t>(chosen)]);
      b.text("currency", currency, c.header[static_cast<std::size_t>(chosen)]);
    } else {
      b.text("currency", default_currency, "currency");
    }
    integer_cell(b, c, *variant, "Variant Inventory Quantity", "stock", kMaxStock);
  }
  std::vector<std::pair<std::string, std::string>> images;
  bool image_columns = false;
  for (std::size_t i = 0; i < c.header.size(); ++i) {
    const std::string_view h = trim(c.header[i]);
    if (!iequal(h, "Product Thumbnail") && !istarts(h, "Product Image ")) continue;
    image_columns = true;
    if (i < first.fields.size()) add_image(images, first.fields[i], "");
  }
  if (image_columns) b.images(images, "Product Image 1 Url");
  std::vector<std::pair<std::string, std::string>> attrs;
  for (auto [col, key] : {std::pair{"Product Subtitle", "subtitle"}, {"Product Collection Title", "collection"},
                          {"Product Type", "type"}})
    if (const std::string_view v = trim(cell(c, first, col)); !v.empty()) attrs.emplace_back(key, std::string(v));
  attributes_of(b, std::move(attrs), "Product Subtitle");
}

/// The canonical body staged for the import job: what parse_product_create accepted.
std::string canonical(const ProductInput& in, bool images_given) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("name").string(*in.name);
  w.key("slug").string(*in.slug);
  w.key("sku").string(*in.sku);
  w.key("description").string(in.description.value_or(""));
  w.key("price_cents").integer(*in.price_cents);
  w.key("currency").string(*in.currency);
  w.key("status").string(in.status.value_or("draft"));
  w.key("stock").integer(in.stock.value_or(0));
  w.key("category_id");
  if (in.category_id && !in.category_id->empty()) w.string(*in.category_id);
  else w.null();
  w.key("attributes").raw(in.attributes_json.value_or("{}"));
  w.key("images_given").boolean(images_given);
  w.key("images").begin_array();
  if (in.images)
    for (const auto& img : *in.images) w.begin_object().key("url").string(img.url).key("alt_text").string(img.alt_text).end_object();
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace

std::string_view format_name(ImportFormat f) {
  switch (f) {
    case ImportFormat::mercato: return "mercato";
    case ImportFormat::shopify: return "shopify";
    case ImportFormat::medusa: return "medusa";
  }
  return "mercato";
}

Result<std::optional<ImportFormat>> parse_mapping_name(std::string_view name) {
  if (name == "auto") return std::optional<ImportFormat>{};
  for (auto f : {ImportFormat::mercato, ImportFormat::shopify, ImportFormat::medusa})
    if (name == format_name(f)) return std::optional<ImportFormat>(f);
  return validation_failed({{"mapping", "must be one of auto, mercato, shopify, medusa"}});
}

int ImportColumns::col(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (iequal(trim(header[i]), name)) return static_cast<int>(i);
  return -1;
}

bool grouped(ImportFormat f) { return f != ImportFormat::mercato; }

std::string group_key(const ImportColumns& c, const CsvRecord& r) {
  if (!r.error.empty()) return {};
  const std::string_view col = c.format == ImportFormat::shopify ? "Handle" : "Product Handle";
  return std::string(trim(cell(c, r, col)));
}

Result<ImportColumns> resolve_columns(std::optional<ImportFormat> requested, std::vector<std::string> header) {
  ImportColumns c;
  c.header = std::move(header);
  if (!c.header.empty() && c.header.front().starts_with("\xEF\xBB\xBF")) c.header.front().erase(0, 3);  // a BOM
  if (requested) {
    c.format = *requested;
  } else if (c.col("Handle") >= 0 && c.col("Title") >= 0) {
    c.format = ImportFormat::shopify;
  } else if (c.col("Product Handle") >= 0 || c.col("Product Title") >= 0) {
    c.format = ImportFormat::medusa;
  } else if (c.col("sku") >= 0 && c.col("name") >= 0) {
    c.format = ImportFormat::mercato;
  } else {
    return validation_failed({{"header", "is not a known export's header (mercato: sku,name,price_cents,…; shopify: "
                                         "Handle,Title,…; medusa: Product Handle,Product Title,…): choose a mapping"}});
  }
  std::vector<FieldError> errors;
  auto need = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names)
      if (c.col(n) < 0) errors.push_back({"header", "the " + std::string(format_name(c.format)) + " mapping needs a column " + std::string(n)});
  };
  switch (c.format) {
    case ImportFormat::mercato:
      need({"sku", "name", "price_cents"});
      for (const auto& h : c.header)
        if (std::none_of(std::begin(kMercatoColumns), std::end(kMercatoColumns), [&](auto k) { return iequal(trim(h), k); }))
          errors.push_back({"header", "column " + (valid_utf8(h) ? h : std::string("(not UTF-8)")) + " is not one of the export's"});
      break;
    case ImportFormat::shopify:
      need({"Handle", "Title", "Variant SKU", "Variant Price"});
      break;
    case ImportFormat::medusa:
      need({"Product Handle", "Product Title"});
      if (c.col("Variant Sku") < 0 && c.col("Variant SKU") < 0) errors.push_back({"header", "the medusa mapping needs a column Variant Sku"});
      break;
  }
  if (!errors.empty()) return validation_failed(std::move(errors), "the header row does not fit the mapping");
  return c;
}

MappedProduct map_product(const ImportColumns& c, std::span<const CsvRecord> records, std::string_view default_currency) {
  MappedProduct out;
  out.line = records.front().line;
  for (const auto& r : records)
    if (!r.error.empty()) {
      out.errors.push_back({"(record)", r.error});
      return out;
    }
  Body b;
  switch (c.format) {
    case ImportFormat::mercato: map_mercato(b, c, records.front()); break;
    case ImportFormat::shopify: map_shopify(b, c, records, default_currency); break;
    case ImportFormat::medusa: map_medusa(b, c, records, default_currency); break;
  }
  if (c.format == ImportFormat::mercato && c.col("currency") < 0) b.text("currency", default_currency, "currency");
  b.w.end_object();
  auto in = parse_product_create(b.json);
  if (!in) {
    for (auto& d : in.error().details) {
      const std::string col = b.column_of(d.field);
      // A field the cell already reported (not a number, …) is not reported twice.
      if (std::none_of(b.errors.begin(), b.errors.end(), [&](const FieldError& e) { return e.field == col; }))
        b.errors.push_back({col, std::move(d.message)});
    }
    if (in.error().details.empty()) b.errors.push_back({"(record)", in.error().message});
  }
  if (!b.errors.empty()) {
    out.errors = std::move(b.errors);
    return out;
  }
  out.sku = *in->sku;
  out.slug = *in->slug;
  out.images_given = b.images_given;
  out.product_json = canonical(*in, b.images_given);
  return out;
}

std::optional<std::int64_t> decimal_to_minor(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 2) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  auto digits = [](std::string_view s) { return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }); };
  if (!digits(whole) || !digits(frac)) return std::nullopt;
  std::int64_t n = 0;
  for (char ch : whole) n = n * 10 + (ch - '0');
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) cents = cents * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return n * 100 + cents;
}

std::string_view unescape_cell(std::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'') {
    const char n = cell[1];
    if (n == '=' || n == '+' || n == '-' || n == '@' || n == '\t' || n == '\r') cell.remove_prefix(1);
  }
  return cell;
}

}  // namespace mercato::catalog
