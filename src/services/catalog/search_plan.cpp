#include "services/catalog/search_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "services/catalog/validate.hpp"

namespace mercato::catalog {

namespace {
/// The rows a walk is expected to test: wanted rows at the estimate's density.
double expected_walk(double wanted, double estimate, std::int64_t live) {
  return wanted * static_cast<double>(live) / std::max(estimate, 1.0);
}

double walk_ceiling(double wanted) { return std::max(kWalkRowsFloor, kWalkRowsPerWanted * wanted); }
}  // namespace

bool should_walk(bool common, double estimate, double wanted, std::int64_t live) {
  return common && live > 0 && kWalkBias * estimate * estimate >= wanted * static_cast<double>(live) &&
         expected_walk(wanted, estimate, live) <= walk_ceiling(wanted);
}

std::int64_t walk_budget(double wanted, double estimate, std::int64_t live) {
  const double expected = expected_walk(wanted, estimate, live);
  const double budget = std::min(std::max(4 * expected, 4 * wanted), walk_ceiling(wanted));
  return std::min<std::int64_t>(live, static_cast<std::int64_t>(std::ceil(budget)));
}

std::pair<std::string, std::string> sku_range(std::string_view q) {
  if (!valid_sku(q)) return {"", ""};
  std::string lo(q);
  for (char& c : lo) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string hi = lo;
  hi.back() = static_cast<char>(hi.back() + 1);
  return {lo, hi};
}

}  // namespace mercato::catalog
