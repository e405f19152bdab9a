#pragma once
// The arithmetic by which a `q` list picks its plan (products_repository.cpp, search()): walk
// the sort's index and stop at the page, or collect the matches from the GIN indexes. Pure
// functions of the probe's figures, so that their rules are unit-tested here
// (search_plan_test.cpp); the statements themselves are proven at 1M products by
// tests/integration/test_catalog_search_1m.py.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "services/catalog/pagination.hpp"

namespace mercato::catalog {

/// How much cheaper a walked row is than a collected match, squared into the walk-or-collect
/// rule (E² × bias ≥ wanted × N). A collection costs more per match than its estimate says
/// when the index only finds candidates: a phrase rechecks every row holding all its words, a
/// prefix merges every word it begins. With 4, "heavy-duty"-like terms walk ~700 rows instead.
inline constexpr double kWalkBias = 4.0;

/// The walk's row ceiling (walk_budget): 2,000 rows for a first page, 50 per row wanted
/// deeper, so a walk gives up within a few milliseconds (in price or name order each row is a
/// heap page of its own: ~2 µs); a word in 1 % of a list still fills a first page within it.
/// The estimate of an AND of common words is no less than ~0.5 % of the rows (the empty SKU
/// range of a term that cannot begin a SKU counts at PostgreSQL's 0.5 % default), so such a
/// term ("compact aluminium rug", 21 matches) walks: this ceiling is what that costs.
inline constexpr double kWalkRowsFloor = 2'000;
inline constexpr double kWalkRowsPerWanted = 50;

/// Whether a search walks: only a term whose words are all common (`common`: otherwise its
/// `estimate` is PostgreSQL's default, not a measure), when walking (about wanted × live /
/// estimate rows) is cheaper than collecting (estimate matches, or more: kWalkBias).
/// `wanted` = offset + page size; `live` = the list's rows.
bool should_walk(bool common, double estimate, double wanted, std::int64_t live);

/// Rows a walk may test before it gives up and the matches are collected instead: four times
/// what the estimate says it needs (rows wanted × rows per match), at least four pages' worth,
/// at most kWalkRowsPerWanted per row wanted (and kWalkRowsFloor for a first page), at most
/// the list. The ceiling matters because an estimate can be far off: an AND of words is not
/// estimated much below 0.5 % of the rows (the SKU range's default; "compact aluminium rug":
/// 3,842, for 21 matches), and without it that term walked 31,627 rows (65 ms) before
/// collecting its 21. That floor stays on purpose: it makes phrases walk ("coffee table":
/// ~500 estimated as independent words, 19,000 matches), bench/results.md.
std::int64_t walk_budget(double wanted, double estimate, std::int64_t live);

/// The SKUs beginning with the term, in any case: [lower(term), the next string of that
/// length) in byte order, when the term could begin a SKU (validate.cpp's SKU characters, all
/// ASCII below 0x7f, so the last byte + 1 is still one character); otherwise an empty range.
std::pair<std::string, std::string> sku_range(std::string_view q);

/// The v1 total of a search's words tier: exact from a count (`counted`) at most the cap, else
/// PostgreSQL's estimate, at least the cap and at least `seen` (the rows already paged through).
Total words_total(std::optional<std::int64_t> counted, double estimate, std::int64_t seen);

/// The total of a collected page, whose rows carry the exact number of matches. A common term
/// is walked or collected by the page (should_walk weighs the rows wanted), so its total
/// follows words_total on every page: otherwise page 1 (walked) said "about 1,000" and page 3
/// (collected) "1,132 exactly" for one term. A rare term is always collected: exact.
Total collected_total(bool common, std::int64_t matched, double estimate, std::int64_t seen);

}  // namespace mercato::catalog
