#include "services/catalog/import_repository.hpp"

#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

namespace {

constexpr std::string_view kTime = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

// The summary's columns of imports i and its job j (LEFT JOIN): once importing, the job's end
// is the import's (the last chunk marks it succeeded too; a job out of attempts fails it).
std::string summary_columns() {
  return "i.id, i.store_id, i.filename, i.mapping, "
         "CASE WHEN i.state = 'importing' AND j.state = 'failed' THEN 'failed' ELSE i.state END, "
         "i.parts, i.bytes, i.rows, i.valid, i.errors, i.creates, i.updates, i.job_id, coalesce(j.done, 0), "
         "to_char(i.created_at AT TIME ZONE 'UTC', " + std::string(kTime) + "), "
         "to_char(greatest(i.updated_at, coalesce(j.updated_at, i.updated_at)) AT TIME ZONE 'UTC', " +
         std::string(kTime) + ")";
}

std::optional<std::int64_t> optional_int(const db::QueryResult& r, int row, db::RowReader& reader) {
  if (r.is_null(row, reader.position())) {
    reader.skip();
    return std::nullopt;
  }
  return reader.int64();
}

ImportSummary read_summary(const db::QueryResult& r, int i, db::RowReader& row) {
  ImportSummary s;
  s.id = row.text();
  s.store_id = row.text();
  s.filename = row.text();
  s.mapping = row.text();
  s.state = row.text();
  s.parts = row.int64();
  s.bytes = row.int64();
  s.rows = row.int64();
  s.valid = row.int64();
  s.errors = row.int64();
  s.creates = optional_int(r, i, row);
  s.updates = optional_int(r, i, row);
  s.job_id = row.optional_text();
  s.done = row.int64();
  s.created_at = row.text();
  s.updated_at = row.text();
  return s;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view h) {
  auto v = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(h.size() / 2);
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(v(h[i]) * 16 + v(h[i + 1]));
  return out;
}

/// `{"a","b"}`: ids and SKUs are checked already (uuid; [A-Za-z0-9._-]), so none holds a quote
/// or a backslash; each is quoted all the same, or a SKU spelled NULL would be read as a null.
std::string array_literal(const std::vector<std::string>& xs) {
  std::string out = "{";
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += xs[i];
    out += '"';
  }
  out += '}';
  return out;
}

// The staged body's fields as columns (import_mapping.cpp, canonical).
constexpr std::string_view kProductValues =
    "(x.product->>'category_id')::uuid AS category_id, x.product->>'name' AS name, x.product->>'slug' AS slug, "
    "x.product->>'sku' AS sku, x.product->>'description' AS description, "
    "(x.product->>'price_cents')::bigint AS price_cents, x.product->>'currency' AS currency, "
    "x.product->>'status' AS status, (x.product->>'stock')::integer AS stock, x.product->'attributes' AS attributes";

}  // namespace

// ---- imports ----

asio::awaitable<Status> ImportRepository::create(const std::string& id, const std::string& store,
                                                 const std::string& owner, const std::string& filename,
                                                 const std::string& mapping, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query(
      "INSERT INTO imports (id, store_id, owner, filename, mapping) VALUES ($1, $2, $3, $4, $5)",
      db::params(id, store, owner, filename, mapping));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<std::optional<ImportSummary>>> ImportRepository::find(const std::string& store,
                                                                            const std::string& id,
                                                                            trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  const std::string sql = "SELECT " + summary_columns() +
                          " FROM imports i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = $1 AND i.store_id = $2";
  auto r = co_await pool.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<ImportSummary>{};
  db::RowReader row(*r, 0);
  co_return std::optional<ImportSummary>(read_summary(*r, 0, row));
}

asio::awaitable<Result<std::vector<ImportErrorRow>>> ImportRepository::errors(const std::string& id,
                                                                             std::int64_t after_line,
                                                                             std::int64_t after_seq,
                                                                             std::int64_t limit, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  // import_errors_pkey (import_id, line, seq): a range scan from the cursor.
  auto r = co_await pool.query(
      "SELECT line, seq, field, message FROM import_errors WHERE import_id = $1 AND (line, seq) > ($2, $3) "
      "ORDER BY line, seq LIMIT $4",
      db::params(id, after_line, after_seq, limit));
  if (!r) co_return std::move(r).error();
  std::vector<ImportErrorRow> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    db::RowReader row(*r, i);
    ImportErrorRow e;
    e.line = row.int64();
    e.seq = row.int64();
    e.field = row.text();
    e.message = row.text();
    out.push_back(std::move(e));
  }
  co_return out;
}

asio::awaitable<Result<std::int64_t>> ImportRepository::purge(std::int64_t retention_ms, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query(
      "WITH old AS (SELECT i.id FROM imports i LEFT JOIN jobs j ON j.id = i.job_id "
      "WHERE coalesce(i.finished_at, j.finished_at, CASE WHEN i.state IN ('receiving', 'validated') THEN i.updated_at END) "
      "< now() - make_interval(secs => $1::double precision / 1000) "
      "AND (EXISTS (SELECT 1 FROM import_rows r WHERE r.import_id = i.id) "
      "OR EXISTS (SELECT 1 FROM import_errors e WHERE e.import_id = i.id))), "
      "a AS (DELETE FROM import_rows WHERE import_id IN (SELECT id FROM old)), "
      "b AS (DELETE FROM import_errors WHERE import_id IN (SELECT id FROM old)), "
      "c AS (UPDATE imports SET tail = '' WHERE id IN (SELECT id FROM old)) "
      "SELECT count(*) FROM old",
      db::params(retention_ms));
  if (!r) co_return std::move(r).error();
  co_return r->get_int64(0, 0).value_or(0);
}

// ---- one part's, the finish's and the run's transaction ----

asio::awaitable<Result<std::optional<ImportUpload>>> ImportTxRepository::lock(const std::string& store,
                                                                             const std::string& id) {
  const std::string sql = "SELECT " + summary_columns() +
                          ", i.header::text, encode(i.tail, 'hex'), i.tail_line, i.skip_line, i.skip_state "
                          "FROM imports i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = $1 AND i.store_id = $2 "
                          "FOR UPDATE OF i";
  auto r = co_await tx_.query(sql, db::params(id, store));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<ImportUpload>{};
  db::RowReader row(*r, 0);
  ImportUpload u;
  u.summary = read_summary(*r, 0, row);
  u.header_json = row.optional_text();
  u.tail = unhex(row.text_view());
  u.tail_line = row.int64();
  u.skip_line = optional_int(*r, 0, row);
  u.skip_state = row.int64();
  co_return std::optional<ImportUpload>(std::move(u));
}

asio::awaitable<Status> ImportTxRepository::stage(const std::string& id, const StagedBatch& batch) {
  if (batch.rows_json != "[]") {
    auto r = co_await tx_.query(
        "INSERT INTO import_rows (import_id, line, sku, slug, product) SELECT $1, x.line, x.sku, x.slug, x.product "
        "FROM jsonb_to_recordset($2::jsonb) AS x(line bigint, sku text, slug text, product jsonb)",
        db::params(id, batch.rows_json));
    if (!r) co_return std::move(r).error();
  }
  if (batch.errors_json != "[]") {
    auto r = co_await tx_.query(
        "INSERT INTO import_errors (import_id, line, seq, field, message) SELECT $1, x.line, x.seq, x.field, x.message "
        "FROM jsonb_to_recordset($2::jsonb) AS x(line bigint, seq integer, field text, message text)",
        db::params(id, batch.errors_json));
    if (!r) co_return std::move(r).error();
  }
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::save_part(const std::string& id, const ImportUpload& u, std::int64_t rows,
                                                      std::int64_t valid, std::int64_t errors) {
  db::Param skip_line;
  if (u.skip_line) skip_line = std::to_string(*u.skip_line);
  db::Param header;
  if (u.header_json) header = *u.header_json;
  auto r = co_await tx_.query(
      "UPDATE imports SET parts = $2, bytes = $3, tail = decode($4, 'hex'), tail_line = $5, skip_line = $6, "
      "skip_state = $7, header = coalesce(header, $8::jsonb), mapping = $9, rows = rows + $10, valid = valid + $11, "
      "errors = errors + $12, updated_at = now() WHERE id = $1",
      db::params(id, u.summary.parts, u.summary.bytes, hex(u.tail), u.tail_line, skip_line, u.skip_state, header,
                 u.summary.mapping, rows, valid, errors));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::dry_run(const std::string& id, const std::string& store,
                                                    const std::string& sku_column, const std::string& slug_column,
                                                    const std::string& category_column) {
  // seq 100+: the dry run's own problems, after a row's mapping problems (seq < 100).
  const char* const kDuplicate =
      "INSERT INTO import_errors (import_id, line, seq, field, message) "
      "SELECT $1, d.line, $3, $2, '%s ' || d.v || ' is also on line ' || d.first || ' (a file names each once)' "
      "FROM (SELECT line, %s AS v, min(line) OVER (PARTITION BY %s) AS first FROM import_rows "
      "WHERE import_id = $1 AND product IS NOT NULL) d WHERE d.line <> d.first ON CONFLICT DO NOTHING";
  for (auto [what, seq, column] : {std::tuple{"sku", 100, &sku_column}, {"slug", 101, &slug_column}}) {
    char sql[600];
    std::snprintf(sql, sizeof sql, kDuplicate, what == std::string_view("sku") ? "SKU" : "slug", what, what);
    const std::string statement(sql);
    auto r = co_await tx_.query(statement, db::params(id, *column, seq));
    if (!r) co_return std::move(r).error();
  }
  auto taken = co_await tx_.query(
      "INSERT INTO import_errors (import_id, line, seq, field, message) "
      "SELECT $1, r.line, 102, $3, 'slug ' || r.slug || ' is used by another product of this store (SKU ' || p.sku || ')' "
      "FROM import_rows r JOIN products p ON p.store_id = $2 AND p.slug = r.slug AND p.deleted_at IS NULL "
      "AND p.sku <> r.sku WHERE r.import_id = $1 AND r.product IS NOT NULL ON CONFLICT DO NOTHING",
      db::params(id, store, slug_column));
  if (!taken) co_return std::move(taken).error();
  auto categories = co_await tx_.query(
      "INSERT INTO import_errors (import_id, line, seq, field, message) "
      "SELECT $1, r.line, 103, $3, 'no such category in this store' FROM import_rows r "
      "WHERE r.import_id = $1 AND r.product IS NOT NULL AND r.product->>'category_id' IS NOT NULL "
      "AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.store_id = $2 AND c.id = (r.product->>'category_id')::uuid "
      "AND c.deleted_at IS NULL) ON CONFLICT DO NOTHING",
      db::params(id, store, category_column));
  if (!categories) co_return std::move(categories).error();
  auto invalid = co_await tx_.query(
      "UPDATE import_rows SET product = NULL WHERE import_id = $1 AND product IS NOT NULL "
      "AND line IN (SELECT line FROM import_errors WHERE import_id = $1 AND seq >= 100)",
      db::params(id));
  if (!invalid) co_return std::move(invalid).error();
  // products_store_sku_live answers each SKU's lookup.
  auto counted = co_await tx_.query(
      "UPDATE imports i SET state = 'validated', rows = c.total, valid = c.valid, errors = c.total - c.valid, "
      "creates = c.creates, updates = c.valid - c.creates, tail = '', updated_at = now() "
      "FROM (SELECT count(*) AS total, count(*) FILTER (WHERE r.product IS NOT NULL) AS valid, "
      "count(*) FILTER (WHERE r.product IS NOT NULL AND NOT EXISTS (SELECT 1 FROM products p WHERE p.store_id = $2 "
      "AND p.sku = r.sku AND p.deleted_at IS NULL)) AS creates FROM import_rows r WHERE r.import_id = $1) c "
      "WHERE i.id = $1",
      db::params(id, store));
  if (!counted) co_return std::move(counted).error();
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::start(const std::string& id, const std::string& job_id) {
  auto r = co_await tx_.query("UPDATE imports SET state = 'importing', job_id = $2, updated_at = now() WHERE id = $1",
                              db::params(id, job_id));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

// ---- one job chunk ----

asio::awaitable<Result<std::optional<std::int64_t>>> ImportTxRepository::hold_job(const std::string& job_id,
                                                                                  const std::string& worker) {
  auto r = co_await tx_.query(
      "SELECT coalesce(cursor_line, 0) FROM jobs WHERE id = $1 AND locked_by = $2 AND state = 'running' FOR UPDATE",
      db::params(job_id, worker));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<std::int64_t>{};
  co_return std::optional<std::int64_t>(r->get_int64(0, 0).value_or(0));
}

asio::awaitable<Result<std::vector<StagedProduct>>> ImportTxRepository::staged(const std::string& import_id,
                                                                              std::int64_t after, std::int64_t limit) {
  // import_rows_pkey (import_id, line): a range scan from the job's cursor.
  auto r = co_await tx_.query(
      "SELECT line, sku, product::text FROM import_rows WHERE import_id = $1 AND line > $2 AND product IS NOT NULL "
      "ORDER BY line LIMIT $3",
      db::params(import_id, after, limit));
  if (!r) co_return std::move(r).error();
  std::vector<StagedProduct> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    db::RowReader row(*r, i);
    StagedProduct p;
    p.line = row.int64();
    p.sku = row.text();
    p.product_json = row.text();
    out.push_back(std::move(p));
  }
  co_return out;
}

asio::awaitable<Result<std::vector<ProductRow>>> ImportTxRepository::lock_by_sku(const std::string& store,
                                                                                const std::vector<std::string>& skus) {
  // products_store_sku_live; locked in sku order, so two imports over the same SKUs cannot deadlock.
  const std::string sql = product_select_sql() +
                          " WHERE p.store_id = $1 AND p.sku = ANY($2::text[]) AND p.deleted_at IS NULL "
                          "ORDER BY p.sku FOR UPDATE OF p";
  auto r = co_await tx_.query(sql, db::params(store, array_literal(skus)));
  if (!r) co_return std::move(r).error();
  std::vector<ProductRow> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(read_product(*r, i));
  co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> ImportTxRepository::live_categories(
    const std::string& store, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  if (ids.empty()) co_return out;
  auto r = co_await tx_.query(
      "SELECT id FROM categories WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL FOR SHARE",
      db::params(store, array_literal(ids)));
  if (!r) co_return std::move(r).error();
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
  co_return out;
}

asio::awaitable<Status> ImportTxRepository::insert(const std::string& store, const std::string& list) {
  const std::string sql =
      "INSERT INTO products (id, store_id, category_id, name, slug, sku, description, price_cents, currency, status, "
      "stock, attributes) SELECT v.id, $1, v.category_id, v.name, v.slug, v.sku, v.description, v.price_cents, "
      "v.currency, v.status, v.stock, v.attributes FROM (SELECT x.id, " + std::string(kProductValues) +
      " FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, product jsonb)) v";
  auto r = co_await tx_.query(sql, db::params(store, list));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<std::vector<std::string>>> ImportTxRepository::update(const std::string& store,
                                                                            const std::string& list) {
  // A row the file leaves as it is stays untouched (no version, no audit row): re-running an
  // import changes nothing.
  const std::string sql =
      "UPDATE products p SET category_id = v.category_id, name = v.name, slug = v.slug, description = v.description, "
      "price_cents = v.price_cents, currency = v.currency, status = v.status, stock = v.stock, "
      "attributes = v.attributes, version = p.version + 1, updated_at = now() "
      "FROM (SELECT x.id, x.images_changed, " + std::string(kProductValues) +
      " FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, product jsonb, images_changed boolean)) v "
      "WHERE p.store_id = $1 AND p.id = v.id AND (v.images_changed OR (p.category_id, p.name, p.slug, p.description, "
      "p.price_cents, p.currency::text, p.status, p.stock, p.attributes) IS DISTINCT FROM (v.category_id, v.name, "
      "v.slug, v.description, v.price_cents, v.currency, v.status, v.stock, v.attributes)) RETURNING p.id";
  auto r = co_await tx_.query(sql, db::params(store, list));
  if (!r) co_return std::move(r).error();
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
  co_return out;
}

asio::awaitable<Status> ImportTxRepository::replace_images(const std::string& store, const std::vector<std::string>& ids,
                                                           const std::string& list) {
  if (ids.empty()) co_return Status{};
  auto d = co_await tx_.query("DELETE FROM product_images WHERE store_id = $1 AND product_id = ANY($2::uuid[])",
                              db::params(store, array_literal(ids)));
  if (!d) co_return std::move(d).error();
  if (list == "[]") co_return Status{};
  auto r = co_await tx_.query(
      "INSERT INTO product_images (id, store_id, product_id, url, alt_text, position) "
      "SELECT x.id, $1, x.product_id, x.url, x.alt_text, x.position "
      "FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, product_id uuid, url text, alt_text text, position integer)",
      db::params(store, list));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::savepoint(std::string_view verb) {
  // The verb is the caller's constant (import_service.cpp), never a request's.
  const std::string sql = std::string(verb) + " import_chunk";
  auto r = co_await tx_.query(sql);
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::record_errors(const std::string& import_id, const std::string& errors_json) {
  auto r = co_await tx_.query(
      "WITH e AS (INSERT INTO import_errors (import_id, line, seq, field, message) "
      "SELECT $1, x.line, x.seq, x.field, x.message FROM jsonb_to_recordset($2::jsonb) "
      "AS x(line bigint, seq integer, field text, message text) ON CONFLICT DO NOTHING RETURNING 1) "
      "UPDATE imports SET errors = errors + (SELECT count(*) FROM e), valid = valid - (SELECT count(*) FROM e) "
      "WHERE id = $1",
      db::params(import_id, errors_json));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> ImportTxRepository::progress(const std::string& job_id, const std::string& import_id,
                                                     std::int64_t cursor, std::int64_t done, std::int64_t errors,
                                                     bool finished) {
  auto r = co_await tx_.query(
      "UPDATE jobs SET cursor_line = $2, done = done + $3, errors = errors + $4, heartbeat_at = now(), "
      "updated_at = now(), state = CASE WHEN $5 THEN 'succeeded' ELSE state END, "
      "finished_at = CASE WHEN $5 THEN now() END, locked_by = CASE WHEN $5 THEN NULL ELSE locked_by END "
      "WHERE id = $1",
      db::params(job_id, cursor, done, errors, finished));
  if (!r) co_return std::move(r).error();
  if (finished) {
    auto i = co_await tx_.query(
        "UPDATE imports SET state = 'succeeded', finished_at = now(), updated_at = now() WHERE id = $1",
        db::params(import_id));
    if (!i) co_return std::move(i).error();
  }
  co_return Status{};
}

}  // namespace mercato::catalog
