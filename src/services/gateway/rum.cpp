#include "services/gateway/rum.hpp"

#include <array>
#include <cmath>
#include <string>

#include "core/json.hpp"
#include "core/metrics.hpp"
#include "http/envelope.hpp"

namespace mercato::gateway {

namespace {

constexpr std::size_t kMaxBody = 8 * 1024;  // a report is a few hundred bytes
constexpr std::size_t kMaxMetrics = 10;
constexpr std::array<std::string_view, 5> kNames{"LCP", "INP", "CLS", "TTFB", "FCP"};
constexpr std::array<std::string_view, 3> kRatings{"good", "needs-improvement", "poor"};

template <std::size_t N>
std::string_view find_in(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return s;  // a view of the constant, not of the request
  return {};
}

struct Histograms {
  metrics::HistogramFamily& timing = metrics::Registry::global().histogram(
      "web_vitals_seconds", "Web Vitals timings reported by browsers (LCP, INP, TTFB, FCP)", {"metric", "rating"},
      {0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.8, 2.5, 4.0, 6.0, 10.0});
  metrics::HistogramFamily& cls = metrics::Registry::global().histogram(
      "web_vitals_cls", "Cumulative Layout Shift reported by browsers", {"rating"},
      {0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0});
  metrics::CounterFamily& reports =
      metrics::Registry::global().counter("web_vitals_reports_total", "RUM reports received", {"result"});
};

Histograms& histograms() {
  static Histograms h;
  return h;
}

}  // namespace

Result<std::vector<VitalSample>> parse_rum_report(std::string_view body) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  simdjson::dom::object root;
  if ((*doc)->root().get(root) != simdjson::SUCCESS) return bad_request("a RUM report is a JSON object");
  std::vector<FieldError> details;
  std::vector<VitalSample> samples;
  for (auto [key, value] : root) {
    if (key == "page") {
      std::string_view page;
      if (value.get(page) != simdjson::SUCCESS || page.size() > 200) details.push_back({"page", "must be a string of at most 200 characters"});
    } else if (key == "metrics") {
      simdjson::dom::array list;
      if (value.get(list) != simdjson::SUCCESS || list.size() == 0 || list.size() > kMaxMetrics) {
        details.push_back({"metrics", "must be an array of 1 to 10 measurements"});
        continue;
      }
      std::size_t i = 0;
      for (auto item : list) {
        std::string where = "metrics[" + std::to_string(i++) + "]";
        simdjson::dom::object m;
        if (item.get(m) != simdjson::SUCCESS) {
          details.push_back({where, "must be an object"});
          continue;
        }
        VitalSample s{{}, -1, {}};
        for (auto [k, v] : m) {
          if (k == "name") {
            std::string_view n;
            if (v.get(n) == simdjson::SUCCESS) s.name = find_in(kNames, n);
            if (s.name.empty()) details.push_back({where + ".name", "must be one of LCP, INP, CLS, TTFB, FCP"});
          } else if (k == "value") {
            double d;
            if (v.get(d) != simdjson::SUCCESS || !std::isfinite(d) || d < 0 || d > 600000)
              details.push_back({where + ".value", "must be a number from 0 to 600000"});
            else
              s.value = d;
          } else if (k == "rating") {
            std::string_view r;
            if (v.get(r) == simdjson::SUCCESS) s.rating = find_in(kRatings, r);
            if (s.rating.empty()) details.push_back({where + ".rating", "must be good, needs-improvement or poor"});
          } else if (k == "id" || k == "navigation_type") {
            std::string_view t;
            if (v.get(t) != simdjson::SUCCESS || t.size() > 100)
              details.push_back({where + "." + std::string(k), "must be a string of at most 100 characters"});
          } else {
            details.push_back({where + "." + std::string(k), "is not a known field"});
          }
        }
        if (s.name.empty() && m["name"].error()) details.push_back({where + ".name", "is required"});
        if (s.value < 0 && m["value"].error()) details.push_back({where + ".value", "is required"});
        if (s.rating.empty()) s.rating = "good";
        samples.push_back(s);
      }
    } else {
      details.push_back({std::string(key), "is not a known field"});
    }
  }
  if (root["metrics"].error()) details.push_back({"metrics", "is required"});
  if (!details.empty()) return validation_failed(std::move(details));
  return samples;
}

void install_rum_route(http::Router& router) {
  router.post("/api/v1/rum", [](http::Request& req) -> boost::asio::awaitable<http::Response> {
    auto& h = histograms();
    if (req.body.size() > kMaxBody) {
      h.reports.with({"rejected"}).inc();
      co_return http::error_response(Error{ErrorCode::payload_too_large, "a RUM report is at most 8 KiB"});
    }
    // sendBeacon sends a Blob's own type; a string body arrives as text/plain.
    auto type = req.header("Content-Type").value_or("");
    if (!type.starts_with("application/json") && !type.starts_with("text/plain")) {
      h.reports.with({"rejected"}).inc();
      co_return http::error_response(Error{ErrorCode::unsupported_media_type, "send the report as application/json"});
    }
    auto samples = parse_rum_report(req.body);
    if (!samples) {
      h.reports.with({"rejected"}).inc();
      co_return http::error_response(samples.error());
    }
    for (const auto& s : *samples) {
      if (s.name == "CLS") h.cls.with({s.rating}).observe(s.value);
      else h.timing.with({s.name, s.rating}).observe(s.value / 1000.0);
    }
    h.reports.with({"accepted"}).inc();
    co_return http::no_content();
  });
}

}  // namespace mercato::gateway
