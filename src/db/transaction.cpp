#include "db/transaction.hpp"

#include <boost/asio/detached.hpp>

#include "db/errors.hpp"

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
  const auto budget = core_->budget(timeout, bounded ? deadline_ : Clock::time_point::max());
  if (budget.started >= budget.request) co_return deadline_error();
  if (auto resolved = core_->resolve(st); !resolved) co_return std::move(resolved).error();
  auto r = co_await core_->run(*lease_, st, budget.started, budget.ends());
  if (!r) co_return budget.explain(std::move(r).error());
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> Transaction::run_pipeline(std::vector<Statement> sts,
                                                                            std::optional<Duration> timeout) {
  if (!lease_) co_return failed_results(sts.size(), finished_error());
  const auto budget = core_->budget(timeout, deadline_);
  if (budget.started >= deadline_) co_return failed_results(sts.size(), deadline_error());
  for (auto& st : sts) {
    if (auto resolved = core_->resolve(st); !resolved) {
      co_return failed_results(sts.size(), resolved.error());
    }
  }
  auto results = co_await core_->run_pipeline(*lease_, sts, budget.started, budget.ends());
  for (auto& r : results)
    if (!r) r = budget.explain(std::move(r).error());
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
  if (!r) co_return std::move(r).error();
  if (commit && r->command_tag() == "ROLLBACK") {
    Error e = internal_error("database error");
    e.reason = "25P02";  // in_failed_sql_transaction
    co_return e;
  }
  co_return Status{};
}

}  // namespace mercato::db
