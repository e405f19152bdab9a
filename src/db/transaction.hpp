#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/error.hpp"
#include "db/params.hpp"
#include "db/pool_core.hpp"
#include "db/result.hpp"
#include "db/statement.hpp"
#include "db/statement_calls.hpp"
#include "trace/scope.hpp"
#include "trace/span.hpp"

namespace mercato::db {

/// A transaction holding one connection, from Pool::begin(). Its statements run in order on
/// that connection; use it from one coroutine at a time.
///
/// query(), execute() and pipeline() (StatementCalls) run on this transaction's connection. A
/// failed statement leaves the transaction failed: later statements fail too, and only
/// rollback() is useful.
///
/// Destroying it before commit() or rollback() rolls back: on a background coroutine when
/// the connection is healthy (so it can be reused), else by closing the connection.
class Transaction : public StatementCalls<Transaction> {
 public:
  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  /// Ends the transaction either way. Error with reason "25P02" when a statement had failed
  /// (PostgreSQL then answers COMMIT with ROLLBACK), or a connection/timeout error.
  asio::awaitable<Status> commit();
  asio::awaitable<Status> rollback();

  /// False after commit() or rollback().
  bool active() const { return static_cast<bool>(lease_); }

  /// The request deadline this transaction works under (Pool::until); time_point::max() when
  /// none. Every statement, COMMIT included, ends by it: one not started by then is not sent
  /// (deadline_error()), one still running then is cancelled. ROLLBACK is not bounded by it.
  Clock::time_point deadline() const { return scope_.deadline; }
  /// The request's scope with the transaction's span as parent: its statements' spans (and
  /// any a caller starts from it) are children of the span "transaction".
  const trace::Scope& scope() const { return scope_; }

 private:
  friend class Pool;
  friend class StatementCalls<Transaction>;
  Transaction(std::shared_ptr<PoolCore> core, Lease lease, trace::Scope scope, trace::Span span)
      : core_(std::move(core)), lease_(std::move(lease)), scope_(std::move(scope)), span_(std::move(span)) {}
  asio::awaitable<Result<QueryResult>> run(Statement st, std::optional<Duration> timeout, bool bounded = true);
  asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(std::vector<Statement> sts,
                                                                 std::optional<Duration> timeout);
  asio::awaitable<Status> finish(const char* sql);

  std::shared_ptr<PoolCore> core_;
  Lease lease_;
  trace::Scope scope_;  // deadline, trace, and span_ as the parent of its statements
  trace::Span span_;    // "transaction": from BEGIN to COMMIT or ROLLBACK (ended by finish())
};

}  // namespace mercato::db
