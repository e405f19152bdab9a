#pragma once
// The gateway's client of Prometheus' HTTP API, for the operations view: query_range and the
// alerts, each within the caller's deadline and a response-size cap, failures as values.
// Only what the view shows is kept from an answer: a series' legend and points, an alert's
// name, severity, state, start and summary — never a raw label set.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/error.hpp"
#include "http/client.hpp"
#include "services/gateway/ops_config.hpp"

namespace mercato::gateway {

struct SeriesPoint {
  double time;                  // Unix seconds
  std::optional<double> value;  // nullopt for NaN and ±Inf (a ratio of nothing, an empty histogram)
};

struct Series {
  std::string label;  // the legend labels' values joined with " / "
  std::vector<SeriesPoint> points;
};

struct FiringAlert {
  std::string name;      // alertname
  std::string severity;  // page | ticket | … (empty when the rule sets none)
  std::string state;     // firing | pending
  std::string since;     // activeAt, RFC 3339 as Prometheus writes it
  std::string summary;   // the summary annotation, at most kMaxSummary bytes
};

/// Caps on what an answer may hold, whatever Prometheus sends.
inline constexpr std::size_t kMaxSeries = 50;
inline constexpr std::size_t kMaxPointsPerSeries = 1000;
inline constexpr std::size_t kMaxAlerts = 100;
inline constexpr std::size_t kMaxSummary = 300;
inline constexpr std::size_t kMaxLabel = 100;
/// Largest Prometheus answer read; larger ones are a bad_gateway.
inline constexpr std::size_t kMaxPrometheusAnswer = 1 << 20;

/// A query_range answer (resultType "matrix") → its series, named by the values of the
/// comma-separated `legend` labels ("service,pool"; empty: every series is "total"), sorted by
/// name. Anything else (an error answer, another result type, malformed JSON) → bad_gateway.
Result<std::vector<Series>> parse_matrix(std::string_view body, std::string_view legend);

/// An /api/v1/alerts answer → the firing and pending alerts, firing first, then by severity
/// (page first) and start; inactive ones are dropped. Malformed → bad_gateway.
Result<std::vector<FiringAlert>> parse_alerts(std::string_view body);

/// `text` with every byte outside RFC 3986's unreserved set percent-encoded (a query value).
std::string percent_encode(std::string_view text);

class PrometheusClient {
 public:
  /// `endpoint` nullopt: every call answers service_unavailable (PROMETHEUS_URL unset).
  PrometheusClient(boost::asio::io_context& io, std::optional<PrometheusEndpoint> endpoint);
  ~PrometheusClient();
  PrometheusClient(const PrometheusClient&) = delete;
  PrometheusClient& operator=(const PrometheusClient&) = delete;

  bool configured() const { return upstream_ != nullptr; }

  /// GET /api/v1/query_range. Failures: not configured or unreachable → service_unavailable
  /// (503); no answer by `deadline` → gateway_timeout (504); a non-200, oversized or malformed
  /// answer → bad_gateway (502).
  boost::asio::awaitable<Result<std::vector<Series>>> query_range(std::string_view promql, std::string_view legend,
                                                                  double start, double end, std::chrono::seconds step,
                                                                  std::chrono::steady_clock::time_point deadline);
  /// GET /api/v1/alerts, with the failures of query_range.
  boost::asio::awaitable<Result<std::vector<FiringAlert>>> alerts(std::chrono::steady_clock::time_point deadline);

  /// Closes idle connections (at shutdown).
  void close_idle() { client_.close_idle(); }

 private:
  boost::asio::awaitable<Result<std::string>> get(std::string target, std::chrono::steady_clock::time_point deadline);

  std::optional<PrometheusEndpoint> endpoint_;
  http::Client client_;
  http::Upstream* upstream_ = nullptr;
};

}  // namespace mercato::gateway
