#include "core/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace mercato::metrics {
namespace {

void atomic_add(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

// Go's strconv.ParseFloat spellings, which is what Prometheus reads.
void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

void append_value(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Text format 0.0.4: label values escape backslash, double quote and newline; HELP text
// escapes only backslash and newline.
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
}

bool valid_name(std::string_view n, bool allow_colon) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// `{a="x",b="y"` plus an optional extra pair (histogram's le); the caller closes it.
void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <class Metric>
void render_samples(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                    const std::vector<std::string>& values, const Metric& m) {
  out += name;
  append_labels(out, label_names, values);
  out += ' ';
  append_value(out, m.value());
  out += '\n';
}

void render_samples(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                    const std::vector<std::string>& values, const Histogram& h) {
  const auto counts = h.cumulative_counts();
  const auto& bounds = h.bounds();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    std::string le;
    append_value(le, i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity());
    out += name;
    out += "_bucket";
    append_labels(out, label_names, values, "le", le);
    out += ' ';
    append_value(out, counts[i]);
    out += '\n';
  }
  out += name;
  out += "_sum";
  append_labels(out, label_names, values);
  out += ' ';
  append_value(out, h.sum());
  out += '\n';
  out += name;
  out += "_count";
  append_labels(out, label_names, values);
  out += ' ';
  // The +Inf bucket, not count(): read a moment apart they could disagree mid-scrape, and
  // Prometheus expects them equal.
  append_value(out, counts.back());
  out += '\n';
}

}  // namespace

void Counter::inc(double v) {
  // A counter only goes up; a negative step would look like a process restart to rate().
  if (!(v >= 0)) return;
  atomic_add(v_, v);
}

void Gauge::inc(double v) { atomic_add(v_, v); }

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::erase_if(bounds_, [](double b) { return std::isnan(b) || std::isinf(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  // First bound with v <= bound; NaN and values above every bound land in +Inf.
  const std::size_t i =
      std::isnan(v) ? bounds_.size()
                    : static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::function<std::unique_ptr<Metric>()> make)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), make_(std::move(make)) {
  if (!valid_name(name_, true)) throw std::invalid_argument("metrics: invalid metric name '" + name_ + "'");
  for (const auto& l : label_names_) {
    if (!valid_name(l, false) || l.starts_with("__") || (std::is_same_v<Metric, Histogram> && l == "le"))
      throw std::invalid_argument("metrics: invalid label name '" + l + "' for " + name_);
  }
  // A metric without labels exists from the start, so it is scraped as 0 before first use.
  if (label_names_.empty()) with({});
}

template <class Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> label_values) {
  if (label_values.size() != label_names_.size())
    throw std::invalid_argument("metrics: " + name_ + " takes " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(label_values.size()));
  // Length-prefixed, so ("a,b") and ("a","b") can never share a key. Built in a buffer this
  // thread keeps: requests look up their series several times each, and a fresh key string was
  // an allocation per lookup.
  thread_local std::string key;
  key.clear();
  for (auto v : label_values) {
    char digits[20];
    key.append(digits, std::to_chars(digits, digits + sizeof digits, v.size()).ptr);
    key += ':';
    key += v;
  }
  {
    std::shared_lock lock(mu_);
    if (auto it = children_.find(key); it != children_.end()) return *it->second.second;
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = children_.try_emplace(key);
  if (inserted) {
    it->second.first.assign(label_values.begin(), label_values.end());
    it->second.second = make_();
  }
  return *it->second.second;
}

template <class Metric>
void Family<Metric>::render(std::string& out, std::string_view type) const {
  append_header(out, name_, help_, type);
  std::shared_lock lock(mu_);
  // Sorted by label values so a scrape reads the same way every time.
  std::vector<const std::pair<std::vector<std::string>, std::unique_ptr<Metric>>*> rows;
  rows.reserve(children_.size());
  for (const auto& [key, child] : children_) rows.push_back(&child);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* row : rows) render_samples(out, name_, label_names_, row->first, *row->second);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry& Registry::global() {
  // Never destroyed: threads may still update metrics while static destructors run at exit.
  static Registry* registry = new Registry;
  return *registry;
}

namespace {

template <class F>
F* find_family(const std::vector<std::unique_ptr<F>>& v, std::string_view name) {
  for (const auto& f : v)
    if (f->name() == name) return f.get();
  return nullptr;
}

}  // namespace

namespace {

template <class F>
void check_labels(const F& f, const std::vector<std::string>& labels) {
  if (f.label_names() != labels)
    throw std::logic_error("metrics: " + f.name() + " registered again with different labels");
}

// Called once the name is known to be absent from the caller's own kind: finding it in any
// list now means another type holds it — a programming error caught at start-up.
template <class C, class G, class H, class CB>
void check_name_free(std::string_view name, const C& counters, const G& gauges, const H& histograms,
                     const CB& callbacks) {
  const bool taken = find_family(counters, name) || find_family(gauges, name) || find_family(histograms, name) ||
                     std::any_of(callbacks.begin(), callbacks.end(), [&](const auto& c) { return std::get<0>(c) == name; });
  if (taken) throw std::logic_error("metrics: " + std::string(name) + " is already registered with another type");
}

}  // namespace

namespace {

// The family `name` of the caller's own kind, registered on first use. `name_free` runs only
// for a new name: it throws when another kind holds it.
template <class F, class Make, class NameFree>
F& find_or_add(std::vector<std::unique_ptr<F>>& own, std::string_view name, std::string_view help,
               std::vector<std::string> labels, Make make, const NameFree& name_free) {
  if (auto* f = find_family(own, name)) {
    check_labels(*f, labels);
    return *f;
  }
  name_free();
  own.push_back(std::make_unique<F>(std::string(name), std::string(help), std::move(labels), std::move(make)));
  return *own.back();
}

}  // namespace

CounterFamily& Registry::counter(std::string_view name, std::string_view help, std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  return find_or_add(counters_, name, help, std::move(labels), [] { return std::make_unique<Counter>(); },
                     [&] { check_name_free(name, counters_, gauges_, histograms_, callbacks_); });
}

GaugeFamily& Registry::gauge(std::string_view name, std::string_view help, std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  return find_or_add(gauges_, name, help, std::move(labels), [] { return std::make_unique<Gauge>(); },
                     [&] { check_name_free(name, counters_, gauges_, histograms_, callbacks_); });
}

HistogramFamily& Registry::histogram(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                     std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  return find_or_add(histograms_, name, help, std::move(labels),
                     [b = std::move(buckets)] { return std::make_unique<Histogram>(b); },
                     [&] { check_name_free(name, counters_, gauges_, histograms_, callbacks_); });
}

void Registry::gauge_callback(std::string_view name, std::string_view help, std::function<double()> read) {
  add_callback(name, help, "gauge", std::move(read));
}

void Registry::counter_callback(std::string_view name, std::string_view help, std::function<double()> read) {
  add_callback(name, help, "counter", std::move(read));
}

void Registry::add_callback(std::string_view name, std::string_view help, std::string_view type,
                            std::function<double()> read) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + std::string(name) + "'");
  std::lock_guard lock(mu_);
  for (auto& c : callbacks_) {
    if (std::get<0>(c) == name) {
      if (std::get<3>(c) != type)
        throw std::logic_error("metrics: " + std::string(name) + " is already registered with another type");
      std::get<1>(c) = std::string(help);
      std::get<2>(c) = std::move(read);
      return;
    }
  }
  check_name_free(name, counters_, gauges_, histograms_, callbacks_);
  callbacks_.emplace_back(std::string(name), std::string(help), std::move(read), type);
}

void Registry::remove_gauge_callback(std::string_view name) {
  std::lock_guard lock(mu_);
  std::erase_if(callbacks_, [&](const auto& c) { return std::get<0>(c) == name; });
}

std::string Registry::render() const {
  // Held for the whole scrape so remove_gauge_callback() can promise its callback is done.
  // Updates never take this lock; only registration waits.
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string_view, std::function<void(std::string&)>>> parts;
  for (const auto& f : counters_) parts.emplace_back(f->name(), [&f](std::string& o) { f->render(o, "counter"); });
  for (const auto& f : gauges_) parts.emplace_back(f->name(), [&f](std::string& o) { f->render(o, "gauge"); });
  for (const auto& f : histograms_) parts.emplace_back(f->name(), [&f](std::string& o) { f->render(o, "histogram"); });
  for (const auto& c : callbacks_) {
    parts.emplace_back(std::get<0>(c), [&c](std::string& o) {
      append_header(o, std::get<0>(c), std::get<1>(c), std::get<3>(c));
      o += std::get<0>(c);
      o += ' ';
      append_value(o, std::get<2>(c)());
      o += '\n';
    });
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  out.reserve(parts.size() * 256);
  for (const auto& [name, render_part] : parts) render_part(out);
  return out;
}

}  // namespace mercato::metrics
