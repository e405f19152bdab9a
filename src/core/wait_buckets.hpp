#pragma once
// Histogram buckets for time spent waiting in a line (a database pool's, a bulkhead's), in
// seconds: 1 ms to 30 s. A caller waits at most its deadline (30 s by default), and a wait
// under a millisecond is not worth telling apart.

#include <vector>

namespace mercato::metrics {

inline std::vector<double> wait_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

}  // namespace mercato::metrics
