#include "services/catalog/search_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "services/catalog/validate.hpp"

namespace mercato::catalog {

namespace {

// The most rows a walk for `wanted` rows may test (walk_budget's ceiling, before the list's size).
double walk_ceiling(double wanted) { return std::max(kWalkRowsFloor, kWalkRowsPerWanted * wanted); }

}  // namespace

bool should_walk(bool common, double estimate, bool exact, double wanted, std::int64_t live) {
  if (!common || live <= 0 || kWalkBias * estimate * estimate < wanted * static_cast<double>(live)) return false;
  return !exact || wanted * static_cast<double>(live) / std::max(estimate, 1.0) <= walk_ceiling(wanted) * 2 / 3;
}

std::int64_t walk_budget(double wanted, double estimate, std::int64_t live) {
  const double expected = wanted * static_cast<double>(live) / std::max(estimate, 1.0);
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

Total words_total(std::optional<std::int64_t> counted, double estimate, std::int64_t seen) {
  if (counted && *counted <= kExactCountCap) return Total{*counted, true};
  return Total{std::max({static_cast<std::int64_t>(std::llround(estimate)), kExactCountCap, seen}), false};
}

Total collected_total(bool common, std::int64_t matched, double estimate, std::int64_t seen) {
  return common ? words_total(matched, estimate, seen) : Total{matched, true};
}

}  // namespace mercato::catalog
