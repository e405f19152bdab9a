#pragma once
// The operations view's fixed table of panels: each a name the dashboard asks for and the one
// PromQL expression the gateway runs for it. The browser never sends PromQL, so nobody can make
// the gateway run an expensive or revealing query through it; adding a panel is a change here.

#include <chrono>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

struct Panel {
  std::string_view name;   // what the dashboard asks for: "rate", "latency_p99", …
  std::string_view title;  // a heading for humans
  std::string_view unit;   // "req/s" | "ratio" (0-1) | "seconds" | "count"
  std::string_view query;  // PromQL, run with query_range
  /// Labels whose values name a series, joined with " / " ("service", "service,pool"); the
  /// answer carries only these, never a raw label set.
  std::string_view legend;
};

/// Every panel, in the order the view shows them.
std::span<const Panel> panels();
/// The panel called `name`, or nullptr.
const Panel* find_panel(std::string_view name);

/// Bounds of a series request: at most kMaxPoints points per series whatever the range.
inline constexpr std::chrono::seconds kDefaultRange{900};
inline constexpr std::chrono::seconds kMinRange{60};
inline constexpr std::chrono::seconds kMaxRange{6 * 3600};
inline constexpr int kMaxPoints = 121;

struct SeriesQuery {
  std::vector<const Panel*> panels;  // distinct, in the order asked
  std::chrono::seconds range{kDefaultRange};
  std::chrono::seconds step{};
};

/// The step for `range`: the smallest of 5 s, 10 s, 15 s, 30 s, 1 min, 2 min, 3 min that keeps
/// the points per series at or under kMaxPoints (range / step + 1).
std::chrono::seconds step_for(std::chrono::seconds range);

/// Reads `?panel=<name>[,<name>…]&range=<seconds>` of GET /api/v1/admin/ops/series. `panel` is
/// required (one or more names of the table, comma-separated, each at most once); `range` is
/// whole seconds from kMinRange to kMaxRange (default kDefaultRange). Anything else, unknown
/// parameters included, is a validation_failed (422, as the catalog answers bad list parameters)
/// listing every problem in its details.
Result<SeriesQuery> parse_series_query(const http::Request& req);

}  // namespace mercato::gateway
