#include "services/catalog/search_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "services/catalog/validate.hpp"

namespace mercato::catalog {

bool should_walk(bool common, double estimate, double wanted, std::int64_t live) {
  return common && live > 0 && kWalkBias * estimate * estimate >= wanted * static_cast<double>(live);
}

std::int64_t walk_budget(double wanted, double estimate, std::int64_t live) {
  const double expected = wanted * static_cast<double>(live) / std::max(estimate, 1.0);
  const double ceiling = std::max(kWalkRowsFloor, kWalkRowsPerWanted * wanted);
  const double budget = std::min(std::max(4 * expected, 4 * wanted), ceiling);
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
