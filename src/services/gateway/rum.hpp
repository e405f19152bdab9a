#pragma once
// Real-user monitoring: the dashboard reports Web Vitals (LCP, INP, CLS, TTFB, FCP) to
// POST /api/v1/rum, and the gateway exports them as Prometheus histograms — instead of the
// brief's third-party APM service. The body is validated like any other (it comes from
// browsers, so from anyone), and the route sits behind the shared rate limit like all /api/.
//
//   {"page":"/products/[id]","metrics":[{"name":"LCP","value":1234.5,"rating":"good",
//     "id":"v4-…","navigation_type":"navigate"}]}
//
// Only the metric name and rating become labels: pages and ids are client-chosen text and
// would let anyone grow the metric set without bound.

#include <string_view>

#include "core/error.hpp"
#include "http/router.hpp"

namespace mercato::gateway {

struct VitalSample {
  std::string_view name;    // LCP | INP | CLS | TTFB | FCP
  double value;             // ms, except CLS (unitless)
  std::string_view rating;  // good | needs-improvement | poor
};

/// Parses and validates a report; every bad field is listed in the Error's details.
Result<std::vector<VitalSample>> parse_rum_report(std::string_view body);

/// Registers POST /api/v1/rum (204 on success).
void install_rum_route(http::Router& router);

}  // namespace mercato::gateway
