#include "services/catalog/bulk.hpp"

#include <gtest/gtest.h>

#include <set>

#include "services/catalog/products_json.hpp"

namespace mercato::catalog {
namespace {

constexpr const char* kA = "0190a0b0-0000-7000-8000-00000000000a";
constexpr const char* kB = "0190a0b0-0000-7000-8000-00000000000b";

std::set<std::string> bad_fields(const Result<BulkRequest>& r) {
  std::set<std::string> out;
  if (!r.ok())
    for (const auto& d : r.error().details) out.insert(d.field);
  return out;
}

std::string items_body(std::size_t n, std::string_view action = "archive") {
  std::string body = R"({"action":")" + std::string(action) + R"(","items":[)";
  for (std::size_t i = 0; i < n; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "0190a0b0-0000-7000-8000-%012zx", i);
    body += (i ? "," : "") + std::string(R"({"id":")") + id + "\"}";
  }
  return body + "]}";
}

// ---- price adjustment ----

TEST(AdjustedPrice, an_amount_is_added_exactly) {
  EXPECT_EQ(*adjusted_price(1999, {.amount_cents = 1}), 2000);
  EXPECT_EQ(*adjusted_price(1999, {.amount_cents = -1999}), 0);
}

TEST(AdjustedPrice, a_percent_rounds_to_the_nearest_cent_halves_up) {
  PriceChange ten{.percent = true, .basis_points = 1000};
  EXPECT_EQ(*adjusted_price(1999, ten), 2199);  // 2198.9
  PriceChange minus_ten{.percent = true, .basis_points = -1000};
  EXPECT_EQ(*adjusted_price(5, minus_ten), 5);   // 4.5 → 5 (half up)
  EXPECT_EQ(*adjusted_price(15, minus_ten), 14);  // 13.5 → 14
  PriceChange tiny{.percent = true, .basis_points = 1};  // 0.01 %
  EXPECT_EQ(*adjusted_price(100'000'000, tiny), 100'010'000);
  PriceChange all{.percent = true, .basis_points = -10000};
  EXPECT_EQ(*adjusted_price(123456, all), 0);
}

TEST(AdjustedPrice, below_zero_is_an_item_error_never_clamped) {
  auto r = adjusted_price(500, {.amount_cents = -501});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(r.error().details.at(0).field, "price_cents");
}

TEST(AdjustedPrice, above_the_maximum_price_is_an_item_error) {
  EXPECT_FALSE(adjusted_price(kMaxPriceCents, {.amount_cents = 1}).ok());
  EXPECT_TRUE(adjusted_price(kMaxPriceCents - 1, {.amount_cents = 1}).ok());
  PriceChange most{.percent = true, .basis_points = kMaxPercentBasisPoints};
  EXPECT_FALSE(adjusted_price(kMaxPriceCents, most).ok());  // 11 × 1e11: no overflow, an error
}

// ---- chunks ----

TEST(Chunks, cut_into_runs_of_the_size_the_last_shorter) {
  std::vector<BulkItem> items(250);
  for (std::size_t i = 0; i < items.size(); ++i) items[i].id = std::to_string(i);
  auto cs = chunks(items, 100);
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[0].size(), 100u);
  EXPECT_EQ(cs[2].size(), 50u);
  EXPECT_EQ(cs[1].front().id, "100");
  EXPECT_EQ(cs[2].back().id, "249");
  EXPECT_TRUE(chunks({}, 100).empty());
  EXPECT_EQ(chunks(items, 1000).size(), 1u);
}

// ---- the body ----

TEST(BulkBody, items_with_optional_if_match) {
  auto r = parse_bulk_request(std::string(R"({"action":"archive","items":[{"id":")") + kA +
                                  R"(","if_match":"\")" + kA + R"(.3\""},{"id":")" + kB + R"("}]})",
                              1000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->action, BulkAction::archive);
  ASSERT_EQ(r->items.size(), 2u);
  ASSERT_TRUE(r->items[0].if_match.has_value());
  EXPECT_TRUE(r->items[0].if_match->matches(kA, 3));
  EXPECT_FALSE(r->items[0].if_match->matches(kA, 4));
  EXPECT_FALSE(r->items[1].if_match.has_value());
  EXPECT_FALSE(r->filter.has_value());
}

TEST(BulkBody, ids_are_lower_cased_so_a_duplicate_in_another_case_is_seen) {
  std::string upper(kA);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto r = parse_bulk_request(std::string(R"({"action":"delete","items":[{"id":")") + kA + R"("},{"id":")" + upper +
                                  R"("}]})",
                              1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(bad_fields(r), std::set<std::string>{"items[1].id"});
}

TEST(BulkBody, more_items_than_the_maximum_is_one_error_counted_not_read) {
  auto r = parse_bulk_request(items_body(1001), 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(bad_fields(r), std::set<std::string>{"items"});
  EXPECT_NE(r.error().details.at(0).message.find("at most 1000"), std::string::npos);
  EXPECT_TRUE(parse_bulk_request(items_body(1000), 1000).ok());
}

TEST(BulkBody, a_huge_array_of_garbage_gives_a_bounded_error_list) {
  std::string body = R"({"action":"archive","items":[)";
  for (int i = 0; i < 900; ++i) body += (i ? ",7" : "7");
  body += "]}";
  auto r = parse_bulk_request(body, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_LE(r.error().details.size(), 22u);
}

TEST(BulkBody, wrong_types_are_all_reported) {
  auto r = parse_bulk_request(R"({"action":7,"items":{"id":"x"}})", 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(bad_fields(r), (std::set<std::string>{"action", "items"}));
  auto items = parse_bulk_request(R"({"action":"archive","items":["0190a0b0-0000-7000-8000-00000000000a", {"id": 5},
                                     {"id":"not-a-uuid"}, {"id":"0190a0b0-0000-7000-8000-00000000000c","if_match":3},
                                     {"id":"0190a0b0-0000-7000-8000-00000000000d","extra":true}]})",
                                  1000);
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(bad_fields(items), (std::set<std::string>{"items[0]", "items[1].id", "items[2].id", "items[3].if_match",
                                                      "items[4].extra"}));
}

TEST(BulkBody, unknown_action_and_unknown_members_are_refused) {
  auto r = parse_bulk_request(std::string(R"({"action":"publish","items":[{"id":")") + kA + R"("}],"force":true})", 1000);
  EXPECT_EQ(bad_fields(r), (std::set<std::string>{"action", "force"}));
}

TEST(BulkBody, items_or_filter_exactly_one) {
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"archive"})", 1000)), std::set<std::string>{"items"});
  auto both = parse_bulk_request(std::string(R"({"action":"archive","filter":{},"items":[{"id":")") + kA + R"("}]})", 1000);
  EXPECT_EQ(bad_fields(both), std::set<std::string>{"items"});
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"archive","items":[]})", 1000)), std::set<std::string>{"items"});
}

TEST(BulkBody, a_filter_takes_status_and_category_and_refuses_a_search) {
  auto r = parse_bulk_request(std::string(R"({"action":"archive","filter":{"status":"active","category_id":")") + kB +
                                  R"("}})",
                              1000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->filter.has_value());
  EXPECT_EQ(*r->filter->status, "active");
  EXPECT_EQ(*r->filter->category_id, kB);
  auto none = parse_bulk_request(R"({"action":"archive","filter":{"category_id":null}})", 1000);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none->filter->category_id, "");
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"archive","filter":{"q":"oak","status":"gone"}})", 1000)),
            (std::set<std::string>{"filter.q", "filter.status"}));
}

TEST(BulkBody, set_category_needs_its_category_and_null_detaches) {
  auto item = std::string(R"(,"items":[{"id":")") + kA + R"("}]})";
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"set_category")" + item, 1000)),
            std::set<std::string>{"category_id"});
  auto detach = parse_bulk_request(R"({"action":"set_category","category_id":null)" + item, 1000);
  ASSERT_TRUE(detach.ok());
  EXPECT_EQ(detach->category_id, "");
  auto to = parse_bulk_request(std::string(R"({"action":"set_category","category_id":")") + kB + "\"" + item, 1000);
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->category_id, kB);
  // Another action's argument is an unknown member, not silently ignored.
  EXPECT_EQ(bad_fields(parse_bulk_request(std::string(R"({"action":"archive","category_id":")") + kB + "\"" + item, 1000)),
            std::set<std::string>{"category_id"});
}

TEST(BulkBody, adjust_price_takes_exactly_one_of_amount_or_percent) {
  auto item = std::string(R"(,"items":[{"id":")") + kA + R"("}]})";
  auto amount = parse_bulk_request(R"({"action":"adjust_price","amount_cents":-250)" + item, 1000);
  ASSERT_TRUE(amount.ok());
  EXPECT_FALSE(amount->price.percent);
  EXPECT_EQ(amount->price.amount_cents, -250);
  auto percent = parse_bulk_request(R"({"action":"adjust_price","percent":12.5)" + item, 1000);
  ASSERT_TRUE(percent.ok());
  EXPECT_TRUE(percent->price.percent);
  EXPECT_EQ(percent->price.basis_points, 1250);
  EXPECT_FALSE(parse_bulk_request(R"({"action":"adjust_price")" + item, 1000).ok());
  EXPECT_FALSE(parse_bulk_request(R"({"action":"adjust_price","amount_cents":1,"percent":1)" + item, 1000).ok());
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"adjust_price","percent":1.234)" + item, 1000)),
            std::set<std::string>{"percent"});
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"adjust_price","percent":-100.01)" + item, 1000)),
            std::set<std::string>{"percent"});
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"adjust_price","percent":"10")" + item, 1000)),
            std::set<std::string>{"percent"});
  EXPECT_EQ(bad_fields(parse_bulk_request(R"({"action":"adjust_price","amount_cents":1.5)" + item, 1000)),
            std::set<std::string>{"amount_cents"});
}

TEST(BulkBody, not_json_is_a_bad_request) {
  auto r = parse_bulk_request("{\"action\":", 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_request);
}

TEST(JobParams, round_trip_keeps_the_action_its_argument_the_filter_and_who_asked) {
  BulkRequest r;
  r.action = BulkAction::adjust_price;
  r.price = {.percent = true, .basis_points = -1550};
  r.filter = BulkFilter{std::string("active"), std::string()};
  const Actor actor{"user-1", "editor", "req-1", "127.0.0.1"};
  Actor back;
  auto parsed = parse_job_params(job_params_json(r, actor), back);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->action, BulkAction::adjust_price);
  EXPECT_TRUE(parsed->price.percent);
  EXPECT_EQ(parsed->price.basis_points, -1550);
  EXPECT_EQ(*parsed->filter->status, "active");
  EXPECT_EQ(*parsed->filter->category_id, "");
  EXPECT_EQ(back.subject, "user-1");
  EXPECT_EQ(back.client_address, "127.0.0.1");
}

}  // namespace
}  // namespace mercato::catalog
