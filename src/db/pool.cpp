#include "db/pool.hpp"

#include "db/errors.hpp"
#include "db/statement_trace.hpp"

namespace mercato::db {

Pool::Pool(asio::io_context& io, const config::DbSettings& settings, std::string name)
    : core_(std::make_shared<PoolCore>(io.get_executor(), settings, std::move(name))) {}

Pool::~Pool() { core_->close(); }

void Pool::prepare(std::string name, std::string sql) { core_->prepare(std::move(name), std::move(sql)); }

// The span starts before the connection is asked for, so its duration includes the pool wait,
// which it also states as mercato.db.pool_wait_ms: an attribute rather than a child span, so a
// statement is one span whether it waited or not (a request's spans are capped, and the wait's
// distribution is in db_pool_wait_seconds), and a slow span says at once whether the pool or
// the server took the time.
asio::awaitable<Result<QueryResult>> Pool::run(Statement st, std::optional<Duration> timeout, trace::Scope scope) {
  auto core = core_;
  const auto budget = core->budget(timeout, scope.deadline);
  if (budget.started >= scope.deadline) co_return deadline_error();
  if (auto resolved = core->resolve(st); !resolved) {
    core->record_failure(resolved.error(), budget.started);
    co_return std::move(resolved).error();
  }
  trace::Span span = statement_span(scope, st, core->endpoint());
  auto lease = co_await core->acquire(budget);
  if (span.recording()) note_pool_wait(span, Clock::now() - budget.started);
  if (!lease) {
    note_error(span, lease.error());
    co_return std::move(lease).error();
  }
  // Named, not a temporary in the co_await (docs/toolchain.md#coroutine-pitfalls).
  const std::string comment = sql_comment(span);
  auto r = co_await core->run(**lease, st, budget.started, budget.ends(), comment);
  if (!r) r = budget.explain(std::move(r).error());
  note_result(span, r);
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> Pool::run_pipeline(std::vector<Statement> sts,
                                                                     std::optional<Duration> timeout,
                                                                     trace::Scope scope) {
  auto core = core_;
  const auto budget = core->budget(timeout, scope.deadline);
  if (sts.empty()) co_return std::vector<Result<QueryResult>>{};
  if (budget.started >= scope.deadline) co_return failed_results(sts.size(), deadline_error());
  for (auto& st : sts) {
    if (auto resolved = core->resolve(st); !resolved) {
      core->record_failure(resolved.error(), budget.started);
      co_return failed_results(sts.size(), resolved.error());
    }
  }
  trace::Span span = pipeline_span(scope, sts, core->endpoint());
  auto lease = co_await core->acquire(budget);
  if (span.recording()) note_pool_wait(span, Clock::now() - budget.started);
  if (!lease) {
    note_error(span, lease.error());
    co_return failed_results(sts.size(), lease.error());
  }
  const std::string comment = sql_comment(span);
  auto results = co_await core->run_pipeline(**lease, sts, budget.started, budget.ends(), comment);
  for (auto& r : results)
    if (!r) r = budget.explain(std::move(r).error());
  note_results(span, results);
  co_return results;
}

asio::awaitable<Result<Transaction>> Pool::begin(std::optional<Duration> timeout) {
  return begin_until(timeout, trace::Scope());
}

asio::awaitable<Result<Transaction>> Pool::begin_until(std::optional<Duration> timeout, trace::Scope scope) {
  auto core = core_;
  const auto budget = core->budget(timeout, scope.deadline);
  if (budget.started >= scope.deadline) co_return deadline_error();
  trace::Span span = transaction_span(scope, core->endpoint());
  auto lease = co_await core->acquire(budget);
  if (span.recording()) note_pool_wait(span, Clock::now() - budget.started);
  if (!lease) {
    note_error(span, lease.error());
    co_return std::move(lease).error();
  }
  // BEGIN, and every statement after it, is a child of the transaction's span.
  trace::Scope inside = scope.under(span);
  const Statement begin = Statement::text("BEGIN");
  trace::Span begin_span = statement_span(inside, begin, core->endpoint());
  const std::string comment = sql_comment(begin_span);
  auto begun = co_await core->run(**lease, begin, budget.started, budget.ends(), comment);
  if (!begun) begun = budget.explain(std::move(begun).error());
  note_result(begin_span, begun);
  begin_span.end();
  if (!begun) {
    note_error(span, begun.error());
    co_return std::move(begun).error();
  }
  co_return Transaction(core, std::move(*lease), std::move(inside), std::move(span));
}

asio::awaitable<Result<std::chrono::microseconds>> Pool::ping(std::optional<Duration> timeout) {
  const auto started = Clock::now();
  auto r = co_await run(Statement::text("SELECT 1"), timeout);
  if (!r) co_return std::move(r).error();
  co_return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
}

}  // namespace mercato::db
