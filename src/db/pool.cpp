#include "db/pool.hpp"

#include "db/errors.hpp"

namespace mercato::db {

Pool::Pool(asio::io_context& io, const config::DbSettings& settings, std::string name)
    : core_(std::make_shared<PoolCore>(io.get_executor(), settings, std::move(name))) {}

Pool::~Pool() { core_->close(); }

void Pool::prepare(std::string name, std::string sql) { core_->prepare(std::move(name), std::move(sql)); }

asio::awaitable<Result<QueryResult>> Pool::run(Statement st, std::optional<Duration> timeout,
                                               Clock::time_point request_deadline) {
  auto core = core_;
  const auto budget = core->budget(timeout, request_deadline);
  if (budget.started >= request_deadline) co_return deadline_error();
  if (auto resolved = core->resolve(st); !resolved) {
    core->record_failure(resolved.error(), budget.started);
    co_return std::move(resolved).error();
  }
  auto lease = co_await core->acquire(budget);
  if (!lease) co_return std::move(lease).error();
  auto r = co_await core->run(**lease, st, budget.started, budget.ends());
  if (!r) co_return budget.explain(std::move(r).error());
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> Pool::run_pipeline(std::vector<Statement> sts,
                                                                     std::optional<Duration> timeout,
                                                                     Clock::time_point request_deadline) {
  auto core = core_;
  const auto budget = core->budget(timeout, request_deadline);
  if (sts.empty()) co_return std::vector<Result<QueryResult>>{};
  if (budget.started >= request_deadline) co_return failed_results(sts.size(), deadline_error());
  for (auto& st : sts) {
    if (auto resolved = core->resolve(st); !resolved) {
      core->record_failure(resolved.error(), budget.started);
      co_return failed_results(sts.size(), resolved.error());
    }
  }
  auto lease = co_await core->acquire(budget);
  if (!lease) co_return failed_results(sts.size(), lease.error());
  auto results = co_await core->run_pipeline(**lease, sts, budget.started, budget.ends());
  for (auto& r : results)
    if (!r) r = budget.explain(std::move(r).error());
  co_return results;
}

asio::awaitable<Result<Transaction>> Pool::begin(std::optional<Duration> timeout) {
  return begin_until(timeout, no_deadline);
}

asio::awaitable<Result<Transaction>> Pool::begin_until(std::optional<Duration> timeout,
                                                       Clock::time_point request_deadline) {
  auto core = core_;
  const auto budget = core->budget(timeout, request_deadline);
  if (budget.started >= request_deadline) co_return deadline_error();
  auto lease = co_await core->acquire(budget);
  if (!lease) co_return std::move(lease).error();
  auto begun = co_await core->run(**lease, Statement::text("BEGIN"), budget.started, budget.ends());
  if (!begun) co_return budget.explain(std::move(begun).error());
  co_return Transaction(core, std::move(*lease), request_deadline);
}

asio::awaitable<Result<std::chrono::microseconds>> Pool::ping(std::optional<Duration> timeout) {
  const auto started = Clock::now();
  auto r = co_await run(Statement::text("SELECT 1"), timeout);
  if (!r) co_return std::move(r).error();
  co_return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
}

}  // namespace mercato::db
