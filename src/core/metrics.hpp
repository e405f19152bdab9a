#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format for GET /metrics. Written here because Debian 12 packages no C++
// Prometheus client. Updates are lock-free atomics; looking up a labelled child takes a shared
// lock, so hot paths keep the child reference (see http/middleware).

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mercato::metrics {

class Counter {
 public:
  void inc(double v = 1.0);
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0.0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1.0);
  void dec(double v = 1.0) { inc(-v); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Cumulative counts per bound, then +Inf; plus sum.
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

/// Default latency buckets in seconds: 0.5 ms … 10 s.
std::vector<double> default_latency_buckets();

template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make);
  /// The child for these label values (created on first use). Values must match the label
  /// names in number. The reference stays valid for the registry's lifetime.
  Metric& with(std::initializer_list<std::string_view> label_values);
  void render(std::string& out, std::string_view type) const;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::pair<std::vector<std::string>, std::unique_ptr<Metric>>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  /// The process-wide registry that /metrics renders.
  static Registry& global();

  /// Returns the family of that name, creating it on first call (later calls with the same
  /// name return the same family).
  CounterFamily& counter(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help, std::vector<std::string> labels = {},
                             std::vector<double> buckets = default_latency_buckets());
  /// A gauge read at scrape time (pool sizes, cache bytes). `read` runs on the scraping
  /// thread under the registry's lock (so it must not call the registry) and must stay
  /// callable until it is removed; registering the same name again replaces it.
  void gauge_callback(std::string_view name, std::string_view help, std::function<double()> read);
  /// A counter read at scrape time, under the same rules: for totals the kernel keeps
  /// (process_cpu_seconds_total). `read` must never go down while the process lives.
  void counter_callback(std::string_view name, std::string_view help, std::function<double()> read);
  /// Drops a callback gauge or counter; once this returns, its `read` is never called again
  /// (call it before destroying what `read` looks at).
  void remove_gauge_callback(std::string_view name);

  /// Prometheus text format 0.0.4.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  void add_callback(std::string_view name, std::string_view help, std::string_view type, std::function<double()> read);

  // name, help, read, type ("gauge" or "counter")
  std::vector<std::tuple<std::string, std::string, std::function<double()>, std::string_view>> callbacks_;
};

}  // namespace mercato::metrics
