#include "services/catalog/import_service.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "services/catalog/import_staging.hpp"

namespace mercato::catalog {

namespace {

// A worker's statements and each job chunk's transaction: bounded like a request's
// (bulk_service.cpp has the same budget).
constexpr auto kWorkerBudget = std::chrono::seconds(30);
trace::Scope worker_scope() { return trace::Scope(trace::Scope::Clock::now() + kWorkerBudget); }

bool constraint_violation(const Error& e) { return e.reason.size() == 5 && e.reason.starts_with("23"); }

std::string header_json(const std::vector<std::string>& header) {
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& h : header) w.string(h);
  w.end_array();
  return out;
}

Result<std::vector<std::string>> header_of(const std::string& text) {
  auto doc = json::Document::parse(text);
  if (!doc) return std::move(doc).error();
  simdjson::dom::array arr;
  if ((*doc)->root().get(arr) != simdjson::SUCCESS) return internal_error("stored header is not an array");
  std::vector<std::string> out;
  for (auto v : arr) {
    std::string_view s;
    if (v.get(s) != simdjson::SUCCESS) return internal_error("stored header is not an array of text");
    out.emplace_back(s);
  }
  return out;
}

/// The stored columns of an import that has its header (parts ≥ 1).
Result<ImportColumns> columns_of(const ImportUpload& u) {
  if (!u.header_json) return internal_error("import without its header");
  auto header = header_of(*u.header_json);
  if (!header) return std::move(header).error();
  auto format = parse_mapping_name(u.summary.mapping);
  if (!format || !*format) return internal_error("import without a resolved mapping");
  return resolve_columns(**format, std::move(*header));
}

/// The input's columns once the header was read, else the mapping asked for.
Status with_columns(const ImportUpload& u, StageInput& in) {
  if (u.header_json) {
    auto cols = columns_of(u);
    if (!cols) return std::move(cols).error();
    in.columns = std::move(*cols);
    return {};
  }
  auto requested = parse_mapping_name(u.summary.mapping);
  if (!requested) return std::move(requested).error();
  in.requested = *requested;
  return {};
}

std::string params_json(const std::string& import_id, const ReportColumns& cols, const Actor& a) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("import_id").string(import_id);
  w.key("columns").begin_object().key("sku").string(cols.sku).key("slug").string(cols.slug)
      .key("category_id").string(cols.category).end_object();
  w.key("actor").begin_object()
      .key("subject").string(a.subject)
      .key("role").string(a.role)
      .key("request_id").string(a.request_id)
      .key("client_address").string(a.client_address)
      .end_object();
  w.end_object();
  return out;
}

/// The images of a product: (url, alt_text) in order, from a staged body or a row's images_json.
std::vector<std::pair<std::string, std::string>> images_of(simdjson::dom::element list) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::array arr;
  if (list.get(arr) != simdjson::SUCCESS) return out;
  for (auto img : arr) {
    std::string_view url, alt;
    if (img["url"].get(url) != simdjson::SUCCESS) continue;
    if (img["alt_text"].get(alt) != simdjson::SUCCESS) alt = {};
    out.emplace_back(std::string(url), std::string(alt));
  }
  return out;
}

void add_unique(std::vector<std::string>& xs, const std::string& x) {
  if (x.empty()) return;
  if (std::find(xs.begin(), xs.end(), x) == xs.end()) xs.push_back(x);
}

/// One state change of import `id` of `w`'s store, as part, finish and run make it: in a
/// transaction with the import's row locked (absent: 404), `step(tx, db, upload, refused)`
/// decides; a `refused` it sets is the answer (every step refuses before it writes), else the
/// import as it stands after the commit. `step` is a named lambda (docs/toolchain.md, coroutine
/// pitfall 2) that outlives the call.
template <class Step>
asio::awaitable<Result<ImportSummary>> locked_change(ImportRepository& imports, const WriteRequest& w,
                                                     const std::string& id, Step& step) {
  std::optional<Error> refused;
  db::PoolUntil bound = imports.pool().until(w.scope);
  auto work = [&](db::Transaction& tx) -> asio::awaitable<Status> {
    ImportTxRepository db(tx);
    auto locked = co_await db.lock(w.store, id);
    if (!locked) co_return std::move(locked).error();
    if (!*locked) {
      refused = not_found("import not found");
      co_return Status{};
    }
    co_return co_await step(tx, db, **locked, refused);
  };
  if (auto done = co_await bound.transaction(work); !done) co_return write_error(done.error());
  if (refused) co_return std::move(*refused);
  auto found = co_await imports.find(w.store, id, w.scope);
  if (!found) co_return std::move(found).error();
  if (!*found) co_return not_found("import not found");
  co_return std::move(**found);
}

}  // namespace

struct ImportService::JobContext {
  std::string import_id;
  ReportColumns columns;
  Actor actor;
};

asio::awaitable<Result<ImportSummary>> ImportService::create(const WriteRequest& w, const std::string& filename,
                                                             const std::string& mapping) {
  const std::string id = ids::uuid_v7();
  if (auto st = co_await imports_.create(id, w.store, w.actor.subject, filename, mapping, w.scope); !st)
    co_return write_error(st.error());
  auto found = co_await imports_.find(w.store, id, w.scope);
  if (!found) co_return std::move(found).error();
  if (!*found) co_return internal_error("import vanished after its insert");
  co_return std::move(**found);
}

asio::awaitable<Result<ImportSummary>> ImportService::part(const WriteRequest& w, const std::string& id, std::int64_t n,
                                                           std::string_view body) {
  auto step = [&](db::Transaction& tx, ImportTxRepository& db, ImportUpload& u,
                  std::optional<Error>& refused) -> asio::awaitable<Status> {
    if (u.summary.state != "receiving") {
      refused = conflict("the upload of this import is finished (state " + u.summary.state + ")");
      co_return Status{};
    }
    if (n <= u.summary.parts) co_return Status{};  // received already: nothing changes
    if (n != u.summary.parts + 1) {
      refused = conflict("part " + std::to_string(u.summary.parts + 1) + " is the next part of this import");
      co_return Status{};
    }
    StageInput in;
    std::string text = u.tail;
    text.append(body);
    in.text = text;
    in.first_line = u.summary.parts == 0 ? 1 : u.tail_line;
    in.skip = {u.skip_line.has_value(), static_cast<CsvScan>(u.skip_state), u.skip_line.value_or(0)};
    in.default_currency = options_.default_currency;
    if (auto st = with_columns(u, in); !st) co_return st;
    if (u.summary.parts == 0 && text.starts_with("\xEF\xBB\xBF")) in.text.remove_prefix(3);  // a BOM
    auto staged = stage_part(in);
    if (!staged) {
      refused = std::move(staged).error();
      co_return Status{};
    }
    if (auto st = co_await db.stage(id, staged->batch); !st) co_return st;
    u.summary.parts = n;
    u.summary.bytes += static_cast<std::int64_t>(body.size());
    if (staged->header_read) {
      u.summary.mapping = std::string(format_name(staged->columns.format));
      u.header_json = header_json(staged->columns.header);
    }
    u.tail = std::move(staged->tail);
    u.tail_line = staged->tail_line;
    u.skip_line = staged->skip.active ? std::optional<std::int64_t>(staged->skip.line) : std::nullopt;
    u.skip_state = static_cast<std::int64_t>(staged->skip.state);
    co_return co_await db.save_part(id, u, staged->rows, staged->valid, staged->errors);
  };
  co_return co_await locked_change(imports_, w, id, step);
}

asio::awaitable<Result<ImportSummary>> ImportService::finish(const WriteRequest& w, const std::string& id) {
  auto step = [&](db::Transaction& tx, ImportTxRepository& db, ImportUpload& u,
                  std::optional<Error>& refused) -> asio::awaitable<Status> {
    if (u.summary.state != "receiving") {
      refused = conflict("this import is finished already (state " + u.summary.state + ")");
      co_return Status{};
    }
    if (u.summary.parts == 0) {
      refused = validation_failed({{"parts", "no part was received: send part 1 (the header row first)"}});
      co_return Status{};
    }
    StageInput in;
    in.text = u.tail;
    in.first_line = u.tail_line;
    in.final = true;
    in.skip = {u.skip_line.has_value(), static_cast<CsvScan>(u.skip_state), u.skip_line.value_or(0)};
    in.default_currency = options_.default_currency;
    if (auto st = with_columns(u, in); !st) co_return st;
    auto staged = stage_part(in);
    if (!staged) {
      refused = std::move(staged).error();
      co_return Status{};
    }
    if (auto st = co_await db.stage(id, staged->batch); !st) co_return st;
    u.tail.clear();
    u.skip_line.reset();
    if (staged->header_read) {
      u.summary.mapping = std::string(format_name(staged->columns.format));
      u.header_json = header_json(staged->columns.header);
    }
    if (auto st = co_await db.save_part(id, u, staged->rows, staged->valid, staged->errors); !st) co_return st;
    const ReportColumns rc = report_columns(staged->columns);
    co_return co_await db.dry_run(id, w.store, rc.sku, rc.slug, rc.category);
  };
  co_return co_await locked_change(imports_, w, id, step);
}

asio::awaitable<Result<ImportSummary>> ImportService::run(const WriteRequest& w, const std::string& id) {
  auto step = [&](db::Transaction& tx, ImportTxRepository& db, ImportUpload& u,
                  std::optional<Error>& refused) -> asio::awaitable<Status> {
    if (u.summary.state != "validated") {
      refused = conflict("only a validated import runs (this one is " + u.summary.state + ")");
      co_return Status{};
    }
    auto cols = columns_of(u);
    if (!cols) co_return std::move(cols).error();
    const std::string job_id = ids::uuid_v7();
    const std::string params = params_json(id, report_columns(*cols), w.actor);
    auto job = co_await tx.query(
        "INSERT INTO jobs (id, kind, store_id, owner, params, max_attempts, total) "
        "VALUES ($1, 'products.import', $2, $3, $4::jsonb, $5, $6)",
        db::params(job_id, w.store, w.actor.subject, params, options_.job_max_attempts, u.summary.valid));
    if (!job) co_return std::move(job).error();
    co_return co_await db.start(id, job_id);
  };
  co_return co_await locked_change(imports_, w, id, step);
}

asio::awaitable<Result<std::optional<ImportSummary>>> ImportService::find(const std::string& store,
                                                                         const std::string& id, trace::Scope scope) {
  return imports_.find(store, id, std::move(scope));
}

asio::awaitable<Result<std::vector<ImportErrorRow>>> ImportService::errors(const std::string& id,
                                                                          std::int64_t after_line,
                                                                          std::int64_t after_seq, std::int64_t limit,
                                                                          trace::Scope scope) {
  return imports_.errors(id, after_line, after_seq, limit, std::move(scope));
}

// ---- the job ----

asio::awaitable<Result<bool>> ImportService::job_chunk(const JobRow& job, const JobContext& ctx,
                                                       const std::string& worker) {
  bool more = false;
  std::vector<std::string> changed, categories;
  const trace::Scope scope = worker_scope();
  db::PoolUntil bound = worker_imports_.pool().until(scope);
  auto body = [&](db::Transaction& tx) -> asio::awaitable<Status> {
    changed.clear();
    categories.clear();
    ImportTxRepository db(tx);
    BulkTxRepository products(tx);
    auto cursor = co_await db.hold_job(job.id, worker);
    if (!cursor) co_return std::move(cursor).error();
    if (!*cursor) co_return Status{};  // another worker took it over, or it ended
    const auto limit = static_cast<std::int64_t>(options_.chunk_size);
    auto rows = co_await db.staged(ctx.import_id, **cursor, limit);
    if (!rows) co_return std::move(rows).error();
    if (rows->empty()) co_return co_await db.progress(job.id, ctx.import_id, **cursor, 0, 0, true);

    // The staged bodies, and the store's products with their SKUs.
    std::vector<std::unique_ptr<json::Document>> docs;
    docs.reserve(rows->size());
    std::vector<std::string> skus, category_ids;
    for (const auto& r : *rows) {
      auto doc = json::Document::parse(r.product_json);
      if (!doc) co_return std::move(doc).error();
      std::string_view cat;
      if ((*doc)->root()["category_id"].get(cat) == simdjson::SUCCESS) add_unique(category_ids, std::string(cat));
      docs.push_back(std::move(*doc));
      skus.push_back(r.sku);
    }
    auto existing = co_await db.lock_by_sku(job.store_id, skus);
    if (!existing) co_return std::move(existing).error();
    std::unordered_map<std::string, const ProductRow*> by_sku;
    for (const auto& p : *existing) by_sku.emplace(p.sku, &p);
    auto live = co_await db.live_categories(job.store_id, category_ids);
    if (!live) co_return std::move(live).error();

    // Decide each row: create, update (when it differs), or a row error.
    std::string inserts, updates, row_errors, images;
    json::Writer ins(inserts), upd(updates), errs(row_errors), imgs(images);
    ins.begin_array();
    upd.begin_array();
    errs.begin_array();
    imgs.begin_array();
    std::int64_t failed = 0;
    std::vector<std::string> created_ids, image_ids, images_changed_ids;
    std::unordered_map<std::string, const ProductRow*> before;  // id → the row before
    std::unordered_map<std::string, std::size_t> row_of;         // id → index into rows
    auto add_images = [&](const std::string& pid, const std::vector<std::pair<std::string, std::string>>& list) {
      image_ids.push_back(pid);
      int pos = 0;
      for (const auto& [url, alt] : list)
        imgs.begin_object().key("id").string(ids::uuid_v7()).key("product_id").string(pid).key("url").string(url)
            .key("alt_text").string(alt).key("position").integer(pos++).end_object();
    };
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const auto& r = (*rows)[i];
      const auto root = docs[i]->root();
      std::string_view cat;
      if (root["category_id"].get(cat) == simdjson::SUCCESS &&
          std::find(live->begin(), live->end(), std::string(cat)) == live->end()) {
        ++failed;
        errs.begin_object().key("line").integer(r.line).key("seq").integer(200).key("field").string(ctx.columns.category)
            .key("message").string("no such category in this store (deleted since the dry run)").end_object();
        continue;
      }
      bool images_given = false;
      if (root["images_given"].get(images_given) != simdjson::SUCCESS) images_given = false;
      const auto staged_images = images_of(root["images"]);
      auto found = by_sku.find(r.sku);
      if (found == by_sku.end()) {
        const std::string pid = ids::uuid_v7();
        ins.begin_object().key("id").string(pid).key("product").raw(r.product_json).end_object();
        created_ids.push_back(pid);
        row_of[pid] = i;
        if (!staged_images.empty()) add_images(pid, staged_images);
        continue;
      }
      const ProductRow& cur = *found->second;
      bool images_changed = false;
      if (images_given) {
        auto stored = json::Document::parse(cur.images_json.empty() ? "[]" : cur.images_json);
        images_changed = !stored || images_of((*stored)->root()) != staged_images;
        if (images_changed) add_images(cur.id, staged_images);
      }
      upd.begin_object().key("id").string(cur.id).key("product").raw(r.product_json)
          .key("images_changed").boolean(images_changed).end_object();
      if (images_changed) images_changed_ids.push_back(cur.id);
      before[cur.id] = &cur;
      row_of[cur.id] = i;
    }
    ins.end_array();
    upd.end_array();
    imgs.end_array();

    // One INSERT and one UPDATE for the chunk, in a savepoint; row by row when the database
    // refuses it (a slug another product took since the dry run): exactly those rows fail.
    auto guarded = [&](const auto& statement) -> asio::awaitable<Status> {
      if (auto st = co_await db.savepoint("SAVEPOINT"); !st) co_return st;
      auto st = co_await statement();
      if (st) co_return co_await db.savepoint("RELEASE SAVEPOINT");
      if (!constraint_violation(st.error())) co_return st;
      if (auto rb = co_await db.savepoint("ROLLBACK TO SAVEPOINT"); !rb) co_return rb;
      co_return st;
    };
    std::vector<std::string> updated;
    // Lambdas named, not built inside a co_await (docs/toolchain.md#coroutine-pitfalls).
    const auto insert_all = [&]() { return db.insert(job.store_id, inserts); };
    const auto update_all = [&]() -> asio::awaitable<Status> {
      auto ids_written = co_await db.update(job.store_id, updates);
      if (!ids_written) co_return std::move(ids_written).error();
      updated = std::move(*ids_written);
      co_return Status{};
    };
    auto whole_insert = co_await guarded(insert_all);
    auto whole_update = co_await guarded(update_all);
    if ((!whole_insert && !constraint_violation(whole_insert.error())) ||
        (!whole_update && !constraint_violation(whole_update.error())))
      co_return !whole_insert ? whole_insert : whole_update;
    if (!whole_insert || !whole_update) {
      // Row by row: each create and update alone, in a savepoint of its own.
      std::vector<std::string> kept_created;
      updated.clear();
      auto one = [&](const std::string& pid, bool create) -> asio::awaitable<Status> {
        const auto& r = (*rows)[row_of.at(pid)];
        std::string list;
        json::Writer l(list);
        l.begin_array().begin_object().key("id").string(pid).key("product").raw(r.product_json);
        if (!create)
          l.key("images_changed")
              .boolean(std::find(images_changed_ids.begin(), images_changed_ids.end(), pid) != images_changed_ids.end());
        l.end_object().end_array();
        std::vector<std::string> written;
        const auto write_one = [&]() -> asio::awaitable<Status> {
          if (create) co_return co_await db.insert(job.store_id, list);
          auto w2 = co_await db.update(job.store_id, list);
          if (!w2) co_return std::move(w2).error();
          written = std::move(*w2);
          co_return Status{};
        };
        Status st = co_await guarded(write_one);
        if (st) {
          if (create) kept_created.push_back(pid);
          else for (auto& x : written) updated.push_back(std::move(x));
          co_return Status{};
        }
        if (!constraint_violation(st.error())) co_return st;
        ++failed;
        const bool slug = st.error().message.find("slug") != std::string::npos;
        errs.begin_object().key("line").integer(r.line).key("seq").integer(201)
            .key("field").string(slug ? ctx.columns.slug : ctx.columns.sku)
            .key("message").string(slug ? "the slug is used by another product of this store"
                                        : "the SKU is used by another product of this store")
            .end_object();
        co_return Status{};
      };
      for (const auto& pid : created_ids)
        if (auto st = co_await one(pid, true); !st) co_return st;
      for (const auto& [pid, row] : before)
        if (auto st = co_await one(pid, false); !st) co_return st;
      created_ids = std::move(kept_created);
      // Images only of what was written.
      std::string kept;
      json::Writer k(kept);
      k.begin_array();
      std::vector<std::string> kept_image_ids;
      std::unordered_set<std::string_view> kept_written(created_ids.begin(), created_ids.end());
      kept_written.insert(updated.begin(), updated.end());
      auto doc = json::Document::parse(images);
      if (doc) {
        simdjson::dom::array arr;
        if ((*doc)->root().get(arr) == simdjson::SUCCESS)
          for (auto img : arr) {
            std::string_view pid;
            if (img["product_id"].get(pid) != simdjson::SUCCESS) continue;
            const std::string p(pid);
            if (!kept_written.contains(p)) continue;
            k.raw(simdjson::minify(img));
            add_unique(kept_image_ids, p);
          }
      }
      k.end_array();
      images = std::move(kept);
      image_ids = std::move(kept_image_ids);
    } else {
      // Images of updated rows whose fields were unchanged but images changed are in `updated`
      // (images_changed); images of rows not written are dropped.
      // A set: a chunk has up to IMPORT_CHUNK_SIZE of each (a scan per id was quadratic).
      std::unordered_set<std::string_view> written(created_ids.begin(), created_ids.end());
      written.insert(updated.begin(), updated.end());
      std::vector<std::string> filtered;
      for (const auto& pid : image_ids)
        if (written.contains(pid)) filtered.push_back(pid);
      image_ids = std::move(filtered);
    }
    errs.end_array();
    if (auto st = co_await db.replace_images(job.store_id, image_ids, images); !st) co_return st;

    // The rows after, one audit row each.
    std::vector<std::string> written = created_ids;
    written.insert(written.end(), updated.begin(), updated.end());
    if (!written.empty()) {
      auto after = co_await products.reload(job.store_id, written);
      if (!after) co_return std::move(after).error();
      std::vector<BulkAudit> creates, changes;
      for (const auto& row : *after) {
        auto b = before.find(row.id);
        if (b == before.end()) {
          creates.push_back({row.id, "null", product_json(row)});
        } else {
          changes.push_back({row.id, product_json(*b->second), product_json(row)});
          add_unique(categories, b->second->category_id);
        }
        add_unique(categories, row.category_id);
        changed.push_back(row.id);
      }
      if (auto st = co_await products.audit(job.store_id, ctx.actor, "product.create", creates); !st) co_return st;
      if (auto st = co_await products.audit(job.store_id, ctx.actor, "product.update", changes); !st) co_return st;
    }
    if (failed > 0)
      if (auto st = co_await db.record_errors(ctx.import_id, row_errors); !st) co_return st;
    // Only a chunk that changed nothing marks the job succeeded (as bulk_service.cpp's): this
    // chunk's invalidation comes after its commit, and the job must not read as ended before it.
    more = rows->size() == options_.chunk_size || !changed.empty();
    co_return co_await db.progress(job.id, ctx.import_id, rows->back().line, static_cast<std::int64_t>(rows->size()),
                                   failed, !more);
  };
  if (auto done = co_await bound.transaction(body); !done) co_return std::move(done).error();
  if (!changed.empty()) co_await changes_.products_changed(job.store_id, changed, categories, scope);
  co_return more;
}

asio::awaitable<void> ImportService::work(const JobRow& job, const std::string& worker,
                                          const std::atomic<bool>& stopping) {
  JobContext ctx;
  bool readable = false;
  if (auto doc = json::Document::parse(job.params)) {
    const auto root = (*doc)->root();
    std::string_view s;
    if (root["import_id"].get(s) == simdjson::SUCCESS) {
      ctx.import_id = s;
      readable = true;
    }
    if (root["columns"]["sku"].get(s) == simdjson::SUCCESS) ctx.columns.sku = s;
    if (root["columns"]["slug"].get(s) == simdjson::SUCCESS) ctx.columns.slug = s;
    if (root["columns"]["category_id"].get(s) == simdjson::SUCCESS) ctx.columns.category = s;
    const auto a = root["actor"];
    if (a["subject"].get(s) == simdjson::SUCCESS) ctx.actor.subject = s;
    if (a["role"].get(s) == simdjson::SUCCESS) ctx.actor.role = s;
    if (a["request_id"].get(s) == simdjson::SUCCESS) ctx.actor.request_id = s;
    if (a["client_address"].get(s) == simdjson::SUCCESS) ctx.actor.client_address = s;
  }
  if (!readable) {
    const std::string why = "its parameters name no import";
    const trace::Scope scope = worker_scope();
    if (auto st = co_await worker_jobs_.fail(job.id, worker, why, scope); !st)
      log::warn("jobs: could not mark a job failed", {{"job", job.id}, {"error", st.error().message}});
    co_return;
  }
  for (;;) {
    auto more = co_await job_chunk(job, ctx, worker);
    if (!more) {
      log::warn("jobs: import chunk failed, job released", {{"job", job.id}, {"error", more.error().message}});
      const std::string why = "a chunk failed: " + more.error().message;
      const trace::Scope scope = worker_scope();
      if (auto st = co_await worker_jobs_.release(job.id, worker, why, scope); !st)
        log::warn("jobs: could not release a job", {{"job", job.id}, {"error", st.error().message}});
      co_return;
    }
    if (!*more) co_return;
    if (stopping.load()) {
      co_await hand_over(worker_jobs_, job.id, worker, worker_scope());
      co_return;
    }
  }
}

asio::awaitable<void> ImportService::idle() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_purge_ < std::chrono::minutes(1)) co_return;
  last_purge_ = now;
  const trace::Scope scope = worker_scope();
  auto purged = co_await worker_imports_.purge(options_.retention.count(), scope);
  if (!purged) log::warn("imports: purge failed", {{"error", purged.error().message}});
  else if (*purged > 0) log::info("imports: staged rows purged", {{"imports", *purged}});
}

}  // namespace mercato::catalog
