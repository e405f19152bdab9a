#include "services/catalog/export_repository.hpp"

#include "services/catalog/search_plan.hpp"

namespace mercato::catalog {
namespace {

enum class Match { none, words, substring, similar };

struct ExportShape {
  bool category = false, status = false;
  Match match = Match::none;
};

std::string shape_name(const ExportShape& s) {
  std::string n = "products_export";
  if (s.category) n += "_cat";
  if (s.status) n += "_status";
  switch (s.match) {
    case Match::none: break;
    case Match::words: n += "_q"; break;
    case Match::substring: n += "_q_sub"; break;
    case Match::similar: n += "_q_fuzzy"; break;
  }
  return n;
}

std::string param(int n) { return "$" + std::to_string(n); }

/// The filter's conditions from $1, the search tier's condition included; `next` is the next
/// free parameter. The tiers' conditions are the list's (products_repository.cpp, match_sql),
/// written as their indexes' expressions.
std::string where_sql(const ExportShape& s, int& next) {
  std::string w = "p.store_id = $1 AND p.deleted_at IS NULL";
  next = 2;
  if (s.category) w += " AND p.category_id = " + param(next++);
  if (s.status) w += " AND p.status = " + param(next++);
  switch (s.match) {
    case Match::none: break;
    case Match::words:
      w += " AND (p.search_tsv @@ " + param(next) + "::tsquery OR (lower(p.sku) COLLATE \"C\" >= " + param(next + 1) +
           " AND lower(p.sku) COLLATE \"C\" < " + param(next + 2) + "))";
      next += 3;
      break;
    case Match::substring: w += " AND (p.name || ' ' || p.sku) ILIKE " + param(next++); break;
    case Match::similar: w += " AND " + param(next++) + " <% (p.name || ' ' || p.sku)"; break;
  }
  return w;
}

// Everything per row is done by PostgreSQL, which does it faster than a second pass here:
// the image URLs joined in position order (product_images' (store_id, product_id, position)
// unique index, as the list's statements walk it), the attributes' JSON text and the RFC 3339
// timestamp. The service only quotes cells.
std::string page_sql(const ExportShape& s) {
  int next = 2;
  const std::string where = where_sql(s, next);
  return "-- index: products_pkey (store_id, id)\n"
         "SELECT p.id, p.sku, p.name, p.slug, p.description, p.price_cents, p.currency, p.status, p.stock,\n"
         "       p.category_id, p.attributes::text,\n"
         "       (SELECT string_agg(i.url, ' ' ORDER BY i.position) FROM product_images i\n"
         "         WHERE i.store_id = p.store_id AND i.product_id = p.id),\n"
         "       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')\n"
         "  FROM products p\n"
         " WHERE " + where + " AND p.id > " + param(next) + "::uuid\n"
         " ORDER BY p.id LIMIT " + std::to_string(kExportPageRows);
}

/// Whether any row of the filtered list matches the tier: the list tries the next tier only
/// when one matched nothing.
std::string any_sql(const ExportShape& s) {
  int next = 2;
  return "SELECT EXISTS (SELECT 1 FROM products p WHERE " + where_sql(s, next) + ")";
}

std::string any_name(const ExportShape& s) { return "any_" + shape_name(s); }

// The store's slug (for the file name) and, with q, the term as the words tier's tsquery.
constexpr std::string_view kSlugSql =
    "SELECT (SELECT slug FROM stores WHERE id = $1), CASE WHEN $2 <> '' THEN product_search_tsquery($2)::text END";

std::string like_pattern(std::string_view q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p += '%';
}

db::Params filter_params(const ProductFilter& f) {
  db::Params ps = db::params(f.store);
  if (f.category_id) ps.push_back(*f.category_id);
  if (f.status) ps.push_back(*f.status);
  return ps;
}

void append_match_params(db::Params& ps, const ProductFilter& f, Match m, const std::string& tsquery) {
  switch (m) {
    case Match::none: return;
    case Match::words: {
      auto [lo, hi] = sku_range(*f.q);
      ps.push_back(tsquery);
      ps.push_back(std::move(lo));
      ps.push_back(std::move(hi));
      return;
    }
    case Match::substring: ps.push_back(like_pattern(*f.q)); return;
    case Match::similar: ps.push_back(*f.q); return;
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ExportRepository::statements() {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("products_export_store", std::string(kSlugSql));
  for (int bits = 0; bits < 4; ++bits) {
    for (Match m : {Match::none, Match::words, Match::substring, Match::similar}) {
      const ExportShape s{(bits & 1) != 0, (bits & 2) != 0, m};
      out.emplace_back(shape_name(s), page_sql(s));
      if (m == Match::words || m == Match::substring) out.emplace_back(any_name(s), any_sql(s));
    }
  }
  return out;
}

ExportRepository::ExportRepository(db::ReplicaSet& db) : db_(db) {
  for (auto& [name, sql] : statements()) db_.prepare(name, sql);
}

asio::awaitable<Result<ExportPlan>> ExportRepository::plan(const ProductFilter& f, trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  auto head = co_await pool.execute("products_export_store", db::params(f.store, f.q.value_or("")));
  if (!head) co_return std::move(head).error();
  ExportPlan plan;
  plan.store_slug = std::string(head->get_optional(0, 0).value_or(""));
  ExportShape shape{f.category_id.has_value(), f.status.has_value(), Match::none};
  const std::string tsquery(head->get_optional(0, 1).value_or(""));
  if (f.q) {
    // The list's tiers, in its order; the last one is taken without asking.
    shape.match = Match::similar;
    for (Match m : {Match::words, Match::substring}) {
      ExportShape tier = shape;
      tier.match = m;
      db::Params ps = filter_params(f);
      append_match_params(ps, f, m, tsquery);
      auto any = co_await pool.execute(any_name(tier), std::move(ps));
      if (!any) co_return std::move(any).error();
      if (any->get_bool(0, 0).value_or(false)) {
        shape.match = m;
        break;
      }
    }
  }
  plan.statement = shape_name(shape);
  plan.params = filter_params(f);
  append_match_params(plan.params, f, shape.match, tsquery);
  co_return plan;
}

asio::awaitable<Result<db::QueryResult>> ExportRepository::page(const ExportPlan& plan, std::string_view after_id,
                                                               trace::Scope scope) {
  db::Params ps = plan.params;
  ps.push_back(std::string(after_id));
  co_return co_await db_.for_reads(scope).until(scope).execute(plan.statement, std::move(ps));
}

}  // namespace mercato::catalog
