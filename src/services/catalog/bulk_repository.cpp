#include "services/catalog/bulk_repository.hpp"

#include "core/ids.hpp"
#include "core/json.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

namespace {

/// `{a,b,c}`, a uuid[] literal as one text parameter. The ids are UUIDs already (checked by
/// the body's parser or read from the database), so no element needs quoting.
std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += ids[i];
  }
  out += '}';
  return out;
}

db::Param nullable(const std::string& v) {
  if (v.empty()) return std::nullopt;
  return v;
}

std::vector<ProductRow> read_rows(const db::QueryResult& r) {
  std::vector<ProductRow> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_product(r, i));
  return out;
}

// A job's selection: the store, which side of deleted_at (restore takes deleted products),
// status when given, the category when given (NULL: products without one). The keyset walks
// products_pkey (store_id, id) from the cursor, so a chunk's cost does not grow with the
// job's progress.
constexpr std::string_view kSelection =
    "p.store_id = $1 AND (p.deleted_at IS NOT NULL) = $2 AND ($3::text IS NULL OR p.status = $3) "
    "AND (NOT $4::boolean OR p.category_id IS NOT DISTINCT FROM $5::uuid)";

db::Params selection_params(const std::string& store, BulkAction action, const BulkFilter& f) {
  db::Param status, category;
  if (f.status) status = *f.status;
  if (f.category_id && !f.category_id->empty()) category = *f.category_id;
  return db::params(store, action == BulkAction::restore, status, f.category_id.has_value(), category);
}

constexpr std::string_view kJobColumns =
    "id, kind, store_id, owner, state, done, total, errors, params::text, result::text, error, attempts, max_attempts, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

// The same columns of the alias j (claim's UPDATE … FROM, where a bare name could be ambiguous).
constexpr std::string_view kJobColumnsOfJ =
    "j.id, j.kind, j.store_id, j.owner, j.state, j.done, j.total, j.errors, j.params::text, j.result::text, j.error, "
    "j.attempts, j.max_attempts, "
    "to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(j.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(j.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(j.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(j.heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

JobRow read_job(const db::QueryResult& r, int i) {
  db::RowReader row(r, i);
  JobRow j;
  j.id = row.text();
  j.kind = row.text();
  j.store_id = row.text();
  j.owner = row.text();
  j.state = row.text();
  j.done = row.int64();
  if (r.is_null(i, row.position())) {
    row.skip();
  } else {
    j.total = row.int64();
  }
  j.errors = row.int64();
  j.params = row.text();
  j.result = row.optional_text();
  j.error = row.optional_text();
  j.attempts = row.int64();
  j.max_attempts = row.int64();
  j.created_at = row.text();
  j.updated_at = row.text();
  j.started_at = row.optional_text();
  j.finished_at = row.optional_text();
  j.heartbeat_at = row.optional_text();
  return j;
}

}  // namespace

// ---- one chunk's product statements ----

asio::awaitable<Result<std::vector<ProductRow>>> BulkTxRepository::lock(const std::string& store,
                                                                       const std::vector<std::string>& ids) {
  const std::string sql =
      product_select_sql() + " WHERE p.store_id = $1 AND p.id = ANY($2::uuid[]) ORDER BY p.id FOR UPDATE OF p";
  auto r = co_await tx_.query(sql, db::params(store, uuid_array(ids)));
  if (!r) co_return std::move(r).error();
  co_return read_rows(*r);
}

asio::awaitable<Result<std::vector<ProductRow>>> BulkTxRepository::reload(const std::string& store,
                                                                         const std::vector<std::string>& ids) {
  const std::string sql = product_select_sql() + " WHERE p.store_id = $1 AND p.id = ANY($2::uuid[]) ORDER BY p.id";
  auto r = co_await tx_.query(sql, db::params(store, uuid_array(ids)));
  if (!r) co_return std::move(r).error();
  co_return read_rows(*r);
}

asio::awaitable<Result<bool>> BulkTxRepository::hold_category(const std::string& store,
                                                             const std::string& category_id) {
  auto r = co_await tx_.query(
      "SELECT 1 FROM categories WHERE id = $1 AND store_id = $2 AND deleted_at IS NULL FOR SHARE",
      db::params(category_id, store));
  if (!r) co_return std::move(r).error();
  co_return !r->empty();
}

asio::awaitable<Status> BulkTxRepository::apply(const std::string& store, BulkAction action,
                                                const std::string& category_id,
                                                const std::vector<BulkChange>& changes) {
  std::vector<std::string> ids;
  ids.reserve(changes.size());
  for (const auto& c : changes) ids.push_back(c.id);
  constexpr std::string_view kBumped = "version = version + 1, updated_at = now()";
  std::string sql;
  db::Params ps;
  switch (action) {
    case BulkAction::archive:
    case BulkAction::activate:
      sql = "UPDATE products SET status = $3, " + std::string(kBumped) +
            " WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL";
      ps = db::params(store, uuid_array(ids), action == BulkAction::archive ? "archived" : "active");
      break;
    case BulkAction::remove:
      sql = "UPDATE products SET deleted_at = now(), " + std::string(kBumped) +
            " WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL";
      ps = db::params(store, uuid_array(ids));
      break;
    case BulkAction::restore:
      // As a single restore (ProductTxRepository::restore): a product whose category was
      // deleted meanwhile comes back without one.
      sql = "UPDATE products SET deleted_at = NULL, " + std::string(kBumped) +
            ", category_id = CASE WHEN EXISTS (SELECT 1 FROM categories c WHERE c.store_id = products.store_id "
            "AND c.id = products.category_id AND c.deleted_at IS NULL) THEN category_id END "
            "WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NOT NULL";
      ps = db::params(store, uuid_array(ids));
      break;
    case BulkAction::set_category:
      sql = "UPDATE products SET category_id = $3, " + std::string(kBumped) +
            " WHERE store_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL";
      ps = db::params(store, uuid_array(ids), nullable(category_id));
      break;
    case BulkAction::adjust_price: {
      std::string list;
      json::Writer w(list);
      w.begin_array();
      for (const auto& c : changes) w.begin_object().key("id").string(c.id).key("price").integer(c.price_cents).end_object();
      w.end_array();
      sql = "UPDATE products p SET price_cents = x.price, version = p.version + 1, updated_at = now() "
            "FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, price bigint) "
            "WHERE p.store_id = $1 AND p.id = x.id AND p.deleted_at IS NULL";
      ps = db::params(store, list);
      break;
    }
  }
  auto r = co_await tx_.query(sql, std::move(ps));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> BulkTxRepository::audit(const std::string& store, const Actor& actor, std::string_view action,
                                                const std::vector<BulkAudit>& rows) {
  if (rows.empty()) co_return Status{};
  // Every row in one statement: the per-item parts travel as one JSON parameter, the parts
  // every row shares (audit.cpp's columns) as plain parameters.
  std::string list;
  json::Writer w(list);
  w.begin_array();
  for (const auto& a : rows)
    w.begin_object()
        .key("id").string(ids::uuid_v7())
        .key("entity_id").string(a.id)
        .key("before").raw(a.before)
        .key("after").raw(a.after)
        .end_object();
  w.end_array();
  const std::string action_name(action);
  auto r = co_await tx_.query(
      "INSERT INTO audit_log (id, store_id, actor, actor_role, action, entity_type, entity_id, before, after, "
      "request_id, client_address) "
      "SELECT x.id, $1, $2, $3, $4, 'product', x.entity_id, x.before, x.after, $5, $6 "
      "FROM jsonb_to_recordset($7::jsonb) AS x(id uuid, entity_id uuid, before jsonb, after jsonb)",
      db::params(store, actor.subject, actor.role, action_name, actor.request_id, actor.client_address, list));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> BulkTxRepository::savepoint(std::string_view verb, std::string_view name) {
  // Both words are the caller's constants (bulk_service.cpp), never a request's.
  const std::string sql = std::string(verb) + " " + std::string(name);
  auto r = co_await tx_.query(sql);
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

// ---- the jobs table ----

asio::awaitable<Status> JobRepository::create(const std::string& id, const std::string& store,
                                              const std::string& owner, const std::string& params, int max_attempts,
                                              trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query(
      "INSERT INTO jobs (id, kind, store_id, owner, params, max_attempts) VALUES ($1, 'products.bulk', $2, $3, $4::jsonb, $5)",
      db::params(id, store, owner, params, max_attempts));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<std::optional<JobRow>>> JobRepository::find(const std::string& id, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  // Statements built before their co_await, never inside it (docs/toolchain.md#coroutine-pitfalls).
  const std::string sql = "SELECT " + std::string(kJobColumns) + " FROM jobs WHERE id = $1";
  auto r = co_await pool.query(sql, db::params(id));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<JobRow>{};
  co_return std::optional<JobRow>(read_job(*r, 0));
}

asio::awaitable<Result<std::optional<JobRow>>> JobRepository::claim(const std::string& worker, std::int64_t stale_ms,
                                                                    trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  // Walks jobs_open oldest first; SKIP LOCKED passes over a job another worker is claiming or
  // whose chunk is committing right now (the chunk holds the row), so claims never queue.
  const std::string sql =
      "WITH next AS (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND heartbeat_at < "
      "now() - make_interval(secs => $2::double precision / 1000)) ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "UPDATE jobs j SET "
      "state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'running' END, "
      "error = CASE WHEN j.attempts >= j.max_attempts THEN 'stopped after ' || j.attempts || "
      "' attempts (its worker stopped or failed each time)' END, "
      "finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END, "
      "attempts = CASE WHEN j.attempts >= j.max_attempts THEN j.attempts ELSE j.attempts + 1 END, "
      "locked_by = $1, heartbeat_at = now(), started_at = coalesce(j.started_at, now()), updated_at = now() "
      "FROM next WHERE j.id = next.id RETURNING " + std::string(kJobColumnsOfJ);
  auto r = co_await pool.query(sql, db::params(worker, stale_ms));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<JobRow>{};
  co_return std::optional<JobRow>(read_job(*r, 0));
}

asio::awaitable<Status> JobRepository::release(const std::string& id, const std::string& worker,
                                               const std::string& why, trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query(
      "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
      "finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
      "error = CASE WHEN attempts >= max_attempts THEN $3 END, locked_by = NULL, "
      "updated_at = now() WHERE id = $1 AND locked_by = $2 AND state = 'running'",
      db::params(id, worker, why));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> JobRepository::hand_over(const std::string& id, const std::string& worker,
                                                 trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  // The claim counted an attempt; a handover gives it back, so rolling restarts never use a
  // job's attempts up. heartbeat_at stays: claims take queued jobs whatever their heartbeat.
  auto r = co_await pool.query(
      "UPDATE jobs SET state = 'queued', locked_by = NULL, attempts = greatest(attempts - 1, 0), updated_at = now() "
      "WHERE id = $1 AND locked_by = $2 AND state = 'running'",
      db::params(id, worker));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> JobRepository::fail(const std::string& id, const std::string& worker, const std::string& why,
                                            trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query(
      "UPDATE jobs SET state = 'failed', error = $3, finished_at = now(), updated_at = now() "
      "WHERE id = $1 AND locked_by = $2 AND state = 'running'",
      db::params(id, worker, why));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<bool>> JobRepository::category_live(const std::string& store, const std::string& category_id,
                                                           trace::Scope scope) {
  db::PoolUntil pool = pool_.until(std::move(scope));
  auto r = co_await pool.query("SELECT 1 FROM categories WHERE store_id = $1 AND id = $2 AND deleted_at IS NULL",
                               db::params(store, category_id));
  if (!r) co_return std::move(r).error();
  co_return !r->empty();
}

// ---- one job chunk's statements besides the product writes ----

asio::awaitable<Result<std::optional<JobPosition>>> JobTxRepository::hold(const std::string& id,
                                                                         const std::string& worker) {
  auto r = co_await tx_.query(
      "SELECT cursor_id, upper_id, total, errors FROM jobs WHERE id = $1 AND locked_by = $2 AND state = 'running' "
      "FOR UPDATE",
      db::params(id, worker));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<JobPosition>{};
  db::RowReader row(*r, 0);
  JobPosition p;
  p.cursor_id = row.optional_text();
  p.upper_id = row.optional_text();
  if (r->is_null(0, 2)) row.skip();
  else p.total = row.int64();
  p.errors = row.int64();
  co_return std::optional<JobPosition>(std::move(p));
}

asio::awaitable<Result<JobPosition>> JobTxRepository::count(const std::string& id, const std::string& store,
                                                           BulkAction action, const BulkFilter& filter) {
  // uuid has no max() aggregate: the greatest id is the pkey walked backwards.
  const std::string sql = "UPDATE jobs SET total = (SELECT count(*) FROM products p WHERE " + std::string(kSelection) +
                          "), upper_id = (SELECT p.id FROM products p WHERE " + std::string(kSelection) +
                          " ORDER BY p.id DESC LIMIT 1), updated_at = now() WHERE id = $6 RETURNING total, upper_id";
  db::Params ps = selection_params(store, action, filter);
  ps.push_back(id);
  auto r = co_await tx_.query(sql, std::move(ps));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return internal_error("job vanished while counting");
  db::RowReader row(*r, 0);
  JobPosition p;
  p.total = row.int64();
  p.upper_id = row.optional_text();
  co_return p;
}

asio::awaitable<Result<std::vector<std::string>>> JobTxRepository::next_ids(const std::string& store,
                                                                           BulkAction action,
                                                                           const BulkFilter& filter,
                                                                           const std::optional<std::string>& after,
                                                                           const std::string& upper,
                                                                           std::int64_t limit) {
  db::Params ps = selection_params(store, action, filter);
  ps.push_back(after ? db::Param(*after) : db::Param(std::nullopt));
  ps.push_back(upper);
  ps.push_back(std::to_string(limit));
  const std::string sql = "SELECT p.id FROM products p WHERE " + std::string(kSelection) +
                          " AND ($6::uuid IS NULL OR p.id > $6::uuid) AND p.id <= $7::uuid ORDER BY p.id LIMIT $8";
  auto r = co_await tx_.query(sql, std::move(ps));
  if (!r) co_return std::move(r).error();
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
  co_return out;
}

asio::awaitable<Status> JobTxRepository::progress(const std::string& id, const std::string& cursor,
                                                  std::int64_t done, std::int64_t errors,
                                                  const std::string& error_sample, bool finished) {
  auto r = co_await tx_.query(
      "UPDATE jobs SET cursor_id = $2, done = done + $3, errors = errors + $4, "
      "result = jsonb_build_object('errors', coalesce(result->'errors', '[]'::jsonb) || $5::jsonb), "
      "heartbeat_at = now(), updated_at = now(), "
      "state = CASE WHEN $6 THEN 'succeeded' ELSE state END, "
      "finished_at = CASE WHEN $6 THEN now() END, "
      "locked_by = CASE WHEN $6 THEN NULL ELSE locked_by END "
      "WHERE id = $1",
      db::params(id, nullable(cursor), done, errors, error_sample, finished));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

}  // namespace mercato::catalog
