#pragma once
// Page arithmetic and the list `meta` objects.
//
// v1 (offset): {"page","per_page","total_items","total_pages","total_exact","total_is_estimate"}.
// total_items never costs a scan of the table: lists without `q` read maintained
// per-(store, category, status) counters, which are exact; a `q` search's total is exact up to
// kExactCountCap matches and beyond that PostgreSQL's estimate (at least the cap), with
// "total_exact": false and "total_is_estimate": true (the two always disagree;
// total_is_estimate is the name issue #15 asked for, total_exact stays for existing clients).
// products_repository.cpp, search(), says when a search counts and when it estimates.
//
// v2 (keyset): {"limit","next_cursor","has_more"}.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::catalog {

inline constexpr std::int64_t kMaxPerPage = 100;
inline constexpr std::int64_t kDefaultPerPage = 20;
/// A far page costs OFFSET rows of index walk; beyond this, clients must use v2.
inline constexpr std::int64_t kMaxPage = 1'000'000;
/// The most matches a `q` count visits before it stops and the total becomes an estimate. Each
/// match costs a heap visit: 10,000 took 28–65 ms for a common word at 1M products, 1,000
/// takes a tenth of that.
inline constexpr std::int64_t kExactCountCap = 1'000;

struct PageRequest {
  std::int64_t page = 1;
  std::int64_t per_page = kDefaultPerPage;
  std::int64_t offset() const { return (page - 1) * per_page; }
};

struct Total {
  std::int64_t items = 0;
  bool exact = true;
};

/// The result of a bounded count that fetched at most kExactCountCap + 1 rows.
Total bounded_total(std::int64_t counted, std::int64_t cap = kExactCountCap);

/// ceil(total / per_page); 0 for an empty list.
std::int64_t total_pages(std::int64_t total_items, std::int64_t per_page);

std::string v1_meta(const PageRequest& p, const Total& total);
std::string v2_meta(std::int64_t limit, const std::optional<std::string>& next_cursor);

}  // namespace mercato::catalog
