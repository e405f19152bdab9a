#include "services/catalog/import_mapping.hpp"

#include <gtest/gtest.h>

#include "services/catalog/import_staging.hpp"

namespace mercato::catalog {
namespace {

ImportColumns columns(std::vector<std::string> header, std::optional<ImportFormat> f = std::nullopt) {
  auto c = resolve_columns(f, std::move(header));
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return *c;
}

CsvRecord record(std::vector<std::string> fields, std::int64_t line = 2) {
  CsvRecord r;
  r.line = line;
  r.fields = std::move(fields);
  return r;
}

const std::vector<std::string> kExport = {"id", "sku", "name", "slug", "description", "price_cents", "currency",
                                          "status", "stock", "category_id", "attributes", "images", "updated_at"};

TEST(ImportMapping, decimal_prices_become_minor_units_exactly) {
  EXPECT_EQ(decimal_to_minor("12.50"), 1250);
  EXPECT_EQ(decimal_to_minor("12.5"), 1250);
  EXPECT_EQ(decimal_to_minor("12"), 1200);
  EXPECT_EQ(decimal_to_minor("0.07"), 7);
  EXPECT_EQ(decimal_to_minor("19.99"), 1999);  // 19.99 * 100 in binary floating point is 1998.9999…
  EXPECT_FALSE(decimal_to_minor("1.999"));
  EXPECT_FALSE(decimal_to_minor("-1"));
  EXPECT_FALSE(decimal_to_minor("1e3"));
  EXPECT_FALSE(decimal_to_minor("12."));
  EXPECT_FALSE(decimal_to_minor(".5"));
  EXPECT_FALSE(decimal_to_minor("9999999999999"));
}

TEST(ImportMapping, the_exports_formula_escape_is_undone) {
  EXPECT_EQ(unescape_cell("'=SUM(A1)"), "=SUM(A1)");
  EXPECT_EQ(unescape_cell("'-5"), "-5");
  EXPECT_EQ(unescape_cell("'quoted'"), "'quoted'");
  EXPECT_EQ(unescape_cell("'"), "'");
}

TEST(ImportMapping, headers_are_detected) {
  EXPECT_EQ(columns(kExport).format, ImportFormat::mercato);
  EXPECT_EQ(columns({"Handle", "Title", "Variant SKU", "Variant Price"}).format, ImportFormat::shopify);
  EXPECT_EQ(columns({"Product Handle", "Product Title", "Variant Sku", "Variant Price USD"}).format, ImportFormat::medusa);
  auto unknown = resolve_columns(std::nullopt, {"foo", "bar"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().details.front().field, "header");
}

TEST(ImportMapping, a_mercato_header_with_a_column_the_export_lacks_is_refused) {
  auto c = resolve_columns(ImportFormat::mercato, {"sku", "name", "price_cents", "prise"});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().details.front().message.find("prise"), std::string::npos);
}

TEST(ImportMapping, an_export_row_maps_to_its_product) {
  auto c = columns(kExport);
  auto p = map_product(c, std::vector{record({"ignored", "SKU-1", "Blue Shirt", "", "'=cmd", "1250", "EUR", "active", "7", "",
                                             R"({"color":"blue"})", "https://a/1.jpg https://a/2.jpg", "ignored"})},
                       "USD");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front().field << ": " << p.errors.front().message;
  EXPECT_EQ(p.sku, "SKU-1");
  EXPECT_EQ(p.slug, "blue-shirt-sku-1");  // derived as a create derives it
  EXPECT_NE(p.product_json.find(R"("description":"=cmd")"), std::string::npos);
  EXPECT_NE(p.product_json.find(R"("price_cents":1250)"), std::string::npos);
  EXPECT_NE(p.product_json.find(R"("url":"https://a/2.jpg")"), std::string::npos);
}

TEST(ImportMapping, every_bad_field_is_reported_under_its_column) {
  auto c = columns(kExport);
  auto p = map_product(c, std::vector{record({"", "bad sku", "", "", "", "12.5", "eur", "sold", "-1", "", "[1]",
                                             "ftp://x", ""})},
                       "USD");
  std::vector<std::string> cols;
  for (const auto& e : p.errors) cols.push_back(e.field);
  for (auto want : {"sku", "name", "price_cents", "currency", "status", "stock", "attributes", "images"})
    EXPECT_NE(std::find(cols.begin(), cols.end(), want), cols.end()) << want;
}

TEST(ImportMapping, a_shopify_handle_is_one_product_with_its_first_variant_and_every_image) {
  auto c = columns({"Handle", "Title", "Body (HTML)", "Vendor", "Status", "Variant SKU", "Variant Price",
                    "Variant Inventory Qty", "Image Src", "Image Position"});
  std::vector<CsvRecord> rows = {
      record({"red-shoe", "Red Shoe", "<p>Nice</p>", "Acme", "active", "RS-1", "49.90", "3", "https://i/2.jpg", "2"}, 2),
      record({"red-shoe", "", "", "", "", "RS-2", "59.90", "1", "https://i/1.jpg", "1"}, 3),
  };
  auto p = map_product(c, rows, "USD");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front().field << ": " << p.errors.front().message;
  EXPECT_EQ(p.sku, "RS-1");
  EXPECT_EQ(p.slug, "red-shoe");
  EXPECT_NE(p.product_json.find(R"("price_cents":4990)"), std::string::npos);
  EXPECT_NE(p.product_json.find(R"("currency":"USD")"), std::string::npos);
  EXPECT_LT(p.product_json.find("https://i/1.jpg"), p.product_json.find("https://i/2.jpg"));  // by Image Position
  EXPECT_NE(p.product_json.find(R"("vendor":"Acme")"), std::string::npos);
}

TEST(ImportMapping, a_medusa_product_takes_the_default_currencys_price_and_maps_its_status) {
  auto c = columns({"Product Handle", "Product Title", "Product Status", "Variant Sku", "Variant Price EUR",
                    "Variant Price USD", "Product Image 1 Url"});
  auto p = map_product(c, std::vector{record({"mug", "Mug", "published", "MUG-1", "9.00", "10.50", "https://i/m.jpg"})}, "USD");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front().field << ": " << p.errors.front().message;
  EXPECT_NE(p.product_json.find(R"("price_cents":1050)"), std::string::npos);
  EXPECT_NE(p.product_json.find(R"("status":"active")"), std::string::npos);
  auto eur = map_product(c, std::vector{record({"mug", "Mug", "draft", "MUG-1", "9.00", "", ""})}, "USD");
  ASSERT_TRUE(eur.errors.empty());
  EXPECT_NE(eur.product_json.find(R"("currency":"EUR")"), std::string::npos);
}

TEST(ImportStaging, a_shopify_product_continued_in_the_next_part_is_held_back_whole) {
  const std::string header = "Handle,Title,Variant SKU,Variant Price,Image Src\n";
  const std::string a = "a,A,SKU-A,1.00,https://i/a1\n";
  const std::string b1 = "b,B,SKU-B,2.00,https://i/b1\n";
  const std::string b2 = "b,,,,https://i/b2\n";
  StageInput in;
  const std::string part1 = header + a + b1;
  in.text = part1;
  auto first = stage_part(in);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rows, 1);  // a; b may go on
  EXPECT_EQ(first->tail, b1);
  EXPECT_EQ(first->tail_line, 3);
  StageInput next;
  const std::string text = first->tail + b2;
  next.text = text;
  next.first_line = first->tail_line;
  next.columns = first->columns;
  next.final = true;
  auto second = stage_part(next);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->rows, 1);
  EXPECT_NE(second->batch.rows_json.find("https://i/b2"), std::string::npos);
  EXPECT_NE(second->batch.rows_json.find(R"("line":3)"), std::string::npos);
}

TEST(ImportStaging, a_header_row_cut_by_the_part_waits_for_the_next_part) {
  StageInput in;
  in.text = "sku,name,pri";
  auto r = stage_part(in);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->header_pending);
  EXPECT_EQ(r->tail, "sku,name,pri");
  EXPECT_EQ(r->tail_line, 1);
}

TEST(ImportStaging, a_file_without_a_header_row_is_refused) {
  StageInput in;
  in.text = "\n";
  in.final = true;
  auto r = stage_part(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.front().field, "header");
  StageInput huge;
  const std::string text(70 * 1024, 'x');
  huge.text = text;
  EXPECT_FALSE(stage_part(huge));
}

TEST(ImportStaging, bad_rows_are_staged_with_their_line_and_column) {
  StageInput in;
  in.text = "sku,name,price_cents\nA-1,Good,100\n,Nameless,abc\n";
  in.final = true;
  auto r = stage_part(in);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows, 2);
  EXPECT_EQ(r->valid, 1);
  EXPECT_EQ(r->errors, 1);
  EXPECT_NE(r->batch.errors_json.find(R"({"line":3,"seq":0,"field":"price_cents")"), std::string::npos) << r->batch.errors_json;
  EXPECT_NE(r->batch.errors_json.find(R"("field":"sku")"), std::string::npos);
}

}  // namespace
}  // namespace mercato::catalog
