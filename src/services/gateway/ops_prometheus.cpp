#include "services/gateway/ops_prometheus.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/json.hpp"

namespace mercato::gateway {

namespace {

namespace asio = boost::asio;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Error malformed(std::string what) { return Error{ErrorCode::bad_gateway, "Prometheus answered " + std::move(what)}; }

std::string_view clip(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  // Cut before the last character when the cut would leave half of it (UTF-8).
  std::size_t start = n;
  while (start > 0 && n - start < 4 && (static_cast<unsigned char>(s[start - 1]) & 0xC0) == 0x80) --start;
  if (start == 0) return s.substr(0, n);
  --start;  // the last character's first byte
  const auto lead = static_cast<unsigned char>(s[start]);
  const std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  return s.substr(0, start + len <= n ? n : start);
}

/// The `data` member of a {"status":"success","data":…} answer.
Result<element> success_data(const json::Document& doc) {
  object root;
  if (doc.root().get(root) != simdjson::SUCCESS) return malformed("something that is not a JSON object");
  std::string_view status;
  if (root["status"].get(status) != simdjson::SUCCESS || status != "success") return malformed("with an error");
  element data;
  if (root["data"].get(data) != simdjson::SUCCESS) return malformed("without data");
  return data;
}

std::optional<double> sample_value(std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;  // NaN, ±Inf
  return v;
}

std::string legend_of(object metric, std::string_view legend) {
  if (legend.empty()) return "total";
  std::string out;
  while (true) {
    auto comma = legend.find(',');
    std::string_view name = legend.substr(0, comma);
    std::string_view value;
    if (metric[name].get(value) != simdjson::SUCCESS || value.empty()) value = "-";
    if (!out.empty()) out += " / ";
    out += clip(value, kMaxLabel);
    if (comma == std::string_view::npos) break;
    legend.remove_prefix(comma + 1);
  }
  return out;
}

/// The string member `key` of `o`, or "" when absent or not a string.
std::string_view text_of(object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

int severity_rank(std::string_view s) { return s == "page" ? 0 : s == "ticket" ? 1 : 2; }

Error from_client(const Error& e) {
  if (e.reason == http::upstream_failure::connect)
    return Error{ErrorCode::service_unavailable, "Prometheus cannot be reached"};
  if (e.code == ErrorCode::gateway_timeout) return Error{ErrorCode::gateway_timeout, "Prometheus did not answer in time"};
  if (e.reason == http::upstream_failure::protocol)
    return Error{ErrorCode::bad_gateway, "Prometheus' answer was malformed or larger than 1 MiB"};
  return Error{ErrorCode::bad_gateway, "the connection to Prometheus failed"};
}

http::ClientOptions client_options() {
  http::ClientOptions o;
  o.connect_timeout = std::chrono::milliseconds(1000);
  o.max_idle_per_upstream = 8;
  o.max_response_body = kMaxPrometheusAnswer;
  return o;
}

}  // namespace

Result<std::vector<Series>> parse_matrix(std::string_view body, std::string_view legend) {
  auto doc = json::Document::parse(body);
  if (!doc) return malformed("something that is not JSON");
  auto data = success_data(**doc);
  if (!data) return std::move(data).error();
  std::string_view type;
  array result;
  if ((*data)["resultType"].get(type) != simdjson::SUCCESS || type != "matrix" ||
      (*data)["result"].get(result) != simdjson::SUCCESS)
    return malformed("something that is not a matrix");
  std::vector<Series> out;
  for (element item : result) {
    if (out.size() == kMaxSeries) break;
    object series;
    object metric;
    array values;
    if (item.get(series) != simdjson::SUCCESS || series["metric"].get(metric) != simdjson::SUCCESS ||
        series["values"].get(values) != simdjson::SUCCESS)
      return malformed("a series without metric or values");
    Series s{legend_of(metric, legend), {}};
    for (element pair : values) {
      if (s.points.size() == kMaxPointsPerSeries) break;
      array tv;
      double t = 0;
      std::string_view v;
      if (pair.get(tv) != simdjson::SUCCESS || tv.size() != 2 || tv.at(0).get(t) != simdjson::SUCCESS ||
          tv.at(1).get(v) != simdjson::SUCCESS)
        return malformed("a sample that is not [time, \"value\"]");
      s.points.push_back({t, sample_value(v)});
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Series& a, const Series& b) { return a.label < b.label; });
  return out;
}

Result<std::vector<FiringAlert>> parse_alerts(std::string_view body) {
  auto doc = json::Document::parse(body);
  if (!doc) return malformed("something that is not JSON");
  auto data = success_data(**doc);
  if (!data) return std::move(data).error();
  array alerts;
  if ((*data)["alerts"].get(alerts) != simdjson::SUCCESS) return malformed("without an alert list");
  std::vector<FiringAlert> out;
  for (element item : alerts) {
    object a;
    object labels;
    std::string_view state;
    if (item.get(a) != simdjson::SUCCESS || a["labels"].get(labels) != simdjson::SUCCESS ||
        a["state"].get(state) != simdjson::SUCCESS)
      return malformed("an alert without labels or state");
    if (state != "firing" && state != "pending") continue;
    if (out.size() == kMaxAlerts) break;
    std::string_view name = text_of(labels, "alertname"), severity = text_of(labels, "severity");
    std::string_view since = text_of(a, "activeAt"), summary;
    object annotations;
    if (a["annotations"].get(annotations) == simdjson::SUCCESS) summary = text_of(annotations, "summary");
    out.push_back({std::string(clip(name, kMaxLabel)), std::string(clip(severity, kMaxLabel)), std::string(state),
                   std::string(clip(since, 40)), std::string(clip(summary, kMaxSummary))});
  }
  std::stable_sort(out.begin(), out.end(), [](const FiringAlert& x, const FiringAlert& y) {
    if (x.state != y.state) return x.state == "firing";
    if (severity_rank(x.severity) != severity_rank(y.severity)) return severity_rank(x.severity) < severity_rank(y.severity);
    return x.since < y.since;  // RFC 3339 in UTC sorts as text
  });
  return out;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

PrometheusClient::PrometheusClient(asio::io_context& io, std::optional<PrometheusEndpoint> endpoint)
    : endpoint_(std::move(endpoint)), client_(io, client_options()) {
  if (endpoint_) upstream_ = &client_.upstream(endpoint_->address);
}

PrometheusClient::~PrometheusClient() = default;

asio::awaitable<Result<std::string>> PrometheusClient::get(std::string target,
                                                           std::chrono::steady_clock::time_point deadline) {
  if (!upstream_)
    co_return Error{ErrorCode::service_unavailable, "the operations view is off: the gateway has no PROMETHEUS_URL",
                    {{"PROMETHEUS_URL", "is not set"}}};
  target = endpoint_->path_prefix + target;
  http::ClientRequest req;
  req.target = target;
  req.headers = {{"Accept", "application/json"}};
  auto res = co_await client_.send(*upstream_, req, deadline);
  if (!res) co_return from_client(res.error());
  if (res->status == 503) co_return Error{ErrorCode::service_unavailable, "Prometheus is not ready"};
  if (res->status != 200)
    co_return Error{ErrorCode::bad_gateway, "Prometheus answered HTTP " + std::to_string(res->status)};
  co_return std::move(res->body);
}

asio::awaitable<Result<std::vector<Series>>> PrometheusClient::query_range(
    std::string_view promql, std::string_view legend, double start, double end, std::chrono::seconds step,
    std::chrono::steady_clock::time_point deadline) {
  char times[96];
  std::snprintf(times, sizeof times, "&start=%.3f&end=%.3f&step=%lld", start, end,
                static_cast<long long>(step.count()));
  std::string target = "/api/v1/query_range?query=" + percent_encode(promql) + times;
  auto body = co_await get(std::move(target), deadline);
  if (!body) co_return std::move(body).error();
  co_return parse_matrix(*body, legend);
}

asio::awaitable<Result<std::vector<FiringAlert>>> PrometheusClient::alerts(std::chrono::steady_clock::time_point deadline) {
  std::string target = "/api/v1/alerts";
  auto body = co_await get(std::move(target), deadline);
  if (!body) co_return std::move(body).error();
  co_return parse_alerts(*body);
}

}  // namespace mercato::gateway
