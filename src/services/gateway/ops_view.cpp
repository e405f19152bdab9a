#include "services/gateway/ops_view.hpp"

#include <cmath>

namespace mercato::gateway {

boost::asio::awaitable<Result<PanelsAnswer>> OpsView::series(const SeriesQuery& q,
                                                             std::chrono::system_clock::time_point now,
                                                             std::chrono::steady_clock::time_point deadline) {
  // The end is aligned to the step, so the points of two refreshes fall on the same instants
  // and a chart moves by whole steps instead of wobbling.
  const double step = static_cast<double>(q.step.count());
  const double wall = std::chrono::duration<double>(now.time_since_epoch()).count();
  PanelsAnswer answer;
  answer.end = std::floor(wall / step) * step;
  const double start = answer.end - static_cast<double>(q.range.count());
  for (const Panel* p : q.panels) {
    auto series = co_await prometheus_.query_range(p->query, p->legend, start, answer.end, q.step, deadline);
    if (!series) co_return std::move(series).error();
    answer.panels.push_back({p, std::move(*series)});
  }
  co_return answer;
}

}  // namespace mercato::gateway
