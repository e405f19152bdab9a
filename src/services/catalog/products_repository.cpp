#include "services/catalog/products_repository.hpp"

#include <unordered_map>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "db/errors.hpp"

namespace mercato::catalog {
namespace {

// The representation's columns; read_product() reads them by position. Images are aggregated
// here (a correlated subquery per returned row, walking product_images' (product_id,
// position) unique index), so a page with images costs no extra statement.
constexpr std::string_view kColumns = R"(p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version)";

constexpr std::string_view kFrom = "FROM products p LEFT JOIN categories c ON c.id = p.category_id";

// The search expressions, verbatim as in the products_live_search (trigram) and
// products_live_fts (tsvector, 0004_product_search_tsvector.sql) indexes.
constexpr std::string_view kSearchExpr = "(name || ' ' || sku)";
constexpr std::string_view kSearchTsv = "search_tsv";
// The same values, written so that they do not match the index expressions: the planner then
// cannot use either GIN index and walks the ordering index, filtering (see Shape::walk).
constexpr std::string_view kSearchExprUnindexed = "(name || ' ' || sku || '')";
constexpr std::string_view kSearchTsvUnindexed = "(search_tsv || ''::tsvector)";
// The text-search configuration of the tsvector column (see the migration for why 'simple').
constexpr std::string_view kTsConfig = "'simple'::regconfig";

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

/// One list statement shape: which optional filters are present and how the page starts.
struct Shape {
  Sort sort = Sort::created_desc;
  bool category = false, status = false, q = false;
  bool keyset = false;  // false: LIMIT/OFFSET
  // With q: walk the ordering index and filter, instead of collecting every match through the
  // trigram index and sorting them. Chosen when the capped count shows the term is common
  // (more than kExactCountCap matches), where the walk meets a page of matches early. The
  // planner cannot tell by itself: it estimates `ILIKE '%cashmere%'` at 95 of 1M rows (its
  // pattern heuristic shrinks with the pattern's length) when 31,611 match, and the bitmap
  // plan then fetched and sorted all of them (~1 s cold at 1M, bench/results.md).
  bool walk = false;
  // With q: the misspelling fallback, run when the term matched nothing as words or as a
  // substring. Matches names and SKUs holding a word whose trigrams resemble the term's
  // (pg_trgm's `<%`, word_similarity ≥ pg_trgm.word_similarity_threshold, 0.6 by default),
  // through the same trigram index. Not part of every search: for a term that does match,
  // its posting lists (every name with " ch" for "chair") would cost more than the match.
  bool fuzzy = false;
};

std::string shape_name(const Shape& s) {
  std::string n = s.keyset ? "products_after_" : "products_page_";
  n += sort_sql(s.sort).name;
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  if (s.q) n += "_q";
  if (s.fuzzy) n += "_fuzzy";
  if (s.walk) n += "_walk";
  return n;
}

/// The `q` condition on parameters $q (the term) and $q+1 (its ILIKE pattern; the fuzzy
/// fallback has no pattern, see filter_params): the term's
/// words (websearch_to_tsquery: "quoted phrases", OR, -word; never a syntax error) in the
/// name or description, or the term as a substring of name or SKU — or, for the fallback,
/// a name or SKU word resembling the term.
std::string q_sql(const Shape& s, int q) {
  const std::string term = "$" + std::to_string(q), pattern = "$" + std::to_string(q + 1);
  const std::string_view text = s.walk ? kSearchExprUnindexed : kSearchExpr;
  // The fallback's walk spells `<%` out: PostgreSQL estimates `<%` on an unindexed expression
  // at a fraction of a percent, and for a deep page (OFFSET 1000 at 100k products) chose a
  // sequential scan and a sort over walking the index; an inequality is estimated at a third,
  // and the walk it then picks is what a common misspelling needs. 0.6 is
  // pg_trgm.word_similarity_threshold's default, which `<%` uses and the catalog never changes.
  if (s.fuzzy && s.walk) return "word_similarity(" + term + ", " + std::string(text) + ") >= 0.6";
  if (s.fuzzy) return term + " <% " + std::string(text);
  return "(" + std::string(s.walk ? kSearchTsvUnindexed : kSearchTsv) + " @@ websearch_to_tsquery(" +
         std::string(kTsConfig) + ", " + term + ") OR " + std::string(text) + " ILIKE " + pattern + ")";
}

/// Appends the WHERE conditions of the filters, numbering parameters from `next`.
std::string filter_sql(const Shape& s, int& next) {
  std::string w = "store_id = $1 AND deleted_at IS NULL";
  next = 2;
  if (s.category) w += " AND category_id = $" + std::to_string(next++);
  if (s.status) w += " AND status = $" + std::to_string(next++);
  if (s.q) {
    w += " AND " + q_sql(s, next);
    next += s.fuzzy ? 1 : 2;
  }
  return w;
}

std::string order_sql(const SortSql& ss, std::string_view alias) {
  const std::string dir = ss.desc ? " DESC" : "";
  return std::string(alias) + std::string(ss.column) + dir + ", " + std::string(alias) + "id" + dir;
}

// Deferred join: the inner query finds the page's ids by walking the ordering index alone
// (index-only once the visibility map is set), so an OFFSET skips index entries, not heap
// rows; only the page's rows are then fetched, joined and given their images. The outer sort
// orders at most `limit` rows.
std::string page_sql(const Shape& s) {
  const auto ss = sort_sql(s.sort);
  int next = 2;
  std::string where = filter_sql(s, next);
  // A q page that does not walk: the capped count found at most kExactCountCap matches, so
  // they are collected first and sorted. The subquery with OFFSET 0 is a fence (PostgreSQL
  // pushes neither the ORDER BY … LIMIT nor the keyset condition into it), so the planner
  // cannot walk the ordering index hoping to meet the page early: at 1M products, with
  // "zeppelin" (20 matches) sorted by price, it did, and read the whole store (36 s).
  const bool collect = s.q && !s.walk;
  std::string source = "products";
  if (collect) {
    source = "(SELECT id, " + std::string(ss.column) + " FROM products WHERE " + where + " OFFSET 0) matches";
    where = "true";
  }
  if (s.keyset) {
    const std::string cmp = ss.desc ? " < " : " > ";
    where += " AND (" + std::string(ss.column) + ", id)" + cmp + "($" + std::to_string(next) + "::" +
             std::string(ss.cast) + ", $" + std::to_string(next + 1) + "::uuid)";
    next += 2;
  }
  std::string sql = "-- index: " + (collect ? std::string(s.fuzzy ? "products_live_search" : "products_live_fts and products_live_search")
                                            : std::string(s.category ? ss.category_index : ss.index)) +
                    "\n";
  sql += "SELECT " + std::string(kColumns) + "\n  FROM (SELECT id FROM (SELECT id FROM " + source + " WHERE " + where +
         "\n         ORDER BY " + order_sql(ss, "") + " LIMIT $" + std::to_string(next);
  if (!s.keyset) sql += " OFFSET $" + std::to_string(next + 1);
  // The constant outer LIMIT changes no result (the page is at most kMaxPerPage + 1 rows) but
  // caps the row estimate of the generic plan, which PostgreSQL uses after five executions of
  // a prepared statement and which otherwise guesses 10% of the table for `LIMIT $n` and
  // hash-joins with a sequential scan of products.
  sql += ") ids LIMIT " + std::to_string(kMaxPerPage + 1) +
         ") page\n  JOIN products p ON p.id = page.id LEFT JOIN categories c ON c.id = p.category_id\n ORDER BY " +
         order_sql(ss, "p.");
  return sql;
}

std::string count_name(const Shape& s) {
  std::string n = "products_count";
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  if (s.q) n += "_q";
  if (s.fuzzy) n += "_fuzzy";
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
  // Stops after the cap. The ORDER BY (words and substrings; the fuzzy fallback's estimates
  // already lead to its trigram index, and walking with word_similarity on every row would
  // cost more) changes no count: it keeps the planner off a sequential
  // scan. Without it, at 1M products a common word ("oak", whose frequency the tsvector's
  // statistics know) made `Seq Scan … LIMIT 1001` look cheapest — fine for one store alone,
  // but it reads every store's rows until the cap, and a rare term the planner overrates would
  // read the whole table. With it the choice is the page's: walk the store's newest-first index
  // for a common term, collect a rare term's matches from the GIN indexes
  // (tests/integration/test_catalog_search_1m.py).
  const std::string_view index = s.category ? "products_live_category_created" : "products_live_created";
  return "-- index: " + (s.fuzzy ? std::string("products_live_search")
                                 : std::string(index) + " or products_live_fts and products_live_search") +
         "; stops after the cap\nSELECT count(*) FROM (SELECT 1 FROM products WHERE " + filter_sql(s, next) +
         (s.fuzzy ? "" : " ORDER BY created_at DESC, id DESC") + " LIMIT " + std::to_string(kExactCountCap + 1) + ") m";
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

/// The filter's parameters, in filter_sql()'s order, for a statement of `shape`.
db::Params filter_params(const ProductFilter& f, const Shape& shape) {
  db::Params ps = db::params(f.store);
  if (f.category_id) ps.push_back(*f.category_id);
  if (f.status) ps.push_back(*f.status);
  if (f.q) {
    ps.push_back(*f.q);
    if (!shape.fuzzy) ps.push_back(like_pattern(*f.q));
  }
  return ps;
}

std::vector<std::pair<std::string, std::string>> list_shapes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (int bits = 0; bits < 8; ++bits) {
    for (bool fuzzy : {false, true}) {
      if (fuzzy && (bits & 4) == 0) continue;
      Shape base{Sort::created_desc, (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, false};
      base.fuzzy = fuzzy;
      out.emplace_back(count_name(base), count_sql(base));
      for (Sort s : kSorts) {
        for (bool keyset : {false, true}) {
          for (bool walk : {false, true}) {
            if (walk && !base.q) continue;
            Shape sh = base;
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

/// A list statement to run. Without `q` it is the prepared statement of its shape. With `q`
/// it is the same SQL sent unnamed, so PostgreSQL plans it with the term each time: how common
/// the term is decides the plan (a rare word: the trigram index; a common one: walk the
/// ordering index and stop at the page), and a prepared statement's generic plan, chosen
/// after five executions without looking at the term, bitmap-scanned all 31,603 matches of
/// "oak" and sorted them: 153 ms at 1M products instead of 1.5 ms (bench/results.md).
db::Statement list_statement(const Shape& shape, std::string name, db::Params params) {
  if (!shape.q) return db::Statement::prepared(std::move(name), std::move(params));
  static const std::unordered_map<std::string, std::string> sql_by_name = [] {
    std::unordered_map<std::string, std::string> m;
    for (auto& [n, sql] : list_shapes()) m.emplace(std::move(n), std::move(sql));
    return m;
  }();
  return db::Statement::text(sql_by_name.at(name), std::move(params));
}

/// Runs a statement from list_statement(), prepared or unnamed.
asio::awaitable<Result<db::QueryResult>> run(db::PoolUntil pool, db::Statement st) {
  if (st.prepared_name.empty()) co_return co_await pool.query(st.sql, std::move(st.params));
  co_return co_await pool.execute(st.prepared_name, std::move(st.params));
}

/// With q: counts matches up to kExactCountCap + 1 and marks the shape to walk its ordering
/// index when the term is that common (Shape::walk). When nothing matches, counts the
/// misspelling fallback the same way and marks the shape fuzzy if that finds anything.
/// Returns the count. At most two capped counts: no search costs a count of every match.
asio::awaitable<Result<std::int64_t>> count_and_choose_plan(db::PoolUntil pool, const ProductFilter& f, Shape& shape) {
  std::int64_t n = 0;
  for (bool fuzzy : {false, true}) {
    Shape tried = shape;
    tried.fuzzy = fuzzy;
    auto counted = co_await run(pool, list_statement(tried, count_name(tried), filter_params(f, tried)));
    if (!counted) co_return std::move(counted).error();
    n = counted->get_int64(0, 0).value_or(0);
    if (n > 0 || fuzzy) {
      shape.fuzzy = fuzzy && n > 0;
      break;
    }
  }
  shape.walk = n > kExactCountCap;
  co_return n;
}

const std::string kById = "SELECT " + std::string(kColumns) + "\n  " + std::string(kFrom) +
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

ProductRepository::ProductRepository(db::Pool& pool) : pool_(pool) {
  for (auto& [name, sql] : product_statements()) pool_.prepare(name, sql);
}

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

namespace {
std::vector<ProductRow> read_all(const db::QueryResult& r) {
  std::vector<ProductRow> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) rows.push_back(read_product(r, i));
  return rows;
}
}  // namespace

asio::awaitable<Result<std::optional<ProductRow>>> ProductRepository::find_live(const std::string& store,
                                                                                const std::string& id,
                                                                                trace::Scope scope) {
  auto r = co_await pool_.until(scope).execute("product_by_id", db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<ProductRow>{};
  co_return std::optional<ProductRow>(read_product(*r, 0));
}

asio::awaitable<Result<ProductPage>> ProductRepository::page_offset(const ProductFilter& f, const PageRequest& p,
                                                                   trace::Scope scope) {
  db::PoolUntil pool = pool_.until(scope);
  Shape shape = shape_of(f, false);
  if (f.q) {
    // The count goes first: it decides the page's plan.
    auto counted = co_await count_and_choose_plan(pool, f, shape);
    if (!counted) co_return std::move(counted).error();
    db::Params page_params = filter_params(f, shape);
    page_params.push_back(db::to_param(p.per_page));
    page_params.push_back(db::to_param(p.offset()));
    auto rows = co_await run(pool, list_statement(shape, shape_name(shape), std::move(page_params)));
    if (!rows) co_return std::move(rows).error();
    co_return ProductPage{read_all(*rows), bounded_total(*counted)};
  }
  db::Params page_params = filter_params(f, shape);
  page_params.push_back(db::to_param(p.per_page));
  page_params.push_back(db::to_param(p.offset()));
  std::vector<db::Statement> sts;
  sts.push_back(list_statement(shape, shape_name(shape), std::move(page_params)));
  sts.push_back(list_statement(shape, count_name(shape), filter_params(f, shape)));
  auto results = co_await pool.pipeline(std::move(sts));
  for (auto& r : results)
    if (!r) co_return std::move(r).error();
  ProductPage page;
  page.rows = read_all(*results[0]);
  const auto counted = results[1]->get_int64(0, 0).value_or(0);
  page.total = Total{counted, true};
  co_return page;
}

asio::awaitable<Result<std::vector<ProductRow>>> ProductRepository::page_after(
    const ProductFilter& f, const std::optional<CursorPosition>& after, std::int64_t limit, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(scope);
  Shape shape = shape_of(f, after.has_value());
  if (f.q) {
    auto counted = co_await count_and_choose_plan(pool, f, shape);
    if (!counted) co_return std::move(counted).error();
  }
  db::Params ps = filter_params(f, shape);
  if (after) {
    ps.push_back(after->key);
    ps.push_back(after->id);
  }
  ps.push_back(db::to_param(limit));
  if (!after) ps.push_back(db::to_param(0));
  auto r = co_await run(pool, list_statement(shape, shape_name(shape), std::move(ps)));
  if (!r) {
    // A cursor is signed, so its key parses; this only guards against a key type change.
    if (r.error().reason == "22007" || r.error().reason == "22P02" || r.error().reason == "22008")
      co_return bad_request("cursor is invalid: pass next_cursor from a previous page unchanged");
    co_return std::move(r).error();
  }
  co_return read_all(*r);
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

asio::awaitable<Status> ProductTxRepository::replace_images(const std::string& id,
                                                          const std::vector<ImageInput>& images, bool had_images) {
  if (had_images) {
    auto d = co_await tx_.query("DELETE FROM product_images WHERE product_id = $1", db::params(id));
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
      "INSERT INTO product_images (id, product_id, url, alt_text, position) "
      "SELECT x.id, $1, x.url, x.alt_text, x.position "
      "FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, url text, alt_text text, position integer)",
      db::params(id, list));
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
      "category_id = CASE WHEN EXISTS (SELECT 1 FROM categories c WHERE c.id = products.category_id "
      "AND c.deleted_at IS NULL) THEN category_id END "
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
  auto r = co_await pool_.until(scope).query(
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
