#include "db/transaction.hpp"

#include <boost/asio/detached.hpp>

#include "db/errors.hpp"
#include "db/statement_trace.hpp"

namespace mercato::db {

namespace {
Error finished_error() {
  Error e = internal_error("database error");
  e.reason = "transaction_finished";
  return e;
}
}  // namespace

Transaction::~Transaction() {
  if (!lease_) return;
  if (span_.recording()) span_.set("mercato.db.transaction.outcome", "abandoned");
  if (!lease_->ready() || !lease_->in_transaction()) return;  // the Lease closes a broken connection
  // Rolling back keeps the connection; closing it would also roll back but cost a reconnect
  // on every error path that returns early.
  asio::co_spawn(
      core_->executor(),
      [core = core_, lease = std::move(lease_)]() mutable -> asio::awaitable<void> {
        co_await core->run(*lease, Statement::text("ROLLBACK"), Clock::now(), core->deadline_after({}));
      },
      asio::detached);
}

asio::awaitable<Result<QueryResult>> Transaction::run(Statement st, std::optional<Duration> timeout, bool bounded) {
  if (!lease_) co_return finished_error();
  const auto budget = core_->budget(timeout, bounded ? scope_.deadline : Clock::time_point::max());
  if (budget.started >= budget.request) co_return deadline_error();
  if (auto resolved = core_->resolve(st); !resolved) co_return std::move(resolved).error();
  trace::Span span = statement_span(scope_, st, core_->endpoint());
  // Named, not a temporary in the co_await (docs/toolchain.md#coroutine-pitfalls).
  const std::string comment = sql_comment(span);
  auto r = co_await core_->run(*lease_, st, budget.started, budget.ends(), comment);
  if (!r) r = budget.explain(std::move(r).error());
  note_result(span, r);
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> Transaction::run_pipeline(std::vector<Statement> sts,
                                                                            std::optional<Duration> timeout) {
  if (!lease_) co_return failed_results(sts.size(), finished_error());
  const auto budget = core_->budget(timeout, scope_.deadline);
  if (budget.started >= scope_.deadline) co_return failed_results(sts.size(), deadline_error());
  for (auto& st : sts) {
    if (auto resolved = core_->resolve(st); !resolved) {
      co_return failed_results(sts.size(), resolved.error());
    }
  }
  trace::Span span = pipeline_span(scope_, sts, core_->endpoint());
  const std::string comment = sql_comment(span);
  auto results = co_await core_->run_pipeline(*lease_, sts, budget.started, budget.ends(), comment);
  for (auto& r : results)
    if (!r) r = budget.explain(std::move(r).error());
  note_results(span, results);
  co_return results;
}

asio::awaitable<Status> Transaction::commit() { return finish("COMMIT"); }

asio::awaitable<Status> Transaction::rollback() { return finish("ROLLBACK"); }

asio::awaitable<Status> Transaction::finish(const char* sql) {
  // A COMMIT past the deadline is not sent (the caller has stopped waiting for its answer);
  // a ROLLBACK always is: it only gives the connection back clean.
  const bool commit = std::string_view(sql) == "COMMIT";
  auto r = co_await run(Statement::text(sql), std::nullopt, commit);
  lease_.release();
  // The transaction's span ends with it, here (a moved-from or finished one does nothing).
  trace::Span span = std::move(span_);
  if (!r) {
    note_error(span, r.error());
    co_return std::move(r).error();
  }
  if (commit && r->command_tag() == "ROLLBACK") {
    Error e = internal_error("database error");
    e.reason = "25P02";  // in_failed_sql_transaction
    note_error(span, e);
    co_return e;
  }
  if (span.recording()) span.set("mercato.db.transaction.outcome", commit ? "commit" : "rollback");
  co_return Status{};
}

}  // namespace mercato::db
