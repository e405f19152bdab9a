#include "services/catalog/products_json.hpp"

#include <gtest/gtest.h>

#include <set>

#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

std::set<std::string> bad_fields(const Result<ProductInput>& r) {
  std::set<std::string> out;
  if (!r.ok())
    for (const auto& d : r.error().details) out.insert(d.field);
  return out;
}

constexpr std::string_view kValid = R"({"name":"Oak Chair","sku":"OC-1","price_cents":1999,"currency":"EUR"})";

TEST(ProductCreate, a_minimal_body_gets_defaults_and_a_slug) {
  auto r = parse_product_create(kValid);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r->price_cents, 1999);
  EXPECT_EQ(*r->slug, "oak-chair-oc-1");
  EXPECT_FALSE(r->status.has_value());  // the insert defaults it to draft
}

TEST(ProductCreate, every_bad_field_is_reported_at_once) {
  auto r = parse_product_create(
      R"({"name":"","sku":"has space","price_cents":-5,"currency":"eur","status":"gone","stock":-1,
          "category_id":"nope","attributes":"x","images":{},"slug":"Bad--Slug","extra":true})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(bad_fields(r), (std::set<std::string>{"name", "sku", "price_cents", "currency", "status", "stock",
                                                  "category_id", "attributes", "images", "slug", "extra"}));
}

TEST(ProductCreate, required_fields) {
  EXPECT_EQ(bad_fields(parse_product_create("{}")), (std::set<std::string>{"name", "sku", "price_cents", "currency"}));
}

TEST(ProductCreate, money_is_never_a_float_or_a_string) {
  for (std::string_view price : {"19.99", "1e3", "\"1999\"", "1999.0", "true", "null", "18446744073709551615",
                                 "100000000001"}) {
    const std::string body = R"({"name":"A","sku":"A","currency":"EUR","price_cents":)" + std::string(price) + "}";
    EXPECT_EQ(bad_fields(parse_product_create(body)), std::set<std::string>{"price_cents"}) << price;
  }
}

TEST(ProductCreate, strings_have_caps_in_characters_not_bytes) {
  const std::string ok_name = "\"" + [] { std::string s; for (int i = 0; i < 200; ++i) s += "é"; return s; }() + "\"";
  const std::string body = R"({"sku":"A","currency":"EUR","price_cents":1,"name":)" + ok_name + "}";
  EXPECT_TRUE(parse_product_create(body).ok());
  const std::string long_name = "\"" + std::string(201, 'x') + "\"";
  EXPECT_EQ(bad_fields(parse_product_create(R"({"sku":"A","currency":"EUR","price_cents":1,"name":)" + long_name + "}")),
            std::set<std::string>{"name"});
}

TEST(ProductCreate, control_characters_are_refused_except_newlines_in_descriptions) {
  EXPECT_EQ(bad_fields(parse_product_create(R"({"sku":"A","currency":"EUR","price_cents":1,"name":"a\u0000b"})")),
            std::set<std::string>{"name"});
  EXPECT_TRUE(
      parse_product_create(R"({"sku":"A","currency":"EUR","price_cents":1,"name":"a","description":"l1\nl2"})").ok());
}

TEST(ProductCreate, duplicate_members_and_nested_attributes_are_refused) {
  EXPECT_EQ(bad_fields(parse_product_create(R"({"name":"a","name":"b","sku":"A","currency":"EUR","price_cents":1})")),
            std::set<std::string>{"name"});
  EXPECT_EQ(bad_fields(parse_product_create(
                R"({"name":"a","sku":"A","currency":"EUR","price_cents":1,"attributes":{"x":{"y":1}}})")),
            std::set<std::string>{"attributes.x"});
}

TEST(ProductCreate, a_nul_anywhere_in_the_attributes_is_refused_at_its_path) {
  const std::string head = R"({"name":"a","sku":"A","currency":"EUR","price_cents":1,"attributes":)";
  const std::pair<const char*, const char*> cases[] = {
      {R"({"c":"r\u0000"})", "attributes.c"},           {R"({"t":["ok","x\u0000"]})", "attributes.t[1]"},
      {R"({"s":[["a","\u0000"]]})", "attributes.s[0][1]"}, {R"({"p":[{"n":"\u0000"}]})", "attributes.p[0].n"},
      {R"({"p":[{"n\u0000":1}]})", "attributes.p[0]"},     {R"({"c\u0000":1})", "attributes"},
  };
  for (const auto& [attrs, field] : cases)
    EXPECT_EQ(bad_fields(parse_product_create(head + attrs + "}")), std::set<std::string>{field}) << attrs;
  EXPECT_TRUE(parse_product_create(head + R"({"care":"wash\tcold\nhang","tags":["a",1,null,[true]]}})").ok());
}

TEST(ProductCreate, images_are_checked_one_by_one) {
  auto r = parse_product_create(
      R"j({"name":"a","sku":"A","currency":"EUR","price_cents":1,
          "images":[{"url":"https://x/1.jpg"},{"url":"javascript:alert(1)"},{"alt_text":"no url"}]})j");
  EXPECT_EQ(bad_fields(r), (std::set<std::string>{"images[1].url", "images[2].url"}));
}

TEST(ProductCreate, invalid_json_is_bad_request) {
  for (std::string_view body : {"", "{", "{\"name\": \"\xff\"}", "nul"}) {
    auto r = parse_product_create(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::bad_request) << body;
  }
}

TEST(ProductPatch, any_subset_but_not_nothing) {
  EXPECT_TRUE(parse_product_patch(R"({"stock":3})").ok());
  EXPECT_EQ(bad_fields(parse_product_patch("{}")), std::set<std::string>{"body"});
  EXPECT_EQ(bad_fields(parse_product_patch(R"({"name":null})")), std::set<std::string>{"name"});
  auto clear = parse_product_patch(R"({"category_id":null})");
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(*clear->category_id, "");  // null clears the category
}

TEST(ProductPatch, merge_keeps_what_the_patch_does_not_name) {
  ProductRow cur;
  cur.name = "Old";
  cur.sku = "S";
  cur.slug = "old-s";
  cur.price_cents = 100;
  cur.currency = "EUR";
  cur.status = "active";
  cur.category_id = "c";
  cur.attributes_json = "{}";
  auto patch = parse_product_patch(R"({"name":"New","price_cents":250})");
  ASSERT_TRUE(patch.ok());
  auto m = merge_patch(cur, *patch);
  EXPECT_EQ(*m.name, "New");
  EXPECT_EQ(*m.slug, "old-s");  // links keep working after a rename
  EXPECT_EQ(*m.price_cents, 250);
  EXPECT_EQ(*m.category_id, "c");
  EXPECT_FALSE(m.images.has_value());
}

TEST(ProductJson, v1_has_price_cents_and_v2_a_price_object) {
  ProductRow p;
  p.id = "i";
  p.price_cents = 1999;
  p.currency = "EUR";
  const auto v1 = product_json(p, ApiVersion::v1);
  const auto v2 = product_json(p, ApiVersion::v2);
  EXPECT_NE(v1.find(R"("price_cents":1999,"currency":"EUR")"), std::string::npos);
  EXPECT_NE(v2.find(R"("price":{"amount":1999,"currency":"EUR"})"), std::string::npos);
  EXPECT_EQ(v2.find("price_cents"), std::string::npos);
}

TEST(Validate, slugs_skus_currencies) {
  EXPECT_TRUE(valid_slug("blue-shirt-2"));
  for (auto s : {"", "-a", "a-", "a--b", "A", "a b", "ä"}) EXPECT_FALSE(valid_slug(s)) << s;
  EXPECT_TRUE(valid_sku("AB-1.2_x"));
  for (auto s : {"", "-A", "A B", "A/B"}) EXPECT_FALSE(valid_sku(s)) << s;
  EXPECT_TRUE(valid_currency("EUR"));
  for (auto s : {"eur", "EU", "EURO", "E1R"}) EXPECT_FALSE(valid_currency(s)) << s;
  EXPECT_EQ(slugify("  Rustic Oak -- Table! Mk 2 "), "rustic-oak-table-mk-2");
}

}  // namespace
}  // namespace mercato::catalog
