#include "http/body_fields.hpp"

#include <gtest/gtest.h>

#include <chrono>

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

// Builds {"k0":0,"k1":0,…} with `n` distinct members (and `dups` repeats of "k0" at the end).
std::string object_with_members(std::size_t n, std::size_t dups = 0) {
  std::string s = "{";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  for (std::size_t i = 0; i < dups; ++i) s += ",\"k0\":1";
  return s + "}";
}

TEST(BodyFields, an_object_of_256_members_is_read_member_by_member) {
  // 255 distinct members and one repeated: 256 in all, the most an object may have.
  auto doc = json::Document::parse(object_with_members(kMaxBodyMembers - 1, 1));
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root());
  EXPECT_TRUE(f.has("k254"));
  // The duplicate, found through the set, and every member unknown.
  const auto errors = f.finish();
  ASSERT_EQ(errors.size(), kMaxBodyMembers);
  EXPECT_EQ(errors[0].field, "k0");
  EXPECT_EQ(errors[0].message, "is given more than once");
}

TEST(BodyFields, an_object_of_more_than_256_members_is_one_error_and_no_members) {
  auto doc = json::Document::parse(object_with_members(kMaxBodyMembers + 1));
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root());
  EXPECT_FALSE(f.has("k0"));
  EXPECT_FALSE(f.string("k0", true));  // nothing to take; no "is required" on top
  const auto errors = f.finish();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "body");
  EXPECT_EQ(errors[0].message, "must have at most 256 members");
}

TEST(BodyFields, a_nested_object_over_the_cap_names_its_path) {
  auto doc = json::Document::parse(object_with_members(300));
  ASSERT_TRUE(doc);
  BodyFields f((*doc)->root(), "images[0].");
  const auto errors = f.finish();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "images[0]");
}

// The hostile login body of issue 13: ~120,000 members in under 1 MiB. The pairwise duplicate
// check took seconds of one event-loop thread on it; now the member count is read from the
// parsed document before any member is looked at.
TEST(BodyFields, one_hundred_twenty_thousand_members_cost_no_more_than_a_parse) {
  std::string body = "{";
  for (std::size_t i = 0; i < 120'000; ++i) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string key;
    for (std::size_t n = i; ; n /= 62) {
      key += kAlphabet[n % 62];
      if (n < 62) break;
    }
    body += (i ? ",\"" : "\"") + key + "\":0";
  }
  body += "}";
  ASSERT_LT(body.size(), 1u << 20);
  auto doc = json::Document::parse(body);
  ASSERT_TRUE(doc);
  const auto start = std::chrono::steady_clock::now();
  BodyFields f((*doc)->root());
  f.string("email", true);
  f.string("password", true);
  const auto errors = f.finish();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must have at most 256 members");
  // A generous bound (the machine is shared): the quadratic check took seconds here.
  EXPECT_LT(took, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace mercato::http
