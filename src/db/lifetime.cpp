#include "db/lifetime.hpp"

#include <algorithm>
#include <cstdint>

#include "core/ids.hpp"

namespace mercato::db {

config::Duration connection_lifetime(config::Duration max, double u) {
  if (max <= config::Duration::zero()) return max;
  u = std::clamp(u, 0.0, 1.0);
  const double share = 1.0 - (1.0 - kLifetimeFloor) * u;
  return std::chrono::duration_cast<config::Duration>(max * share);
}

double lifetime_draw() {
  std::uint32_t bits = 0;
  ids::random_bytes(reinterpret_cast<unsigned char*>(&bits), sizeof bits);
  return static_cast<double>(bits) / 4294967296.0;  // [0, 1)
}

}  // namespace mercato::db
