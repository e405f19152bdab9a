#pragma once
// An asynchronous PostgreSQL connection pool: libpq's non-blocking API driven by Asio
// coroutines, so a statement in flight costs a suspended coroutine, not a thread.
//
//   db::Pool pool(io, settings.db, "catalog");
//   pool.prepare("product_by_id", "SELECT name, price_cents FROM products WHERE id = $1");
//   auto row = co_await pool.execute("product_by_id", db::params(id));
//   if (!row) co_return row.error();                    // service_unavailable, internal, ...
//   if (row->empty()) co_return not_found();
//
// Errors are values (see db/errors.hpp for the reasons callers can branch on). Every call
// is bounded by a deadline: `timeout`, or DbSettings::query_timeout when absent; waiting for
// a free connection counts against it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "db/params.hpp"
#include "db/pool_core.hpp"
#include "db/result.hpp"
#include "db/statement.hpp"
#include "db/statement_calls.hpp"
#include "db/transaction.hpp"
#include "trace/scope.hpp"

namespace mercato::db {

class PoolUntil;

/// query(), execute() and pipeline(): see StatementCalls (db/statement_calls.hpp).
///
/// Thread-safe: coroutines on any thread of the io_context may share one Pool. The Pool
/// must outlive the calls made through it; connections still lent out when it is destroyed
/// are closed as they come back.
///
/// Sizing (DbSettings): at most max_open_conns connections exist (callers beyond that queue
/// in FIFO order), at most max_idle_conns are kept idle, and a connection older than its own
/// share of conn_max_lifetime (db/lifetime.hpp) is closed instead of reused. Zero values mean 25 open, no idle, no
/// lifetime limit, 5 s connect timeout, 30 s query timeout.
class Pool : public StatementCalls<Pool> {
 public:
  /// `name` labels the metrics (db_pool_connections, db_queries_total,
  /// db_query_duration_seconds) and the server-side application_name.
  Pool(asio::io_context& io, const config::DbSettings& settings, std::string name);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Registers a named statement for execute(); call at start-up. Each connection prepares
  /// it on first use (and again after a reconnect). A name keeps its first SQL text.
  void prepare(std::string name, std::string sql);

  /// Starts a transaction on a connection of its own. `timeout` bounds getting the
  /// connection and BEGIN; each later statement has its own.
  asio::awaitable<Result<Transaction>> begin(std::optional<Duration> timeout = {});

  /// Runs `work(tx)`, an `asio::awaitable<Result<T>>` coroutine, in a transaction: commits
  /// when it returns a value, rolls back when it returns an Error (which is passed on).
  ///   auto id = co_await pool.transaction([&](db::Transaction& tx) -> asio::awaitable<Result<std::string>> {
  ///     ... co_await tx.query(...) ...
  ///   });
  template <class F>
  std::invoke_result_t<F&, Transaction&> transaction(F work, std::optional<Duration> timeout = {});

  /// This pool as one request sees it: every call made through the handle ends by
  /// `deadline` (the request's, http::RequestContext::deadline) as well as by its own timeout,
  /// so each statement gets min(time left, DB_QUERY_TIMEOUT). Past the deadline no statement
  /// starts, one in flight is cancelled (PQcancel), and the error is deadline_error()
  /// (504 gateway_timeout). Transactions begun through it carry the deadline too.
  ///
  /// When the scope has a trace, each statement gets a client span under the scope's parent
  /// (a pipeline one span, a transaction a span "transaction" with its statements as children;
  /// db/statement_trace.hpp), and a head-sampled request's statements carry its traceparent
  /// as an SQL comment (pg_stat_activity, the server log). Without a trace: no cost but a
  /// null check.
  ///   auto r = co_await ctx.pool.until(req.context.scope()).execute("product_by_id", db::params(id));
  PoolUntil until(trace::Scope scope);

  /// `SELECT 1`; the round-trip time including getting a connection (for /health/ready).
  asio::awaitable<Result<std::chrono::microseconds>> ping(std::optional<Duration> timeout = {});

  /// False for a few seconds after an attempt to connect failed.
  bool healthy() const { return core_->healthy(); }
  PoolStats stats() const { return core_->stats(); }
  const std::string& name() const { return core_->name(); }

 private:
  friend class PoolUntil;
  friend class StatementCalls<Pool>;
  // `scope` by value: the coroutines outlive the PoolUntil temporaries they are called from.
  asio::awaitable<Result<QueryResult>> run(Statement st, std::optional<Duration> timeout, trace::Scope scope = {});
  asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(std::vector<Statement> sts,
                                                                 std::optional<Duration> timeout,
                                                                 trace::Scope scope = {});
  asio::awaitable<Result<Transaction>> begin_until(std::optional<Duration> timeout, trace::Scope scope);
  template <class F>
  std::invoke_result_t<F&, Transaction&> transaction_until(F work, std::optional<Duration> timeout, trace::Scope scope);

  std::shared_ptr<PoolCore> core_;
};

/// A Pool bound to one request's scope (Pool::until): its deadline, and its trace for the
/// statements' spans. Cheap to copy; the Pool must outlive it. Same calls as Pool, same
/// meaning, plus the deadline.
class PoolUntil : public StatementCalls<PoolUntil> {
 public:
  PoolUntil(Pool& pool, trace::Scope scope) : pool_(&pool), scope_(std::move(scope)) {}

  asio::awaitable<Result<Transaction>> begin(std::optional<Duration> timeout = {}) {
    return pool_->begin_until(timeout, scope_);
  }
  template <class F>
  std::invoke_result_t<F&, Transaction&> transaction(F work, std::optional<Duration> timeout = {}) {
    return pool_->transaction_until(std::move(work), timeout, scope_);
  }
  Clock::time_point deadline() const { return scope_.deadline; }
  const trace::Scope& scope() const { return scope_; }

 private:
  friend class StatementCalls<PoolUntil>;
  asio::awaitable<Result<QueryResult>> run(Statement st, std::optional<Duration> timeout) {
    return pool_->run(std::move(st), timeout, scope_);
  }
  asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(std::vector<Statement> sts,
                                                                 std::optional<Duration> timeout) {
    return pool_->run_pipeline(std::move(sts), timeout, scope_);
  }

  Pool* pool_;
  trace::Scope scope_;
};

inline PoolUntil Pool::until(trace::Scope scope) { return PoolUntil(*this, std::move(scope)); }

template <class F>
std::invoke_result_t<F&, Transaction&> Pool::transaction(F work, std::optional<Duration> timeout) {
  return transaction_until(std::move(work), timeout, trace::Scope());
}

template <class F>
std::invoke_result_t<F&, Transaction&> Pool::transaction_until(F work, std::optional<Duration> timeout,
                                                              trace::Scope scope) {
  auto tx = co_await begin_until(timeout, std::move(scope));
  if (!tx) co_return std::move(tx).error();
  auto result = co_await work(*tx);
  if (!result) {
    co_await tx->rollback();
    co_return result;
  }
  if (auto committed = co_await tx->commit(); !committed) co_return std::move(committed).error();
  co_return result;
}

}  // namespace mercato::db
