#include "services/catalog/categories_repository.hpp"

namespace mercato::catalog {
namespace {

/// The representation's columns. product_count reads the maintained counters; with
/// `public_only` (the text of a boolean parameter, e.g. "$3") it counts active products only,
/// what the public may know of a category (drafts are the store's own business).
std::string columns(std::string_view public_only = {}) {
  std::string count_filter;
  if (!public_only.empty())
    count_filter = " AND (NOT " + std::string(public_only) + "::boolean OR pc.status = 'active')";
  return R"(c.id, c.store_id, c.name, c.slug, c.description,
       (SELECT coalesce(sum(pc.live), 0) FROM product_counts pc WHERE pc.store_id = c.store_id AND pc.category_key = c.id)" +
         count_filter + R"(),
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       c.version)";
}

/// Reads the columns of columns(), in their order.
CategoryRow read_category(db::RowReader& row) {
  CategoryRow c;
  c.id = row.text();
  c.store_id = row.text();
  c.name = row.text();
  c.slug = row.text();
  c.description = row.text();
  c.product_count = row.int64();
  c.created_at = row.text();
  c.updated_at = row.text();
  c.version = row.int64(1);
  return c;
}

CategoryRow read_category(const db::QueryResult& r, int i) {
  db::RowReader row(r, i);
  return read_category(row);
}

const std::string kWhereLive = " FROM categories c WHERE c.id = $1 AND c.store_id = $2 AND c.deleted_at IS NULL";

}  // namespace

std::vector<std::pair<std::string, std::string>> category_statements() {
  return {
      {"category_by_id", "-- index: categories_pkey\nSELECT " + columns("$3") + kWhereLive},
      // A store has hundreds of categories, not millions, so the window count over them is
      // cheap and exact; product_count reads the maintained counters (product_counts_pkey).
      {"categories_page", "-- index: categories_store_name_live\nSELECT " + columns("$4") +
                              ", count(*) OVER () FROM categories c WHERE c.store_id = $1 AND c.deleted_at IS NULL "
                              "ORDER BY c.name, c.id LIMIT $2 OFFSET $3"},
  };
}

CategoryRepository::CategoryRepository(db::ReplicaSet& db) : db_(db) {
  for (auto& [name, sql] : category_statements()) db_.prepare(name, sql);
}

asio::awaitable<Result<std::optional<CategoryRow>>> CategoryRepository::find_live(const std::string& store,
                                                                                  const std::string& id,
                                                                                  bool public_only,
                                                                                  trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  auto r = co_await pool.execute("category_by_id", db::params(id, store, public_only));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<CategoryRow>{};
  co_return std::optional<CategoryRow>(read_category(*r, 0));
}

asio::awaitable<Result<CategoryPage>> CategoryRepository::page(const std::string& store, const PageRequest& p,
                                                               bool public_only, trace::Scope scope) {
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  auto r = co_await pool.execute("categories_page", db::params(store, p.per_page, p.offset(), public_only));
  if (!r) co_return std::move(r).error();
  CategoryPage page;
  page.rows.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    db::RowReader row(*r, i);
    page.rows.push_back(read_category(row));
    page.total = row.int64();  // count(*) OVER (), the same on every row
  }
  if (r->empty() && p.page > 1) {
    // Past the end the window has no row to ride on; one cheap count says how many there are.
    auto c = co_await pool.query("SELECT count(*) FROM categories WHERE store_id = $1 AND deleted_at IS NULL",
                                  db::params(store));
    if (!c) co_return std::move(c).error();
    page.total = c->get_int64(0, 0).value_or(0);
  }
  co_return page;
}

asio::awaitable<Status> CategoryTxRepository::audit(const Actor& actor, const AuditEntry& entry) {
  return record(tx_, actor, entry);
}

asio::awaitable<Result<std::optional<CategoryRow>>> CategoryTxRepository::lock(const std::string& store,
                                                                             const std::string& id) {
  const std::string sql = "SELECT " + columns() + kWhereLive + " FOR UPDATE OF c";
  auto r = co_await tx_.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<CategoryRow>{};
  co_return std::optional<CategoryRow>(read_category(*r, 0));
}

asio::awaitable<Result<CategoryRow>> CategoryTxRepository::reload(const std::string& store,
                                                                const std::string& id) {
  const std::string sql = "SELECT " + columns() + " FROM categories c WHERE c.id = $1 AND c.store_id = $2";
  auto r = co_await tx_.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return internal_error("category vanished inside its own transaction");
  co_return read_category(*r, 0);
}

asio::awaitable<Status> CategoryTxRepository::insert(const std::string& store,
                                                   const std::string& id, const CategoryInput& in) {
  auto r = co_await tx_.query(
      "INSERT INTO categories (id, store_id, name, slug, description) VALUES ($1, $2, $3, $4, $5)",
      db::params(id, store, *in.name, *in.slug, in.description.value_or("")));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> CategoryTxRepository::update(const std::string& store,
                                                   const std::string& id, const CategoryInput& in) {
  auto r = co_await tx_.query(
      "UPDATE categories SET name = $3, slug = $4, description = $5, version = version + 1, updated_at = now() "
      "WHERE id = $1 AND store_id = $2",
      db::params(id, store, *in.name, *in.slug, *in.description));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<bool>> CategoryTxRepository::has_live_products(const std::string& store,
                                                                    const std::string& id) {
  // products_live_category_created: (store_id, category_id, …) WHERE deleted_at IS NULL.
  auto r = co_await tx_.query(
      "SELECT EXISTS (SELECT 1 FROM products WHERE store_id = $1 AND category_id = $2 AND deleted_at IS NULL)",
      db::params(store, id));
  if (!r) co_return std::move(r).error();
  co_return r->get_bool(0, 0).value_or(true);
}

asio::awaitable<Status> CategoryTxRepository::soft_delete(const std::string& store,
                                                        const std::string& id) {
  auto r = co_await tx_.query(
      "UPDATE categories SET deleted_at = now(), updated_at = now(), version = version + 1 "
      "WHERE id = $1 AND store_id = $2 AND deleted_at IS NULL",
      db::params(id, store));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

}  // namespace mercato::catalog
