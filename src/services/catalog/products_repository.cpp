#include "services/catalog/products_repository.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "cache/sharded_lru.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "db/errors.hpp"
#include "services/catalog/search_plan.hpp"

namespace mercato::catalog {

/// What the probe (probe_sql) learns before a search picks its plan.
struct SearchProbe {
  std::string tsquery;    // product_search_tsquery(term), the words tier's parameter
  bool common = false;    // every word it needs is among the tsvector's most common elements
  double estimate = 0;    // the words tier's matches (when common): PostgreSQL's estimate, or a
                          // recent count (learn_count; as old as the probe may be, kProbeTtl)
  std::int64_t live = 0;  // the list's rows without q (maintained counters)
  bool exact = false;     // estimate is a count (learn_count), not PostgreSQL's guess
  std::uint8_t walk_failed = 0;  // sort_bit() of each order where a first page's walk gave up
};

namespace {

// The representation's columns; read_product() reads them by position. Images are aggregated
// here (a correlated subquery per returned row, walking product_images' (store_id, product_id,
// position) unique index: hence the store, which also keeps the lookup on the product's shard
// under Citus), so a page with images costs no extra statement.
constexpr std::string_view kColumns = R"(p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version)";

// Joins name the store as well as the id, so that each stays within one store's rows (and on
// one shard, were the catalog sharded by store), and uses a key: the catalog's keys lead with
// store_id (0007_distributable_by_store.sql).
constexpr std::string_view kFrom =
    "FROM products p LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id";

// For the detail read (kById), the most frequent read that reaches PostgreSQL: its category is
// looked up for the one row. As a join, the planner hashed every category of the store (few,
// so "cheap") to find one: ~40 us of a ~100 us detail read at 200 categories. The LIMIT keeps
// PostgreSQL from flattening the subquery back into that join; an id names one category, so
// it drops nothing. (The writes' row reads keep kFrom: rare, and their text stays short enough
// for pg_stat_activity's 1,024 bytes to show their FOR UPDATE.)
constexpr std::string_view kFromOne =
    "FROM products p LEFT JOIN LATERAL (SELECT c.name FROM categories c\n"
    "                                     WHERE c.store_id = p.store_id AND c.id = p.category_id LIMIT 1) c ON true";

// ---- list statements ----

struct SortSql {
  std::string_view name;     // statement name part
  std::string_view column;   // sort key column
  std::string_view cast;     // type of the cursor's key parameter
  bool desc;
  std::string_view index;    // the index that serves it (without / with category)
  std::string_view category_index;
};

SortSql sort_sql(Sort s) {
  switch (s) {
    case Sort::created_desc:
      return {"created_desc", "created_at", "timestamptz", true, "products_live_created", "products_live_category_created"};
    case Sort::created_asc:
      return {"created_asc", "created_at", "timestamptz", false, "products_live_created", "products_live_category_created"};
    case Sort::price_asc:
      return {"price_asc", "price_cents", "bigint", false, "products_live_price", "products_live_category_price"};
    case Sort::price_desc:
      return {"price_desc", "price_cents", "bigint", true, "products_live_price", "products_live_category_price"};
    case Sort::name_asc:
      return {"name_asc", "name", "text", false, "products_live_name", "products_live_category_name"};
  }
  return sort_sql(Sort::created_desc);
}

constexpr Sort kSorts[] = {Sort::created_desc, Sort::created_asc, Sort::price_asc, Sort::price_desc, Sort::name_asc};

/// How a `q` term matches. The tiers are tried in this order, and a tier runs only when the
/// one before it matched nothing at all in the list (store and filters): a shopper typing a
/// word gets the products holding it, not every name that happens to contain its letters.
enum class Tier {
  // The term's words in name or description (tsvector, 0004), its last word as a prefix
  // (product_search_tsquery, 0005), or a SKU beginning with the term, in any case
  // (products_live_sku_prefix, 0005). Both through indexes whose cost follows the matches.
  words,
  // The term inside a name or SKU ("alnu" in "Walnut", the middle of a SKU), through the
  // trigram index (0002), whose posting lists follow the letters, not the matches.
  substring,
  // A name or SKU word resembling the term (a misspelling): pg_trgm's `<%`, word_similarity
  // ≥ pg_trgm.word_similarity_threshold (0.6 by default, never changed by the catalog).
  similar,
};
constexpr Tier kTiers[] = {Tier::words, Tier::substring, Tier::similar};

/// One list statement shape: which optional filters are present and how the page starts.
struct Shape {
  Sort sort = Sort::created_desc;
  bool category = false, status = false, q = false;
  bool keyset = false;  // false: LIMIT/OFFSET
  Tier tier = Tier::words;
  // With q: walk the ordering index, testing each row, and stop at the page — instead of
  // collecting every match from the GIN indexes and sorting them. Chosen when the term is so
  // common that the walk meets a page of matches sooner than the collection would finish
  // (search(), below). The walk is bounded by a row budget, so a term rarer than PostgreSQL's
  // statistics said, or absent from the start of the sort's order, costs a bounded walk and
  // then the collection.
  bool walk = false;
};

std::string_view tier_suffix(Tier t) {
  switch (t) {
    case Tier::words: return "";
    case Tier::substring: return "_sub";
    case Tier::similar: return "_fuzzy";
  }
  return "";
}

std::string shape_name(const Shape& s) {
  std::string n = s.keyset ? "products_after_" : "products_page_";
  n += sort_sql(s.sort).name;
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  if (s.q) (n += "_q") += tier_suffix(s.tier);
  if (s.walk) n += "_walk";
  return n;
}

/// Parameters of a tier's condition: words take the tsquery, and the SKU range's two bounds.
int q_param_count(Tier t) { return t == Tier::words ? 3 : 1; }

/// The tier's condition on parameters from $q, written as its index's expression so that the
/// planner can use the index. The walk evaluates it per row, outside any WHERE; there the SKU
/// range is tested only when there is one (a term that cannot begin a SKU has an empty range),
/// which saves a lower() per row: 15 % of a common word's walk at 1M products.
std::string match_sql(Tier t, int q, bool walk = false) {
  const auto p = [](int n) {
    std::string s = "$";
    return s += std::to_string(n);
  };
  switch (t) {
    case Tier::words:
      return "(search_tsv @@ " + p(q) + "::tsquery OR (" + (walk ? p(q + 1) + " <> '' AND " : std::string()) +
             "lower(sku) COLLATE \"C\" >= " + p(q + 1) + " AND lower(sku) COLLATE \"C\" < " + p(q + 2) + "))";
    case Tier::substring: return "(name || ' ' || sku) ILIKE " + p(q);
    case Tier::similar: return p(q) + " <% (name || ' ' || sku)";
  }
  return "false";
}

/// The filters every list has, numbering parameters from $1; `next` is the next free number.
std::string base_filter_sql(const Shape& s, int& next) {
  std::string w = "store_id = $1 AND deleted_at IS NULL";
  next = 2;
  if (s.category) w += " AND category_id = $" + std::to_string(next++);
  if (s.status) w += " AND status = $" + std::to_string(next++);
  return w;
}

std::string order_sql(const SortSql& ss, std::string_view alias) {
  const std::string dir = ss.desc ? " DESC" : "";
  return std::string(alias) + std::string(ss.column) + dir + ", " + std::string(alias) + "id" + dir;
}

std::string keyset_sql(const SortSql& ss, int& next) {
  const std::string cmp = ss.desc ? " < " : " > ";
  std::string sql = " AND (" + std::string(ss.column) + ", id)" + cmp + "($" + std::to_string(next) + "::" +
                    std::string(ss.cast) + ", $" + std::to_string(next + 1) + "::uuid)";
  next += 2;
  return sql;
}

std::string_view collect_index(Tier t) {
  return t == Tier::words ? "products_live_fts and products_live_sku_prefix" : "products_live_search";
}

// Deferred join: the inner query finds the page's ids by walking the ordering index alone
// (index-only once the visibility map is set), so an OFFSET skips index entries, not heap
// rows; only the page's rows are then fetched, joined and given their images. The outer sort
// orders at most `limit` rows.
//
// Parameters: the filters, the tier's, [the cursor's key and id], [the walk's budget], the
// limit, [the offset].
std::string page_sql(const Shape& s) {
  const auto ss = sort_sql(s.sort);
  int next = 2;
  std::string where = base_filter_sql(s, next);
  std::string source = "products";
  if (s.q && s.walk) {
    // The walk: the ordering index's first `budget` rows (a LIMIT in a subquery, which
    // PostgreSQL never pushes the outer condition into), each tested by the tier's condition
    // in the select list, where no index can take it over; the outer query keeps the matches.
    const std::string match = match_sql(s.tier, next, true);
    next += q_param_count(s.tier);
    if (s.keyset) where += keyset_sql(ss, next);
    source = "(SELECT id, " + std::string(ss.column) + ", " + match + " AS m FROM products WHERE " + where +
             "\n         ORDER BY " + order_sql(ss, "") + " LIMIT $" + std::to_string(next++) + ") walked";
    where = "m";
  } else if (s.q) {
    // The collection: every match from the tier's index, behind an `OFFSET 0` fence
    // (PostgreSQL pushes neither the ORDER BY … LIMIT nor the keyset condition into it), then
    // sorted. Without the fence the planner may walk an ordering index hoping to meet the
    // page early: at 1M products, "zeppelin" (20 matches) sorted by price read the whole
    // store (36 s).
    // Every match is read to be sorted anyway, so the window counts them for nothing: the
    // page's rows carry the exact number of matches (`matched`, before the cursor).
    where += " AND " + match_sql(s.tier, next);
    next += q_param_count(s.tier);
    source = "(SELECT id, " + std::string(ss.column) + ", count(*) OVER () AS matched FROM products WHERE " + where +
             " OFFSET 0) matches";
    where = "true";
    if (s.keyset) where += keyset_sql(ss, next);
  } else if (s.keyset) {
    where += keyset_sql(ss, next);
  }
  const bool collect = s.q && !s.walk;
  const std::string_view carried = collect ? "id, matched" : "id";
  std::string sql = "-- index: " + std::string(collect ? collect_index(s.tier) : s.category ? ss.category_index : ss.index) + "\n";
  sql += "SELECT " + std::string(kColumns) + (collect ? ", page.matched" : "") + "\n  FROM (SELECT " +
         std::string(carried) + " FROM (SELECT " + std::string(carried) + " FROM " + source + " WHERE " + where +
         "\n         ORDER BY " + order_sql(ss, "") + " LIMIT $" + std::to_string(next);
  if (!s.keyset) sql += " OFFSET $" + std::to_string(next + 1);
  // The constant outer LIMIT changes no result (the page is at most kMaxPerPage + 1 rows) but
  // caps the row estimate of the generic plan, which PostgreSQL uses after five executions of
  // a prepared statement and which otherwise guesses 10% of the table for `LIMIT $n` and
  // hash-joins with a sequential scan of products. The page's rows are fetched by their store
  // ($1, base_filter_sql) and id, as every join here names the store (kFrom): products_pkey is
  // (store_id, id) since 0007.
  sql += ") ids LIMIT " + std::to_string(kMaxPerPage + 1) +
         ") page\n  JOIN products p ON p.store_id = $1 AND p.id = page.id"
         " LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id\n ORDER BY " +
         order_sql(ss, "p.");
  return sql;
}

std::string count_name(const Shape& s) {
  std::string n = "products_count";
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  if (s.q) (n += "_q") += tier_suffix(s.tier);
  return n;
}

std::string count_sql(const Shape& s) {
  int next = 2;
  if (!s.q) {
    // Maintained counters (see product_counts in 0001_catalog_schema.sql): at most
    // (categories × 3 statuses) rows of one store, read through its primary key.
    std::string sql = "-- index: product_counts_pkey\nSELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1";
    if (s.category) sql += " AND category_key = $" + std::to_string(next++);
    if (s.status) sql += " AND status = $" + std::to_string(next++);
    return sql;
  }
  // The tier's matches from its index, behind the same fence as a collected page (so the
  // planner cannot walk an ordering index for the LIMIT's sake), stopping after the cap.
  std::string where = base_filter_sql(s, next);
  where += " AND " + match_sql(s.tier, next);
  return "-- index: " + std::string(collect_index(s.tier)) + "; stops after the cap\n" +
         "SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE " + where + " OFFSET 0) matches LIMIT " +
         std::to_string(kExactCountCap + 1) + ") m";
}

std::string probe_name(const Shape& s) {
  std::string n = "products_q_probe";
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  return n;
}

/// A search's probe, one statement (search(), below): the term as a tsquery; whether every
/// word it needs (querytree(): the positive ones; phrases read as AND) is among the tsvector's
/// most common elements, which ANALYZE keeps in pg_stats; PostgreSQL's estimate of the words
/// tier's matches (product_search_estimate, migration 0005), only when they are; and the
/// list's row count (the counters). A word outside the most common elements is rarer than the
/// rarest of them, so PostgreSQL's estimate for it is only a default (0.5 % of the rows) and
/// the term is rare, whatever that says. A query of negations only (querytree 'T') matches
/// most rows. No statistics yet (a table never analyzed): not common, so searches collect,
/// which is exact at any size. Parameters: the filters, the term, the SKU range.
std::string probe_sql(const Shape& s) {
  int next = 2;
  std::string counters = "SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1";
  std::string category = "NULL", status = "NULL";
  if (s.category) {
    category = "$" + std::to_string(next++);
    counters += " AND category_key = " + category;
  }
  if (s.status) {
    status = "$" + std::to_string(next++);
    counters += " AND status = " + status;
  }
  const std::string term = "$" + std::to_string(next), lo = "$" + std::to_string(next + 1),
                    hi = "$" + std::to_string(next + 2);
  return "-- index: product_counts_pkey (and pg_stats: one row)\n"
         "SELECT q::text, common, CASE WHEN common THEN product_search_estimate($1, " + category + ", " + status +
         ", q, " + lo + ", " + hi + ") END,\n       (" + counters + ")\n"
         "  FROM product_search_tsquery(" + term + ") q,\n"
         "       LATERAL (SELECT CASE WHEN querytree(q) = 'T' THEN true ELSE coalesce(\n"
         "         (SELECT array_to_tsvector(most_common_elems::text::text[]) @@\n"
         "                 regexp_replace(querytree(q), '<(-|[0-9]+)>', '&', 'g')::tsquery\n"
         "            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'products'\n"
         "             AND attname = 'search_tsv'), false) END) k(common)";
}

Shape shape_of(const ProductFilter& f, bool keyset) {
  return {f.sort, f.category_id.has_value(), f.status.has_value(), f.q.has_value(), keyset};
}

std::string like_pattern(std::string_view q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  p += '%';
  return p;
}


/// The filters' parameters, in base_filter_sql()'s order.
db::Params base_params(const ProductFilter& f) {
  db::Params ps = db::params(f.store);
  if (f.category_id) ps.push_back(*f.category_id);
  if (f.status) ps.push_back(*f.status);
  return ps;
}

/// The tier's parameters, in match_sql()'s order. `tsquery`: the term as product_search_tsquery
/// wrote it (the words tier's).
void append_q_params(db::Params& ps, const ProductFilter& f, Tier t, const std::string& tsquery) {
  switch (t) {
    case Tier::words: {
      auto [lo, hi] = sku_range(*f.q);
      ps.push_back(tsquery);
      ps.push_back(std::move(lo));
      ps.push_back(std::move(hi));
      return;
    }
    case Tier::substring: ps.push_back(like_pattern(*f.q)); return;
    case Tier::similar: ps.push_back(*f.q); return;
  }
}

std::vector<std::pair<std::string, std::string>> list_shapes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (int bits = 0; bits < 8; ++bits) {
    const Shape base{Sort::created_desc, (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, false};
    if (base.q) out.emplace_back(probe_name(base), probe_sql(base));
    for (Tier tier : kTiers) {
      if (!base.q && tier != Tier::words) continue;
      Shape tiered = base;
      tiered.tier = tier;
      out.emplace_back(count_name(tiered), count_sql(tiered));
      for (Sort s : kSorts) {
        for (bool keyset : {false, true}) {
          for (bool walk : {false, true}) {
            if (walk && !base.q) continue;
            Shape sh = tiered;
            sh.sort = s;
            sh.keyset = keyset;
            sh.walk = walk;
            out.emplace_back(shape_name(sh), page_sql(sh));
          }
        }
      }
    }
  }
  return out;
}

/// A list statement to run: the prepared statement of its shape. A search's statements too:
/// the catalog's sessions force generic plans (an unnamed statement gets one as well), and a
/// search's choices are in its shapes (walk or collect, from the probe's estimate), so
/// re-planning a search statement per request would cost ~0.5–0.7 ms and change nothing.
db::Statement list_statement(std::string name, db::Params params) {
  return db::Statement::prepared(std::move(name), std::move(params));
}

/// Runs a statement from list_statement().
asio::awaitable<Result<db::QueryResult>> run(db::PoolUntil pool, db::Statement st) {
  co_return co_await pool.execute(st.prepared_name, std::move(st.params));
}

// ---- search ----

/// Which rows of the filtered order a search wants: after a cursor (v2) or at an offset (v1).
struct Window {
  std::optional<CursorPosition> after;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

using Probe = SearchProbe;
using ProbeCache = cache::ShardedLru<SearchProbe>;

// How long and how many probes are kept: kProbeTtl and kProbeCacheBytes (search_plan.hpp).

/// A probe's key: the filter without its sort, which the probe does not depend on.
std::string probe_key(ProductFilter f) {
  f.sort = Sort::created_desc;
  return f.canonical();
}

asio::awaitable<Result<Probe>> run_probe(db::PoolUntil pool, const ProductFilter& f, const Shape& shape) {
  db::Params ps = base_params(f);
  auto [lo, hi] = sku_range(*f.q);
  ps.push_back(*f.q);
  ps.push_back(std::move(lo));
  ps.push_back(std::move(hi));
  auto r = co_await pool.execute(probe_name(shape), std::move(ps));
  if (!r) co_return std::move(r).error();
  Probe p;
  p.tsquery = std::string(r->get(0, 0));
  p.common = r->get(0, 1) == "t";
  if (const auto e = r->get_optional(0, 2)) {
    // A float8's text; a value that does not parse leaves 0 (collect: right at any size).
    std::from_chars(e->data(), e->data() + e->size(), p.estimate);
  }
  p.live = r->get_int64(0, 3).value_or(0);
  co_return p;
}

void keep_probe(ProbeCache& cache, const std::string& key, const Probe& p) {
  cache.put(key, p, probe_charge(key, p.tsquery, sizeof(Probe)), ProbeCache::Clock::now() + kProbeTtl);
}

/// The probe of `f`'s list and term, from `cache` when a recent search made it. An empty list
/// is never kept: "no products" must not outlive the first product added.
asio::awaitable<Result<Probe>> probe(db::PoolUntil pool, ProbeCache& cache, const ProductFilter& f,
                                     const Shape& shape) {
  const std::string key = probe_key(f);
  Probe p;
  if (cache.get(key, p) == cache::LruOutcome::hit) co_return p;
  auto fresh = co_await run_probe(pool, f, shape);
  if (fresh && fresh->live > 0) keep_probe(cache, key, *fresh);
  co_return fresh;
}

/// Keeps `counted`, the exact number of the words tier's matches a search just collected, as
/// its probe's estimate. PostgreSQL multiplies the frequencies of a query's words as if they were
/// independent, and the words of a phrase are not: 'built' & 'to' & 'last' (the description's
/// "Built to last") is estimated at a few dozen rows of a list where it matches a fifth, so
/// every sort and page of that term collected its thousands of matches; after one count, the
/// others walk. The count is as old as the probe may be (kProbeTtl) and only chooses a plan.
/// Only for a term whose words are all common: any other is rarer than the rarest common word,
/// and stays collected (and counted) on every page.
void learn_count(ProbeCache& cache, const ProductFilter& f, Probe p, std::int64_t counted) {
  if (p.live <= 0 || !p.common) return;
  p.estimate = static_cast<double>(counted);
  p.exact = true;
  keep_probe(cache, probe_key(f), p);
}

std::vector<ProductRow> read_all(const db::QueryResult& r) {
  std::vector<ProductRow> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) rows.push_back(read_product(r, i));
  return rows;
}

/// The page statement of `shape`; `budget` is the walk's row budget (walk shapes only).
db::Statement page_statement(const ProductFilter& f, const Shape& shape, const std::string& tsquery, const Window& w,
                             std::int64_t budget) {
  db::Params ps = base_params(f);
  if (shape.q) append_q_params(ps, f, shape.tier, tsquery);
  if (shape.keyset) {
    ps.push_back(w.after->key);
    ps.push_back(w.after->id);
  }
  if (shape.walk) ps.push_back(db::to_param(budget));
  ps.push_back(db::to_param(w.limit));
  if (!shape.keyset) ps.push_back(db::to_param(w.offset));
  return list_statement(shape_name(shape), std::move(ps));
}

/// A page statement's rows, or its error.
Result<std::vector<ProductRow>> page_rows(const Result<db::QueryResult>& r) {
  if (!r) {
    // A cursor is signed, so its key parses; this only guards against a key type change.
    if (r.error().reason == "22007" || r.error().reason == "22P02" || r.error().reason == "22008")
      return bad_request("cursor is invalid: pass next_cursor from a previous page unchanged");
    return r.error();
  }
  return read_all(*r);
}

asio::awaitable<Result<std::vector<ProductRow>>> run_page(db::PoolUntil pool, const ProductFilter& f,
                                                          const Shape& shape, const std::string& tsquery,
                                                          const Window& w, std::int64_t budget) {
  co_return page_rows(co_await run(pool, page_statement(f, shape, tsquery, w, budget)));
}

struct Found {
  std::vector<ProductRow> rows;
  Total total;
};

/// Above this estimate a walked search does not count its words tier's matches: a count capped
/// at kExactCountCap + 1 would most likely only confirm that there are more than the cap, at
/// the cost of the bitmap of every candidate (for "heavy-duty", a phrase, 52 ms at 1M). At or
/// below it the count makes the total exact when the matches are at most the cap — the same
/// total on every page of the term, since the choice depends on the estimate only.
constexpr double kCountBelowEstimate = kExactCountCap;


/// A `q` list. Cost follows the page, not the number of matches:
///
/// 1. One round trip: the term as a tsquery, PostgreSQL's estimate E of the words tier's
///    matches, and the list's row count N (counters). Walking costs about wanted × N / E rows
///    (wanted = offset + limit); collecting costs E, or more (kWalkBias). So the walk is chosen
///    when E² × kWalkBias ≥ wanted × N:
///    at 1M products, a word in 3 % of them ("oak") walks ~700 index entries for a first page
///    instead of collecting 31,000 matches. Only for a term whose words are all common (Probe):
///    for any other, E is a default, not a measure. When E is at most kCountBelowEstimate, the
///    matches are also counted, in the same round trip as the page.
/// 2. Otherwise, or when the walk's budget ran out before a page, the words tier's matches are
///    collected (and counted, in the same pipeline).
/// 3. Only when the words tier matched nothing: the substring tier, then the similar one, each
///    counted first (up to the cap), then walked (over the cap) or collected.
asio::awaitable<Result<Found>> search(db::PoolUntil pool, ProbeCache& probes, const ProductFilter& f, Shape shape,
                                      const Window& w) {
  auto probed = co_await probe(pool, probes, f, shape);
  if (!probed) co_return std::move(probed).error();
  const Probe& pr = *probed;
  if (pr.live == 0) co_return Found{{}, Total{0, true}};
  const double wanted = static_cast<double>(w.offset + w.limit);
  shape.tier = Tier::words;
  std::optional<std::int64_t> counted;
  const auto count_statement = [&] {
    db::Params ps = base_params(f);
    append_q_params(ps, f, Tier::words, pr.tsquery);
    return list_statement(count_name(shape), std::move(ps));
  };
  // What this search teaches its probe: a first page's walk that gave up (sort_bit).
  Probe learned = pr;
  const std::uint8_t in_this_order = sort_bit(static_cast<unsigned>(f.sort));
  if (!(pr.walk_failed & in_this_order) && should_walk(pr.common, pr.estimate, pr.exact, wanted, pr.live)) {
    // The walk, and in the same pipeline the count when the estimate is at most the cap.
    shape.walk = true;
    std::vector<db::Statement> sts;
    const bool count = pr.estimate <= kCountBelowEstimate;
    if (count) sts.push_back(count_statement());
    sts.push_back(page_statement(f, shape, pr.tsquery, w, walk_budget(wanted, pr.estimate, pr.live)));
    auto results = co_await pool.pipeline(std::move(sts));
    if (count) {
      if (!results.front()) co_return std::move(results.front()).error();
      counted = results.front()->get_int64(0, 0).value_or(0);
    }
    auto rows = page_rows(results.back());
    if (!rows) co_return std::move(rows).error();
    if (static_cast<std::int64_t>(rows->size()) == w.limit)
      co_return Found{std::move(*rows),
                      words_total(counted, pr.estimate, w.offset + static_cast<std::int64_t>(rows->size()))};
    // Fewer matches than a page within the budget: collect them.
    if (w.offset == 0 && !w.after && pr.live > 0) {
      learned.walk_failed |= in_this_order;
      keep_probe(probes, probe_key(f), learned);
    }
  }
  if (!counted || *counted > 0) {
    // Collected: the page's rows carry the exact number of matches (page_sql, `matched`).
    shape.walk = false;
    auto r = co_await run(pool, page_statement(f, shape, pr.tsquery, w, 0));
    auto rows = page_rows(r);
    if (!rows) co_return std::move(rows).error();
    if (!rows->empty()) {
      const auto matched = r->get_int64(0, r->column("matched")).value_or(0);
      learn_count(probes, f, learned, matched);
      const auto seen = w.offset + static_cast<std::int64_t>(rows->size());
      co_return Found{std::move(*rows), collected_total(pr.common, matched, pr.estimate, seen)};
    }
    if (w.offset > 0 || w.after) {
      // Past the last match, or none at all: only a count tells which.
      if (!counted) {
        auto n = co_await run(pool, count_statement());
        if (!n) co_return std::move(n).error();
        counted = n->get_int64(0, 0).value_or(0);
      }
      if (*counted > 0) co_return Found{{}, words_total(counted, pr.estimate, w.offset)};
    }
  }
  for (Tier tier : {Tier::substring, Tier::similar}) {
    shape.tier = tier;
    shape.walk = false;
    db::Params count = base_params(f);
    append_q_params(count, f, tier, pr.tsquery);
    auto n = co_await run(pool, list_statement(count_name(shape), std::move(count)));
    if (!n) co_return std::move(n).error();
    const auto matches = n->get_int64(0, 0).value_or(0);
    if (matches == 0) continue;
    // Over the cap: the substring's or misspelling's matches are common enough to meet a page
    // early in any order (the walk's budget is the whole list, as the count says they exist).
    shape.walk = matches > kExactCountCap;
    auto rows = co_await run_page(pool, f, shape, pr.tsquery, w, pr.live);
    if (!rows) co_return std::move(rows).error();
    co_return Found{std::move(*rows), bounded_total(matches)};
  }
  co_return Found{{}, Total{0, true}};
}

const std::string kById = "SELECT " + std::string(kColumns) + "\n  " + std::string(kFromOne) +
                          "\n WHERE p.id = $1 AND p.store_id = $2 AND p.deleted_at IS NULL";

}  // namespace

std::optional<Sort> parse_sort(std::string_view t) {
  if (t == "-created_at") return Sort::created_desc;
  if (t == "created_at") return Sort::created_asc;
  if (t == "price") return Sort::price_asc;
  if (t == "-price") return Sort::price_desc;
  if (t == "name") return Sort::name_asc;
  return std::nullopt;
}

std::string_view sort_param(Sort s) {
  switch (s) {
    case Sort::created_desc: return "-created_at";
    case Sort::created_asc: return "created_at";
    case Sort::price_asc: return "price";
    case Sort::price_desc: return "-price";
    case Sort::name_asc: return "name";
  }
  return "-created_at";
}

std::string ProductFilter::canonical() const {
  // JSON so that no filter value can imitate a separator.
  std::string out;
  json::Writer w(out);
  w.begin_array().string(store).string(sort_param(sort));
  for (const auto* v : {&category_id, &status, &q}) {
    if (*v) w.string(**v);
    else w.null();
  }
  w.end_array();
  return out;
}

std::vector<std::pair<std::string, std::string>> product_statements() {
  auto out = list_shapes();
  out.emplace_back("product_by_id", "-- index: products_pkey\n" + kById);
  return out;
}

ProductRepository::ProductRepository(db::ReplicaSet& db)
    : db_(db), probes_(std::make_unique<ProbeCache>(kProbeCacheBytes)) {
  for (auto& [name, sql] : product_statements()) db_.prepare(name, sql);
}

ProductRepository::~ProductRepository() = default;

ProductRow read_product(const db::QueryResult& r, int i) {
  db::RowReader row(r, i);
  ProductRow p;
  p.id = row.text();
  p.store_id = row.text();
  p.category_id = row.text();
  p.category_name = row.text();
  p.name = row.text();
  p.slug = row.text();
  p.sku = row.text();
  p.description = row.text();
  p.price_cents = row.int64();
  p.currency = row.text();
  p.status = row.text();
  p.stock = row.int64();
  p.attributes_json = row.text();
  p.images_json = row.text();
  p.created_at = row.text();
  p.updated_at = row.text();
  p.deleted_at = row.text();
  p.version = row.int64(1);
  return p;
}

asio::awaitable<Result<std::optional<ProductRow>>> ProductRepository::find_live(const std::string& store,
                                                                                const std::string& id,
                                                                                trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  auto r = co_await pool.execute("product_by_id", db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<ProductRow>{};
  co_return std::optional<ProductRow>(read_product(*r, 0));
}


asio::awaitable<Result<ProductPage>> ProductRepository::page_offset(const ProductFilter& f, const PageRequest& p,
                                                                   trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  Shape shape = shape_of(f, false);
  if (f.q) {
    auto found = co_await search(pool, *probes_, f, shape, Window{std::nullopt, p.per_page, p.offset()});
    if (!found) co_return std::move(found).error();
    co_return ProductPage{std::move(found->rows), found->total};
  }
  std::vector<db::Statement> sts;
  sts.push_back(page_statement(f, shape, {}, Window{std::nullopt, p.per_page, p.offset()}, 0));
  sts.push_back(list_statement(count_name(shape), base_params(f)));
  auto results = co_await pool.pipeline(std::move(sts));
  for (auto& r : results)
    if (!r) co_return std::move(r).error();
  ProductPage page;
  page.rows = read_all(*results[0]);
  page.total = Total{results[1]->get_int64(0, 0).value_or(0), true};
  co_return page;
}

asio::awaitable<Result<std::vector<ProductRow>>> ProductRepository::page_after(
    const ProductFilter& f, const std::optional<CursorPosition>& after, std::int64_t limit, trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  const Shape shape = shape_of(f, after.has_value());
  const Window w{after, limit, 0};
  if (f.q) {
    auto found = co_await search(pool, *probes_, f, shape, w);
    if (!found) co_return std::move(found).error();
    co_return std::move(found->rows);
  }
  co_return co_await run_page(pool, f, shape, {}, w, 0);
}

CursorPosition ProductRepository::position_of(const ProductRow& row, Sort sort) {
  switch (sort) {
    case Sort::created_desc:
    case Sort::created_asc: return {row.created_at, row.id};
    case Sort::price_asc:
    case Sort::price_desc: return {std::to_string(row.price_cents), row.id};
    case Sort::name_asc: return {row.name, row.id};
  }
  return {row.created_at, row.id};
}

// ---- writes: one transaction's statements ----

std::string product_select_sql() { return "SELECT " + std::string(kColumns) + " " + std::string(kFrom); }

asio::awaitable<Status> ProductTxRepository::audit(const Actor& actor, const AuditEntry& entry) {
  return record(tx_, actor, entry);
}

asio::awaitable<Result<std::optional<ProductRow>>> ProductTxRepository::lock(const std::string& store,
                                                                           const std::string& id, bool deleted) {
  const std::string sql = "SELECT " + std::string(kColumns) + " " + std::string(kFrom) +
                          " WHERE p.id = $1 AND p.store_id = $2 AND p.deleted_at IS " +
                          (deleted ? "NOT NULL" : "NULL") + " FOR UPDATE OF p";
  auto r = co_await tx_.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<ProductRow>{};
  co_return std::optional<ProductRow>(read_product(*r, 0));
}

asio::awaitable<Result<ProductRow>> ProductTxRepository::reload(const std::string& store,
                                                              const std::string& id) {
  const std::string sql =
      "SELECT " + std::string(kColumns) + " " + std::string(kFrom) + " WHERE p.id = $1 AND p.store_id = $2";
  auto r = co_await tx_.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return internal_error("product vanished inside its own transaction");
  co_return read_product(*r, 0);
}

asio::awaitable<Result<bool>> ProductTxRepository::hold_category(const std::string& store,
                                                               const std::string& category_id) {
  auto r = co_await tx_.query(
      "SELECT 1 FROM categories WHERE id = $1 AND store_id = $2 AND deleted_at IS NULL FOR SHARE",
      db::params(category_id, store));
  if (!r) co_return std::move(r).error();
  co_return !r->empty();
}

namespace {
db::Param nullable(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  return *v;
}
}  // namespace

asio::awaitable<Status> ProductTxRepository::insert(const std::string& store,
                                                  const std::string& id, const ProductInput& in) {
  auto r = co_await tx_.query(
      "INSERT INTO products (id, store_id, category_id, name, slug, sku, description, price_cents, currency, status, "
      "stock, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)",
      db::params(id, store, nullable(in.category_id), *in.name, *in.slug, *in.sku, in.description.value_or(""),
                 *in.price_cents, *in.currency, in.status.value_or("draft"), in.stock.value_or(0),
                 in.attributes_json.value_or("{}")));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ProductTxRepository::update(const std::string& store,
                                                  const std::string& id, const ProductInput& in) {
  auto r = co_await tx_.query(
      "UPDATE products SET category_id = $3, name = $4, slug = $5, sku = $6, description = $7, price_cents = $8, "
      "currency = $9, status = $10, stock = $11, attributes = $12::jsonb, version = version + 1, updated_at = now() "
      "WHERE id = $1 AND store_id = $2",
      db::params(id, store, nullable(in.category_id), *in.name, *in.slug, *in.sku, *in.description, *in.price_cents,
                 *in.currency, *in.status, *in.stock, *in.attributes_json));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ProductTxRepository::replace_images(const std::string& store, const std::string& id,
                                                          const std::vector<ImageInput>& images, bool had_images) {
  // By store and product: product_images' keys lead with store_id (0007), and under Citus the
  // store names the shard.
  if (had_images) {
    auto d = co_await tx_.query("DELETE FROM product_images WHERE product_id = $1 AND store_id = $2",
                                db::params(id, store));
    if (!d) co_return std::move(d).error();
  }
  if (images.empty()) co_return Status{};
  // All images in one statement: the list travels as one JSON parameter.
  std::string list;
  json::Writer w(list);
  w.begin_array();
  int position = 0;
  for (const auto& img : images)
    w.begin_object()
        .key("id").string(ids::uuid_v7())
        .key("url").string(img.url)
        .key("alt_text").string(img.alt_text)
        .key("position").integer(position++)
        .end_object();
  w.end_array();
  auto r = co_await tx_.query(
      "INSERT INTO product_images (id, store_id, product_id, url, alt_text, position) "
      "SELECT x.id, $2, $1, x.url, x.alt_text, x.position "
      "FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, url text, alt_text text, position integer)",
      db::params(id, store, list));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ProductTxRepository::soft_delete(const std::string& store,
                                                       const std::string& id) {
  auto r = co_await tx_.query(
      "UPDATE products SET deleted_at = now(), updated_at = now(), version = version + 1 "
      "WHERE id = $1 AND store_id = $2 AND deleted_at IS NULL",
      db::params(id, store));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ProductTxRepository::restore(const std::string& store,
                                                   const std::string& id) {
  auto r = co_await tx_.query(
      "UPDATE products SET deleted_at = NULL, updated_at = now(), version = version + 1, "
      "category_id = CASE WHEN EXISTS (SELECT 1 FROM categories c WHERE c.store_id = products.store_id "
      "AND c.id = products.category_id AND c.deleted_at IS NULL) THEN category_id END "
      "WHERE id = $1 AND store_id = $2 AND deleted_at IS NOT NULL",
      db::params(id, store));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<std::vector<FieldError>> ProductRepository::explain_conflict(const std::string& store,
                                                                             const std::string& id,
                                                                             const std::string& sku,
                                                                             const std::string& slug,
                                                                             trace::Scope scope) {
  std::vector<FieldError> out;
  db::PoolUntil primary = db_.primary().until(scope);
  auto r = co_await primary.query(
      "SELECT coalesce(bool_or(sku = $2), false), coalesce(bool_or(slug = $3), false) FROM products "
      "WHERE store_id = $1 AND deleted_at IS NULL AND (sku = $2 OR slug = $3) AND id <> $4",
      db::params(store, sku, slug, id));
  if (r && !r->empty()) {
    db::RowReader row(*r, 0);
    const bool sku_taken = row.boolean(), slug_taken = row.boolean();
    if (sku_taken) out.push_back({"sku", "is already used by another product of this store"});
    if (slug_taken) out.push_back({"slug", "is already used by another product of this store"});
  }
  if (out.empty()) out.push_back({"sku", "or slug is already used by another product of this store"});
  co_return out;
}

}  // namespace mercato::catalog
