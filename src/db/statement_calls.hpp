#pragma once
// The statement calls Pool, PoolUntil and Transaction share, written once.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "db/params.hpp"
#include "db/result.hpp"
#include "db/statement.hpp"

namespace mercato::db {

namespace asio = boost::asio;

/// query(), execute() and pipeline() on top of what `Derived` provides (privately, with
/// `friend class StatementCalls<Derived>`):
///   asio::awaitable<Result<QueryResult>> run(Statement, std::optional<config::Duration>);
///   asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(std::vector<Statement>,
///                                                                  std::optional<config::Duration>);
/// They are plain functions that copy their arguments before the coroutine starts, so a caller
/// may pass a temporary string_view and await later. `timeout` is the call's own limit
/// (DB_QUERY_TIMEOUT when absent).
template <class Derived>
class StatementCalls {
 public:
  /// One SQL statement (no `;`-separated lists) with `$1`… placeholders.
  asio::awaitable<Result<QueryResult>> query(std::string_view sql, Params params = {},
                                             std::optional<config::Duration> timeout = {}) {
    return self().run(Statement::text(std::string(sql), std::move(params)), timeout);
  }
  /// A statement registered with Pool::prepare().
  asio::awaitable<Result<QueryResult>> execute(std::string_view name, Params params = {},
                                               std::optional<config::Duration> timeout = {}) {
    return self().run(Statement::prepared(std::string(name), std::move(params)), timeout);
  }
  /// Sends all statements in one round trip and returns one result per statement, in order.
  /// Outside a transaction they form one implicit transaction: if one fails, the writes of
  /// the others are rolled back too and later ones fail with reason "pipeline_aborted".
  asio::awaitable<std::vector<Result<QueryResult>>> pipeline(std::vector<Statement> statements,
                                                             std::optional<config::Duration> timeout = {}) {
    return self().run_pipeline(std::move(statements), timeout);
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace mercato::db
