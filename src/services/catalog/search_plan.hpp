#pragma once
// The arithmetic by which a `q` list picks its plan (products_repository.cpp, search()): walk
// the sort's index and stop at the page, or collect the matches from the GIN indexes. Pure
// functions of the probe's figures, so that their rules are unit-tested here
// (search_plan_test.cpp); the statements themselves are proven at 1M products by
// tests/integration/test_catalog_search_1m.py.

#include <chrono>
#include <cstddef>
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
/// An estimate can be far off (a phrase's words are guessed independent), and this ceiling is
/// what a wrong walk costs before the collection.
inline constexpr double kWalkRowsFloor = 2'000;
inline constexpr double kWalkRowsPerWanted = 50;

/// The probe cache (products_repository.cpp, probe()): each catalog keeps the probes of recent
/// searches by list and term, with what a collection learned (learn_count: the exact number of
/// matches of a term whose estimate was wrong). Its size is what makes learning pay: a catalog's
/// searches are a few thousand common terms among tens of thousands of rare ones (the 1M
/// benchmark: 2,708 and 33,977), and a common term comes back after thousands of rare ones. At
/// 1 MiB (~5,000 probes) the rare ones pushed the learned counts out first, so a two-word term
/// ("luxury tent": estimated 4,379, 633 matches) walked its 2,000 rows and failed on nearly
/// every search before collecting: ~85 % of the walks in the benchmark's searches. 16 MiB holds
/// ~80,000. A probe only chooses between two right plans (walk or collect), never the rows, so
/// it may be minutes old: the list's count in it moves with writes, the estimate with ANALYZE.
inline constexpr std::size_t kProbeCacheBytes = std::size_t{16} << 20;
inline constexpr std::chrono::seconds kProbeTtl{300};

/// The bytes a probe is charged in that cache: its key, its tsquery, and the struct itself.
constexpr std::size_t probe_charge(std::string_view key, std::string_view tsquery, std::size_t struct_bytes) {
  return key.size() + tsquery.size() + struct_bytes;
}

/// Whether a search walks: only a term whose words are all common (`common`: otherwise its
/// `estimate` is PostgreSQL's default, not a measure), when walking (about wanted × live /
/// estimate rows) is cheaper than collecting (estimate matches, or more: kWalkBias).
/// `wanted` = offset + page size; `live` = the list's rows.
///
/// `exact`: the estimate is a count of the matches (learn_count), not PostgreSQL's guess. Then
/// the walk is also expected to fit in its budget: its expected rows (wanted × live /
/// estimate) at most two thirds of the ceiling (walk_budget), so that the ceiling's rows hold
/// ~1.5 pages of matches; otherwise it would likely give up and collect anyway. A
/// guess keeps the optimistic rule alone, on purpose: a phrase's words are guessed independent,
/// so its guess is low ("coffee table": ~500 for 19,000 matches), and only a walk finds out.
/// Without this, "tent mk" (4,713 matches of 759,442: 3,222 rows expected, 2,000 allowed)
/// walked, gave up and collected on every search of every sort.
bool should_walk(bool common, double estimate, bool exact, double wanted, std::int64_t live);

/// A walk that gave up on a first page (offset 0, no cursor) in one sort order gives up again
/// there: the term's matches are too few, or bunched elsewhere in that order (a name's first
/// word sorted by name: all its matches sit in one block). The probe keeps one bit per sort
/// (SearchProbe::walk_failed), and the term's searches in that order collect at once while the
/// probe is kept, instead of walking 2,000 rows first. A deeper page or a cursor's walk proves
/// nothing about a first page, so only a first page sets it.
constexpr std::uint8_t sort_bit(unsigned sort_index) { return static_cast<std::uint8_t>(1u << sort_index); }

/// Rows a walk may test before it gives up and the matches are collected instead: four times
/// what the estimate says it needs (rows wanted × rows per match), at least four pages' worth,
/// at most kWalkRowsPerWanted per row wanted (and kWalkRowsFloor for a first page), at most
/// the list. The ceiling matters because an estimate can be far off: before migration 0013 an
/// AND of words was not estimated below 0.5 % of the rows (an empty SKU range counted at
/// PostgreSQL's default; "compact aluminium rug": 3,842, for 21 matches), and without the
/// ceiling that term walked 31,627 rows (65 ms) before collecting its 21.
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
