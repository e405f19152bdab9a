#include "services/gateway/rum.hpp"

#include <gtest/gtest.h>

namespace mercato::gateway {
namespace {

TEST(RumReport, accepts_the_dashboards_report) {
  auto r = parse_rum_report(
      R"({"page":"/products/[id]","metrics":[{"name":"LCP","value":1234.5,"rating":"good","id":"v4-1","navigation_type":"navigate"},)"
      R"({"name":"CLS","value":0.02,"rating":"needs-improvement","id":"v4-2","navigation_type":"reload"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "LCP");
  EXPECT_DOUBLE_EQ((*r)[0].value, 1234.5);
  EXPECT_EQ((*r)[1].rating, "needs-improvement");
}

TEST(RumReport, reports_every_bad_field_at_once) {
  auto r = parse_rum_report(R"({"page":7,"extra":1,"metrics":[{"name":"FID","value":-3,"rating":"meh","x":1}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  std::vector<std::string> fields;
  for (const auto& d : r.error().details) fields.push_back(d.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"page", "extra", "metrics[0].name", "metrics[0].value",
                                              "metrics[0].rating", "metrics[0].x"}));
}

TEST(RumReport, rejects_missing_and_oversized_metric_lists) {
  EXPECT_EQ(parse_rum_report(R"({"page":"/"})").error().details.at(0).field, "metrics");
  std::string many = R"({"metrics":[)";
  for (int i = 0; i < 11; ++i) many += std::string(i ? "," : "") + R"({"name":"LCP","value":1})";
  many += "]}";
  EXPECT_EQ(parse_rum_report(many).error().code, ErrorCode::validation_failed);
  EXPECT_EQ(parse_rum_report(R"({"metrics":[{"value":1}]})").error().details.at(0).field, "metrics[0].name");
}

TEST(RumReport, invalid_json_is_bad_request) {
  EXPECT_EQ(parse_rum_report("{nope").error().code, ErrorCode::bad_request);
  EXPECT_EQ(parse_rum_report("[]").error().code, ErrorCode::bad_request);
}

}  // namespace
}  // namespace mercato::gateway
