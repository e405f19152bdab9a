#include "http/body_fields.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace mercato::http {
namespace {

TEST(BodyFields, collects_every_problem_and_reports_unknown_members) {
  auto doc = json::Document::parse(
      R"({"name":"Lamp\u0001","password":"pa\tss","active":"yes","stock":1.5,"extra":1,"name":"again"})");
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root());
  EXPECT_FALSE(f.text("name", TextRule{1, 10}));                 // control character
  EXPECT_EQ(f.string("password", true, 10).value_or(""), "pa\tss");  // taken as it is
  EXPECT_FALSE(f.boolean("active"));
  EXPECT_FALSE(f.integer("stock", 0, 10));
  EXPECT_FALSE(f.string("missing", true));
  std::vector<std::string> fields;
  for (const auto& e : f.finish()) fields.push_back(e.field + ": " + e.message);
  EXPECT_EQ(fields, (std::vector<std::string>{"name: is given more than once",
                                              "name: must not contain control characters",
                                              "active: must be true or false",
                                              "stock: must be an integer (not a string or a decimal number)",
                                              "missing: is required", "extra: is not a known field"}));
}

TEST(BodyFields, string_counts_code_points_and_boolean_reads_booleans) {
  auto doc = json::Document::parse(R"({"s":"ééé","t":"éééé","b":false})");
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root());
  EXPECT_EQ(f.string("s", true, 3).value_or(""), "ééé");
  EXPECT_FALSE(f.string("t", true, 3));
  EXPECT_EQ(f.boolean("b"), std::optional<bool>(false));
  const auto errors = f.finish();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must be at most 3 characters");
}

TEST(BodyFields, a_root_that_is_not_an_object_is_an_error) {
  auto doc = json::Document::parse("[1]");
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root());
  const auto errors = f.finish();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "body");
}

}  // namespace
}  // namespace mercato::http
