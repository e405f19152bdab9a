#include "services/gateway/ops_panels.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;

Result<SeriesQuery> parse(std::string target) {
  http::Request req;
  req.target = std::move(target);
  return parse_series_query(req);
}

std::string fields(const Error& e) {
  std::string out;
  for (const auto& d : e.details) out += d.field + ": " + d.message + "\n";
  return out;
}

TEST(OpsPanels, table_has_the_golden_signals_cache_pool_and_alerts_each_named_once) {
  std::set<std::string_view> names;
  for (const auto& p : panels()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_FALSE(p.query.empty()) << p.name;
    EXPECT_FALSE(p.title.empty()) << p.name;
    EXPECT_TRUE(p.unit == "req/s" || p.unit == "ratio" || p.unit == "seconds" || p.unit == "count") << p.name;
    // Panel names travel in URLs and test ids: plain lower-case words only.
    for (char c : p.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << p.name;
  }
  for (auto n : {"rate", "errors", "latency_p50", "latency_p99", "cache_hit_ratio", "db_pool_saturation", "alerts_firing"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST(OpsPanels, every_query_groups_by_its_legend_labels_so_series_are_named_by_them) {
  for (const auto& p : panels()) {
    if (p.legend.empty()) continue;
    std::string by = "by (" + std::string(p.legend.substr(0, p.legend.find(',')));
    EXPECT_NE(p.query.find(by), std::string_view::npos) << p.name << ": " << p.query;
  }
}

TEST(OpsPanels, user_traffic_panels_leave_out_probes_and_scrapes) {
  for (auto n : {"rate", "errors", "client_errors", "latency_p50", "latency_p99"})
    EXPECT_NE(find_panel(n)->query.find(R"(route!~"/health/.*|/metrics")"), std::string_view::npos) << n;
}

TEST(OpsPanels, one_panel_and_the_default_range) {
  auto q = parse("/api/v1/admin/ops/series?panel=rate");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->panels.size(), 1u);
  EXPECT_EQ(q->panels[0]->name, "rate");
  EXPECT_EQ(q->range, kDefaultRange);
  EXPECT_EQ(q->step, 10s);
}

TEST(OpsPanels, several_panels_comma_separated_keep_their_order) {
  auto q = parse("/x?panel=latency_p99,rate,cache_hit_ratio&range=3600");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->panels.size(), 3u);
  EXPECT_EQ(q->panels[0]->name, "latency_p99");
  EXPECT_EQ(q->panels[2]->name, "cache_hit_ratio");
  EXPECT_EQ(q->range, 3600s);
  EXPECT_EQ(q->step, 30s);
}

TEST(OpsPanels, unknown_panel_is_a_422_naming_it) {
  auto q = parse("/x?panel=rate,sum(rate(x[5m]))");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(q.error().http_status(), 422);
  EXPECT_EQ(fields(q.error()), "panel: unknown panel \"sum(rate(x[5m]))\"\n");
}

TEST(OpsPanels, missing_empty_or_repeated_panel_is_refused) {
  EXPECT_EQ(fields(parse("/x").error()), "panel: is required: one or more panel names, comma-separated\n");
  EXPECT_EQ(fields(parse("/x?panel=").error()), "panel: is required: one or more panel names, comma-separated\n");
  EXPECT_EQ(fields(parse("/x?panel=rate,rate").error()), "panel: \"rate\" is asked for more than once\n");
  EXPECT_EQ(fields(parse("/x?panel=rate,").error()), "panel: unknown panel \"\"\n");
}

TEST(OpsPanels, range_outside_one_minute_to_six_hours_or_not_whole_seconds_is_refused) {
  const std::string want = "range: must be whole seconds from 60 to 21600\n";
  for (auto r : {"59", "21601", "0", "-60", "60.5", "1e3", "", "900s", " 900", "99999999999999999999"})
    EXPECT_EQ(fields(parse(std::string("/x?panel=rate&range=") + r).error()), want) << r;
  EXPECT_TRUE(parse("/x?panel=rate&range=60"));
  EXPECT_TRUE(parse("/x?panel=rate&range=21600"));
}

TEST(OpsPanels, unknown_parameters_and_every_problem_are_listed_at_once) {
  auto q = parse("/x?panel=nope&range=5&query=up");
  ASSERT_FALSE(q);
  EXPECT_EQ(fields(q.error()),
            "query: is not a known parameter\npanel: unknown panel \"nope\"\nrange: must be whole seconds from 60 to 21600\n");
}

TEST(OpsPanels, control_characters_in_a_name_are_not_echoed) {
  auto q = parse("/x?panel=a%0Ab%1B");
  ASSERT_FALSE(q);
  EXPECT_EQ(fields(q.error()), "panel: unknown panel \"a?b?\"\n");
}

TEST(OpsPanels, step_keeps_every_series_at_or_under_121_points) {
  for (auto r = kMinRange; r <= kMaxRange; r += 1s) {
    auto s = step_for(r);
    ASSERT_LE(r / s + 1, kMaxPoints) << r.count();
  }
  EXPECT_EQ(step_for(60s), 5s);
  EXPECT_EQ(step_for(604s), 5s);  // 121 points
  EXPECT_EQ(step_for(605s), 10s);
  EXPECT_EQ(step_for(kMaxRange), 180s);
}

}  // namespace
}  // namespace mercato::gateway
