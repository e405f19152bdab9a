#include "services/catalog/bulk_service.hpp"

#include <unordered_map>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace mercato::catalog {

namespace {

// A request-driven call starts no chunk with less than this left of its budget: a chunk of 100
// takes tens of milliseconds, and the answer listing every item must still reach the gateway
// before it gives up on the request (then the client would not learn which items were written).
constexpr auto kChunkMargin = std::chrono::milliseconds(500);

// Failed items a job keeps in its result (the counts are always whole).
constexpr std::int64_t kJobErrorSample = 100;

// A worker's own statements (claim, release) and each job chunk's transaction: a bound like a
// request's, so a stuck database never holds a worker forever.
constexpr auto kWorkerStatementBudget = std::chrono::seconds(30);

trace::Scope worker_scope() { return trace::Scope(trace::Scope::Clock::now() + kWorkerStatementBudget); }

bool constraint_violation(const Error& e) { return e.reason.size() == 5 && e.reason.starts_with("23"); }

ItemResult failure(std::string id, Error e) {
  ItemResult r;
  r.id = std::move(id);
  r.status = e.http_status();
  r.error = std::move(e);
  return r;
}

void add_category(std::vector<std::string>& cats, const std::string& c) {
  if (c.empty()) return;
  for (const auto& x : cats)
    if (x == c) return;
  cats.push_back(c);
}

std::string error_sample_json(const std::vector<ItemResult>& results, std::int64_t room) {
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& r : results) {
    if (!r.error || room <= 0) continue;
    --room;
    w.begin_object()
        .key("id").string(r.id)
        .key("status").integer(r.status)
        .key("error").begin_object()
        .key("code").string(code_name(r.error->code))
        .key("message").string(r.error->message)
        .end_object()
        .end_object();
  }
  w.end_array();
  return out;
}

}  // namespace

asio::awaitable<Status> BulkService::apply_chunk(db::Transaction& tx, const std::string& store, const Actor& actor,
                                                 const BulkRequest& r, std::span<const BulkItem> items,
                                                 ChunkOutcome& out) {
  BulkTxRepository db(tx);
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& it : items) ids.push_back(it.id);

  // 1. Lock what exists of the store's products among them.
  auto locked = co_await db.lock(store, ids);
  if (!locked) co_return std::move(locked).error();
  std::unordered_map<std::string, const ProductRow*> by_id;
  for (const auto& row : *locked) by_id.emplace(row.id, &row);

  bool category_ok = true;
  if (r.action == BulkAction::set_category && !r.category_id.empty()) {
    auto held = co_await db.hold_category(store, r.category_id);
    if (!held) co_return std::move(held).error();
    category_ok = *held;
  }

  // 2. Decide every item before writing any.
  out.results.clear();
  out.results.reserve(items.size());
  std::vector<BulkChange> valid;
  std::vector<std::size_t> valid_index;  // into out.results
  for (const auto& it : items) {
    auto found = by_id.find(it.id);
    if (found == by_id.end()) {
      out.results.push_back(failure(it.id, not_found("product not found")));
      continue;
    }
    const ProductRow& row = *found->second;
    if (auto st = check_if_match(it.if_match, row.id, row.version, "product"); !st) {
      out.results.push_back(failure(it.id, st.error()));
      continue;
    }
    const bool deleted = !row.deleted_at.empty();
    if (r.action == BulkAction::restore && !deleted) {
      out.results.push_back(failure(it.id, conflict("product is not deleted")));
      continue;
    }
    if (r.action != BulkAction::restore && deleted) {
      out.results.push_back(failure(it.id, not_found("product not found")));
      continue;
    }
    if (!category_ok) {
      out.results.push_back(failure(it.id, validation_failed({{"category_id", "no such category in this store"}})));
      continue;
    }
    BulkChange change{it.id, row.price_cents};
    if (r.action == BulkAction::adjust_price) {
      auto price = adjusted_price(row.price_cents, r.price);
      if (!price) {
        out.results.push_back(failure(it.id, price.error()));
        continue;
      }
      change.price_cents = *price;
    }
    ItemResult ok;
    ok.id = it.id;
    valid_index.push_back(out.results.size());
    out.results.push_back(std::move(ok));
    valid.push_back(std::move(change));
  }
  if (valid.empty()) co_return Status{};

  // 3. One statement for the chunk, in a savepoint; item by item when the database refuses it.
  std::vector<BulkChange> written;
  if (auto st = co_await db.savepoint("SAVEPOINT", "bulk_chunk"); !st) co_return st;
  auto whole = co_await db.apply(store, r.action, r.category_id, valid);
  if (whole) {
    if (auto st = co_await db.savepoint("RELEASE SAVEPOINT", "bulk_chunk"); !st) co_return st;
    written = valid;
  } else {
    if (!constraint_violation(whole.error())) co_return std::move(whole).error();
    if (auto st = co_await db.savepoint("ROLLBACK TO SAVEPOINT", "bulk_chunk"); !st) co_return st;
    for (std::size_t i = 0; i < valid.size(); ++i) {
      if (auto st = co_await db.savepoint("SAVEPOINT", "bulk_item"); !st) co_return st;
      const std::vector<BulkChange> one{valid[i]};
      auto single = co_await db.apply(store, r.action, r.category_id, one);
      if (single) {
        if (auto st = co_await db.savepoint("RELEASE SAVEPOINT", "bulk_item"); !st) co_return st;
        written.push_back(valid[i]);
        continue;
      }
      if (!constraint_violation(single.error())) co_return std::move(single).error();
      if (auto st = co_await db.savepoint("ROLLBACK TO SAVEPOINT", "bulk_item"); !st) co_return st;
      out.results[valid_index[i]] = failure(valid[i].id, write_error(single.error()));
    }
    if (written.empty()) co_return Status{};
  }

  // 4. The rows after, their audit rows, and what the cache must forget.
  std::vector<std::string> written_ids;
  written_ids.reserve(written.size());
  for (const auto& c : written) written_ids.push_back(c.id);
  auto after = co_await db.reload(store, written_ids);
  if (!after) co_return std::move(after).error();
  std::vector<BulkAudit> audits;
  audits.reserve(after->size());
  std::unordered_map<std::string, std::int64_t> versions;
  for (const auto& row : *after) {
    const ProductRow& before = *by_id.at(row.id);
    audits.push_back({row.id, product_json(before), product_json(row)});
    versions[row.id] = row.version;
    out.changed.push_back(row.id);
    add_category(out.categories, before.category_id);
    add_category(out.categories, row.category_id);
  }
  if (auto st = co_await db.audit(store, actor, audit_action(r.action), audits); !st) co_return st;
  for (auto& res : out.results)
    if (!res.error) res.version = versions[res.id];
  co_return Status{};
}

asio::awaitable<std::vector<ItemResult>> BulkService::run_chunk(const WriteRequest& w, const BulkRequest& r,
                                                                std::span<const BulkItem> items) {
  ChunkOutcome out;
  db::PoolUntil bound = jobs_.pool().until(w.scope);
  auto body = [&](db::Transaction& tx) -> asio::awaitable<Status> {
    co_return co_await apply_chunk(tx, w.store, w.actor, r, items, out);
  };
  if (auto done = co_await bound.transaction(body); !done) {
    // Rolled back as a whole: no item of the chunk was written.
    const Error e = write_error(done.error());
    std::vector<ItemResult> failed;
    failed.reserve(items.size());
    for (const auto& it : items) failed.push_back(failure(it.id, e));
    co_return failed;
  }
  if (!out.changed.empty()) co_await changes_.products_changed(w.store, out.changed, out.categories, w.scope);
  co_return std::move(out.results);
}

asio::awaitable<Result<std::vector<ItemResult>>> BulkService::apply(const WriteRequest& w, const BulkRequest& r) {
  if (r.action == BulkAction::set_category && !r.category_id.empty()) {
    auto live = co_await jobs_.category_live(w.store, r.category_id, w.scope);
    if (!live) co_return std::move(live).error();
    if (!*live) co_return validation_failed({{"category_id", "no such category in this store"}});
  }
  std::vector<ItemResult> results;
  results.reserve(r.items.size());
  for (const auto& chunk : chunks(r.items, options_.chunk_size)) {
    if (trace::Scope::Clock::now() + kChunkMargin >= w.scope.deadline) {
      for (const auto& it : chunk)
        results.push_back(failure(it.id, unavailable("not attempted: the request ran out of time; send this item again")));
      continue;
    }
    auto got = co_await run_chunk(w, r, chunk);
    for (auto& x : got) results.push_back(std::move(x));
  }
  co_return results;
}

asio::awaitable<Result<JobRow>> BulkService::start_job(const WriteRequest& w, const BulkRequest& r) {
  if (r.action == BulkAction::set_category && !r.category_id.empty()) {
    auto live = co_await jobs_.category_live(w.store, r.category_id, w.scope);
    if (!live) co_return std::move(live).error();
    if (!*live) co_return validation_failed({{"category_id", "no such category in this store"}});
  }
  const std::string id = ids::uuid_v7();
  const std::string params = job_params_json(r, w.actor);
  if (auto st = co_await jobs_.create(id, w.store, w.actor.subject, params, options_.job_max_attempts, w.scope); !st)
    co_return write_error(st.error());
  auto row = co_await jobs_.find(id, w.scope);
  if (!row) co_return std::move(row).error();
  if (!*row) co_return internal_error("job vanished after its insert");
  co_return std::move(**row);
}

asio::awaitable<Result<std::optional<JobRow>>> BulkService::job(const std::string& id, trace::Scope scope) {
  return jobs_.find(id, std::move(scope));
}

asio::awaitable<Result<bool>> BulkService::job_chunk(const JobRow& job, const BulkRequest& r, const Actor& actor,
                                                     const std::string& worker) {
  ChunkOutcome out;
  bool more = false;
  bool lost = false;
  const trace::Scope scope = worker_scope();
  db::PoolUntil bound = worker_jobs_.pool().until(scope);
  auto body = [&](db::Transaction& tx) -> asio::awaitable<Status> {
    JobTxRepository jobs(tx);
    auto held = co_await jobs.hold(job.id, worker);
    if (!held) co_return std::move(held).error();
    if (!*held) {
      lost = true;  // another worker took it over (we were presumed dead), or it ended
      co_return Status{};
    }
    JobPosition pos = **held;
    if (!pos.total) {
      auto counted = co_await jobs.count(job.id, job.store_id, r.action, *r.filter);
      if (!counted) co_return std::move(counted).error();
      pos.total = counted->total;
      pos.upper_id = counted->upper_id;
    }
    std::vector<std::string> ids;
    if (pos.upper_id) {
      auto next = co_await jobs.next_ids(job.store_id, r.action, *r.filter, pos.cursor_id, *pos.upper_id,
                                         static_cast<std::int64_t>(options_.chunk_size));
      if (!next) co_return std::move(next).error();
      ids = std::move(*next);
    }
    std::vector<BulkItem> items;
    items.reserve(ids.size());
    for (auto& id : ids) items.push_back({std::move(id), std::nullopt});
    if (!items.empty())
      if (auto st = co_await apply_chunk(tx, job.store_id, actor, r, items, out); !st) co_return st;
    std::int64_t failed = 0;
    for (const auto& res : out.results)
      if (res.error) ++failed;
    // Only a chunk that changed nothing marks the job succeeded: a chunk's cache invalidation
    // follows its commit, so a client that sees the job end must find no old copy in any
    // cache. The last chunk that writes is followed by an empty one that ends the job.
    more = items.size() == options_.chunk_size || !out.changed.empty();
    const std::string cursor = items.empty() ? pos.cursor_id.value_or("") : items.back().id;
    const std::string sample = error_sample_json(out.results, kJobErrorSample - std::min(pos.errors, kJobErrorSample));
    co_return co_await jobs.progress(job.id, cursor, static_cast<std::int64_t>(items.size()), failed, sample, !more);
  };
  if (auto done = co_await bound.transaction(body); !done) co_return std::move(done).error();
  if (!out.changed.empty()) co_await changes_.products_changed(job.store_id, out.changed, out.categories, scope);
  co_return more && !lost;
}

asio::awaitable<void> hand_over(JobRepository& jobs, const std::string& job, const std::string& worker,
                                trace::Scope scope) {
  if (auto st = co_await jobs.hand_over(job, worker, std::move(scope)); !st) {
    // It stays running under this worker's name: another instance takes it once its heartbeat
    // is JOBS_HEARTBEAT_TIMEOUT old, as after a kill.
    log::warn("jobs: could not hand a job over", {{"job", job}, {"error", st.error().message}});
    co_return;
  }
  log::info("jobs: stopping, job handed over", {{"job", job}});
}

asio::awaitable<bool> BulkService::work_one(const std::string& worker, const std::atomic<bool>& stopping) {
  const trace::Scope claim_scope = worker_scope();
  auto claimed = co_await worker_jobs_.claim(worker, options_.heartbeat_timeout.count(), claim_scope);
  if (!claimed) {
    if (!std::exchange(claims_failing_, true)) log::warn("jobs: claims fail", {{"error", claimed.error().message}});
    co_return false;
  }
  if (std::exchange(claims_failing_, false)) log::info("jobs: claims work again");
  if (!*claimed) {
    for (auto& [kind, runner] : kinds_) co_await runner->idle();
    co_return false;
  }
  const JobRow job = std::move(**claimed);
  if (job.state != "running") {
    log::warn("jobs: job out of attempts, failed", {{"job", job.id}, {"attempts", job.attempts}});
    co_return true;
  }
  log::info("jobs: working", {{"job", job.id}, {"kind", job.kind}, {"attempt", job.attempts}, {"done", job.done}});
  for (auto& [kind, runner] : kinds_) {
    if (kind != job.kind) continue;
    co_await runner->work(job, worker, stopping);
    log::info("jobs: job ended", {{"job", job.id}});
    co_return true;
  }
  Actor actor;
  auto r = parse_job_params(job.params, actor);
  if (!r) {
    const std::string why = "its parameters cannot run: " + r.error().message;
    const trace::Scope scope = worker_scope();
    if (auto st = co_await worker_jobs_.fail(job.id, worker, why, scope); !st)
      log::warn("jobs: could not mark a job failed", {{"job", job.id}, {"error", st.error().message}});
    co_return true;
  }
  for (;;) {
    auto more = co_await job_chunk(job, *r, actor, worker);
    if (!more) {
      // The database refused a whole chunk (away, timed out): give the job back; it is
      // claimed again (by any instance) while it has attempts left, resuming at its cursor.
      const std::string why = "a chunk failed: " + more.error().message;
      log::warn("jobs: chunk failed, job released", {{"job", job.id}, {"error", more.error().message}});
      const trace::Scope scope = worker_scope();
      if (auto st = co_await worker_jobs_.release(job.id, worker, why, scope); !st)
        log::warn("jobs: could not release a job", {{"job", job.id}, {"error", st.error().message}});
      co_return true;
    }
    if (!*more) break;
    if (stopping.load()) {
      co_await hand_over(worker_jobs_, job.id, worker, worker_scope());
      co_return true;
    }
  }
  log::info("jobs: job ended", {{"job", job.id}});
  co_return true;
}

}  // namespace mercato::catalog
