#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace mercato::metrics {
namespace {

TEST(Registry, renders_the_text_format_exactly) {
  Registry r;
  auto& requests = r.counter("http_requests_total", "Requests handled.", {"method", "status"});
  requests.with({"GET", "200"}).inc();
  requests.with({"GET", "200"}).inc(2);
  requests.with({"POST", "201"}).inc();
  r.gauge("pool_in_use", "Connections in use.\nSecond \\ line.").with({}).set(3);
  auto& latency = r.histogram("request_seconds", "Latency.", {"route"}, {0.5, 0.25, 1});
  for (double v : {0.125, 0.25, 0.5, 2.0}) latency.with({"/p"}).observe(v);
  r.gauge_callback("cache_bytes", "Bytes in L1.", [] { return 1024.0; });

  EXPECT_EQ(r.render(),
            "# HELP cache_bytes Bytes in L1.\n"
            "# TYPE cache_bytes gauge\n"
            "cache_bytes 1024\n"
            "# HELP http_requests_total Requests handled.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",status=\"200\"} 3\n"
            "http_requests_total{method=\"POST\",status=\"201\"} 1\n"
            "# HELP pool_in_use Connections in use.\\nSecond \\\\ line.\n"
            "# TYPE pool_in_use gauge\n"
            "pool_in_use 3\n"
            "# HELP request_seconds Latency.\n"
            "# TYPE request_seconds histogram\n"
            "request_seconds_bucket{route=\"/p\",le=\"0.25\"} 2\n"
            "request_seconds_bucket{route=\"/p\",le=\"0.5\"} 3\n"
            "request_seconds_bucket{route=\"/p\",le=\"1\"} 3\n"
            "request_seconds_bucket{route=\"/p\",le=\"+Inf\"} 4\n"
            "request_seconds_sum{route=\"/p\"} 2.875\n"
            "request_seconds_count{route=\"/p\"} 4\n");
}

TEST(Registry, escapes_label_values) {
  Registry r;
  r.counter("odd_total", "Odd labels.", {"v"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_NE(r.render().find("odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << r.render();
}

TEST(Registry, unlabelled_metric_is_scraped_as_zero_before_first_use) {
  Registry r;
  r.counter("started_total", "Starts.");
  auto& h = r.histogram("h_seconds", "H.", {}, {1});
  (void)h;
  EXPECT_EQ(r.render(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\nh_seconds_count 0\n"
            "# HELP started_total Starts.\n# TYPE started_total counter\nstarted_total 0\n");
}

TEST(Registry, same_name_returns_the_same_family) {
  Registry r;
  auto& a = r.counter("x_total", "X.", {"k"});
  auto& b = r.counter("x_total", "X.", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.with({"v"}), &b.with({"v"}));
}

TEST(Registry, name_reused_with_another_type_or_labels_throws) {
  Registry r;
  r.counter("x_total", "X.", {"k"});
  EXPECT_THROW(r.gauge("x_total", "X."), std::logic_error);
  EXPECT_THROW(r.counter("x_total", "X.", {"other"}), std::logic_error);
  EXPECT_THROW(r.gauge_callback("x_total", "X.", [] { return 0.0; }), std::logic_error);
}

TEST(Registry, invalid_names_throw) {
  Registry r;
  EXPECT_THROW(r.counter("bad-name", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("9lives", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {"bad:label"}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok2_total", "X.", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "X.", {"le"}), std::invalid_argument);
}

TEST(Registry, gauge_callback_is_replaced_and_removed) {
  Registry r;
  r.gauge_callback("g", "G.", [] { return 1.0; });
  r.gauge_callback("g", "G.", [] { return 2.5; });
  EXPECT_EQ(r.render(), "# HELP g G.\n# TYPE g gauge\ng 2.5\n");
  r.remove_gauge_callback("g");
  EXPECT_EQ(r.render(), "");
}

TEST(Registry, counter_callback_renders_as_a_counter) {
  Registry r;
  r.counter_callback("process_cpu_seconds_total", "CPU.", [] { return 1.25; });
  EXPECT_EQ(r.render(), "# HELP process_cpu_seconds_total CPU.\n# TYPE process_cpu_seconds_total counter\n"
                        "process_cpu_seconds_total 1.25\n");
  // One name, one type: a gauge callback may not take the counter's name.
  EXPECT_THROW(r.gauge_callback("process_cpu_seconds_total", "CPU.", [] { return 0.0; }), std::logic_error);
  r.remove_gauge_callback("process_cpu_seconds_total");
  EXPECT_EQ(r.render(), "");
}

TEST(Family, wrong_number_of_label_values_throws) {
  Registry r;
  auto& f = r.counter("y_total", "Y.", {"a", "b"});
  EXPECT_THROW(f.with({"1"}), std::invalid_argument);
  EXPECT_THROW(f.with({"1", "2", "3"}), std::invalid_argument);
}

TEST(Family, label_values_that_join_alike_stay_distinct) {
  Registry r;
  auto& f = r.counter("z_total", "Z.", {"a", "b"});
  EXPECT_NE(&f.with({"1:x", "y"}), &f.with({"1", "x:y"}));
}

TEST(Counter, concurrent_increments_are_all_counted) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.value(), 40000.0);
}

TEST(Counter, ignores_negative_steps) {
  Counter c;
  c.inc(2);
  c.inc(-1);
  EXPECT_EQ(c.value(), 2.0);
}

TEST(Gauge, goes_up_and_down) {
  Gauge g;
  g.inc(5);
  g.dec(2);
  EXPECT_EQ(g.value(), 3.0);
  g.set(-1);
  EXPECT_EQ(g.value(), -1.0);
}

TEST(Histogram, bounds_are_inclusive_and_counts_cumulative) {
  Histogram h({1, 2});
  for (double v : {0.0, 1.0, 1.5, 2.0, 3.0, -5.0}) h.observe(v);
  EXPECT_EQ(h.cumulative_counts(), (std::vector<std::uint64_t>{3, 5, 6}));
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.sum(), 2.5);
}

TEST(Histogram, sorts_and_deduplicates_bounds_and_drops_infinity) {
  Histogram h({5, 1, 5, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 5}));
  EXPECT_EQ(h.cumulative_counts().size(), 3u);
}

TEST(Histogram, default_latency_buckets_span_half_a_millisecond_to_ten_seconds) {
  const auto b = default_latency_buckets();
  EXPECT_EQ(b.front(), 0.0005);
  EXPECT_EQ(b.back(), 10.0);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

}  // namespace
}  // namespace mercato::metrics
