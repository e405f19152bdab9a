#include "services/gateway/ops_prometheus.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/detached.hpp>

namespace mercato::gateway {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(OpsPrometheus, matrix_series_are_named_by_the_legend_labels_and_sorted) {
  auto s = parse_matrix(R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"service":"identity","pool":"primary","instance":"10.0.0.1:9"},"values":[[1700000000,"0.25"],[1700000010.5,"1"]]},
      {"metric":{"service":"catalog","pool":"primary"},"values":[[1700000000,"NaN"],[1700000010.5,"+Inf"],[1700000020,"3e-3"]]}]}})",
                        "service,pool");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].label, "catalog / primary");
  EXPECT_EQ((*s)[1].label, "identity / primary");
  ASSERT_EQ((*s)[0].points.size(), 3u);
  EXPECT_FALSE((*s)[0].points[0].value);  // NaN: no value, not a zero
  EXPECT_FALSE((*s)[0].points[1].value);
  EXPECT_DOUBLE_EQ(*(*s)[0].points[2].value, 0.003);
  EXPECT_DOUBLE_EQ((*s)[1].points[1].time, 1700000010.5);
  EXPECT_DOUBLE_EQ(*(*s)[1].points[0].value, 0.25);
}

TEST(OpsPrometheus, a_series_without_a_legend_label_is_total_or_dash) {
  auto s = parse_matrix(R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"]]}]}})", "");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)[0].label, "total");
  s = parse_matrix(R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[]}]}})", "tier");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)[0].label, "-");
}

TEST(OpsPrometheus, series_and_points_are_capped) {
  std::string body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
  for (int i = 0; i < 60; ++i) {
    if (i) body += ",";
    body += R"({"metric":{"service":"s)" + std::to_string(100 + i) + R"("},"values":[)";
    for (int p = 0; p < (i == 0 ? 1200 : 1); ++p) body += (p ? ",[" : "[") + std::to_string(p) + R"(,"1"])";
    body += "]}";
  }
  body += "]}}";
  auto s = parse_matrix(body, "service");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->size(), kMaxSeries);
  EXPECT_EQ((*s)[0].points.size(), kMaxPointsPerSeries);
}

TEST(OpsPrometheus, error_answers_and_other_shapes_are_bad_gateway) {
  for (std::string_view body :
       {R"({"status":"error","errorType":"bad_data","error":"parse error"})", "not json", "[]",
        R"({"status":"success","data":{"resultType":"vector","result":[]}})",
        R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1]]}]}})",
        R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[]}]}})"}) {
    auto s = parse_matrix(body, "service");
    ASSERT_FALSE(s) << body;
    EXPECT_EQ(s.error().code, ErrorCode::bad_gateway) << body;
  }
}

TEST(OpsPrometheus, alerts_keep_name_severity_state_since_summary_only_firing_first) {
  auto a = parse_alerts(R"({"status":"success","data":{"alerts":[
      {"labels":{"alertname":"RouteErrorRatioHigh","severity":"ticket","route":"/x","secret":"s3"},"annotations":{"summary":"over 5 %","description":"long"},"state":"firing","activeAt":"2026-12-04T23:00:00Z","value":"1"},
      {"labels":{"alertname":"TargetDown","severity":"page"},"annotations":{"summary":"gone"},"state":"pending","activeAt":"2026-12-04T22:00:00Z"},
      {"labels":{"alertname":"Old"},"annotations":{},"state":"inactive"},
      {"labels":{"alertname":"AvailabilityBudgetBurnFast","severity":"page"},"annotations":{"summary":"burning"},"state":"firing","activeAt":"2026-12-04T23:30:00Z"}]}})");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ((*a)[0].name, "AvailabilityBudgetBurnFast");
  EXPECT_EQ((*a)[0].severity, "page");
  EXPECT_EQ((*a)[1].name, "RouteErrorRatioHigh");
  EXPECT_EQ((*a)[1].state, "firing");
  EXPECT_EQ((*a)[1].since, "2026-12-04T23:00:00Z");
  EXPECT_EQ((*a)[1].summary, "over 5 %");
  EXPECT_EQ((*a)[2].name, "TargetDown");
  EXPECT_EQ((*a)[2].state, "pending");
}

TEST(OpsPrometheus, a_long_summary_is_cut_on_a_character_boundary) {
  std::string summary;
  for (int i = 0; i < 200; ++i) summary += "é";  // 2 bytes each
  auto a = parse_alerts(R"({"status":"success","data":{"alerts":[{"labels":{"alertname":"A"},"annotations":{"summary":")" +
                        summary + R"("},"state":"firing","activeAt":"x"}]}})");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[0].summary, summary.substr(0, kMaxSummary));  // 150 whole characters

  a = parse_alerts(R"({"status":"success","data":{"alerts":[{"labels":{"alertname":"A"},"annotations":{"summary":"x)" +
                   summary + R"("},"state":"firing","activeAt":"x"}]}})");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[0].summary, "x" + summary.substr(0, kMaxSummary - 2));  // not half of the 150th
}

TEST(OpsPrometheus, percent_encoding_leaves_only_unreserved_bytes) {
  EXPECT_EQ(percent_encode(R"(sum by (service) (rate(x{a=~"5.."}[1m])))"),
            "sum%20by%20%28service%29%20%28rate%28x%7Ba%3D~%225..%22%7D%5B1m%5D%29%29");
  EXPECT_EQ(percent_encode("a&b=c+d"), "a%26b%3Dc%2Bd");
}

// Result has no default constructor, which use_future needs: the answer goes through an optional.
template <class T>
asio::awaitable<void> store(asio::awaitable<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> out;
  asio::co_spawn(io, store(std::move(task), &out), asio::detached);
  io.run();
  return std::move(*out);
}

TEST(OpsPrometheus, without_a_url_every_call_is_503_naming_the_variable) {
  asio::io_context io;
  PrometheusClient client(io, std::nullopt);
  EXPECT_FALSE(client.configured());
  auto r = run(io, client.alerts(std::chrono::steady_clock::now() + 1s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 503);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "PROMETHEUS_URL");
}

TEST(OpsPrometheus, a_prometheus_that_refuses_connections_is_503_at_once) {
  asio::io_context io;
  // A port nobody listens on: bind one, note it, close it.
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  PrometheusClient client(io, PrometheusEndpoint{{"127.0.0.1", port}, ""});
  const auto start = std::chrono::steady_clock::now();
  auto r = run(io, client.query_range("up", "", 0, 60, 5s, start + 5s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 503);
  EXPECT_EQ(r.error().message, "Prometheus cannot be reached");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(OpsPrometheus, a_prometheus_that_never_answers_is_504_at_the_deadline) {
  asio::io_context io;
  // Listens (the kernel completes the handshake) but never reads nor answers.
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  PrometheusClient client(io, PrometheusEndpoint{{"127.0.0.1", silent.local_endpoint().port()}, ""});
  const auto start = std::chrono::steady_clock::now();
  auto r = run(io, client.alerts(start + 300ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 504);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace mercato::gateway
