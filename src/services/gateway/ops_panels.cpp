#include "services/gateway/ops_panels.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace mercato::gateway {

namespace {

using namespace std::chrono_literals;

// User traffic only: probes and scrapes are not what the shop's users see (the same filter as
// deploy/prometheus/rules/slo.yml).
#define USER_TRAFFIC R"(route!~"/health/.*|/metrics")"

// 1-minute windows, not the 5m+ recording rules of slo.yml: those are the SLO's windows, built
// for burn-rate alerts, and would show a burst minutes late and flattened. The view answers
// "what is happening now"; the alerts (listed beside it) answer "is the SLO at risk".
constexpr Panel kPanels[] = {
    {"rate", "Requests per second", "req/s",
     "sum by (service) (rate(http_requests_total{" USER_TRAFFIC "}[1m]))", "service"},
    // A service without a 5xx has 0, not a missing series (the `or` arm), as in slo.yml.
    {"errors", "Server errors (5xx share)", "ratio",
     "(sum by (service) (rate(http_requests_total{status=~\"5..\", " USER_TRAFFIC "}[1m]))"
     " or 0 * sum by (service) (rate(http_requests_total{" USER_TRAFFIC "}[1m])))"
     " / sum by (service) (rate(http_requests_total{" USER_TRAFFIC "}[1m]))",
     "service"},
    {"client_errors", "Client errors (4xx per second)", "req/s",
     "sum by (service) (rate(http_requests_total{status=~\"4..\", " USER_TRAFFIC "}[1m]))"
     " or 0 * sum by (service) (rate(http_requests_total{" USER_TRAFFIC "}[1m]))",
     "service"},
    {"latency_p50", "Latency p50", "seconds",
     "histogram_quantile(0.5, sum by (service, le) (rate(http_request_duration_seconds_bucket{" USER_TRAFFIC "}[1m])))",
     "service"},
    {"latency_p99", "Latency p99", "seconds",
     "histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{" USER_TRAFFIC "}[1m])))",
     "service"},
    // Of the lookups that reach a tier: L2 sees only L1's misses.
    {"cache_hit_ratio", "Cache hit ratio by tier", "ratio",
     "sum by (tier) (rate(cache_requests_total{result=\"hit\"}[1m])) / sum by (tier) (rate(cache_requests_total[1m]))",
     "tier"},
    // Busy connections over DB_MAX_OPEN_CONNS, as the DatabasePoolSaturated alert reads them.
    {"db_pool_saturation", "Database pool saturation", "ratio",
     "sum by (service, pool) (db_pool_connections{state=\"busy\"}) / sum by (service, pool) (db_pool_max_connections)",
     "service,pool"},
    {"db_pool_waiters", "Callers waiting for a database connection", "count",
     "sum by (service, pool) (db_pool_waiters)", "service,pool"},
    {"alerts_firing", "Firing alerts", "count", "count(ALERTS{alertstate=\"firing\"}) or vector(0)", ""},
};

#undef USER_TRAFFIC

/// `prefix` + `s` (at most 64 bytes, control and non-ASCII bytes as '?') + `suffix`. Built by
/// appending: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string.
std::string quoted(std::string_view prefix, std::string_view s, std::string_view suffix) {
  std::string out(prefix);
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  out += suffix;
  return out;
}

static_assert(kMinRange.count() == 60 && kMaxRange.count() == 21600, "parse_series_query's message names the bounds");

std::string printable(std::string_view s) { return quoted("", s, ""); }

}  // namespace

std::span<const Panel> panels() { return kPanels; }

const Panel* find_panel(std::string_view name) {
  for (const auto& p : kPanels)
    if (p.name == name) return &p;
  return nullptr;
}

std::chrono::seconds step_for(std::chrono::seconds range) {
  for (auto s : {5s, 10s, 15s, 30s, 60s, 120s, 180s})
    if (range / s + 1 <= kMaxPoints) return s;
  return 180s;  // kMaxRange / 180 s + 1 = 121
}

Result<SeriesQuery> parse_series_query(const http::Request& req) {
  SeriesQuery q;
  std::vector<FieldError> details;
  for (const auto& name : req.query_names())
    if (name != "panel" && name != "range") details.push_back({printable(name), "is not a known parameter"});

  auto list = req.query_param("panel");
  if (!list || list->empty()) {
    details.push_back({"panel", "is required: one or more panel names, comma-separated"});
  } else {
    std::string_view rest = *list;
    while (true) {
      auto comma = rest.find(',');
      std::string_view name = rest.substr(0, comma);
      const Panel* p = find_panel(name);
      if (!p) {
        details.push_back({"panel", quoted("unknown panel \"", name, "\"")});
      } else if (std::find(q.panels.begin(), q.panels.end(), p) != q.panels.end()) {
        details.push_back({"panel", quoted("\"", name, "\" is asked for more than once")});
      } else {
        q.panels.push_back(p);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  if (auto r = req.query_param("range")) {
    long long n = 0;
    auto [end, ec] = std::from_chars(r->data(), r->data() + r->size(), n);
    if (r->empty() || ec != std::errc{} || end != r->data() + r->size() || n < kMinRange.count() || n > kMaxRange.count())
      details.push_back({"range", "must be whole seconds from 60 to 21600"});
    else
      q.range = std::chrono::seconds(n);
  }
  if (!details.empty()) return Error{ErrorCode::validation_failed, "invalid operations series request", std::move(details)};
  q.step = step_for(q.range);
  return q;
}

}  // namespace mercato::gateway
