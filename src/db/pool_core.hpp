#pragma once
// The bookkeeping behind db::Pool: which connections are idle, how many are open, who waits
// for one, and the metrics that show it. Pool (the public face) and Transaction share it
// through a shared_ptr, so a Lease that outlives its Pool (a coroutine frame destroyed with
// the io_context) still has somewhere to go back to.

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "db/connection.hpp"
#include "db/statement_trace.hpp"

namespace mercato::db {

using Duration = config::Duration;

class PoolCore;

/// One connection borrowed from a pool; gives it back when destroyed (the pool closes it
/// instead if it broke, is mid-statement, has a transaction open or is too old).
class Lease {
 public:
  Lease() = default;
  Lease(std::shared_ptr<PoolCore> core, std::unique_ptr<Connection> conn)
      : core_(std::move(core)), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&& o) noexcept;
  ~Lease() { release(); }

  explicit operator bool() const { return conn_ != nullptr; }
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }
  void release();

 private:
  std::shared_ptr<PoolCore> core_;
  std::unique_ptr<Connection> conn_;
};

/// `n` copies of one error: the results of a pipeline that never ran.
std::vector<Result<QueryResult>> failed_results(std::size_t n, const Error& e);

/// One call's time limits: `own` from its timeout (DB_QUERY_TIMEOUT when none), `request` the
/// deadline of the request it works for (Pool::until; time_point::max() when none).
struct CallBudget {
  Clock::time_point started, own, request;
  /// When the call gives up: whichever limit comes first.
  Clock::time_point ends() const { return std::min(own, request); }
  /// `e` as the caller should see it: when the request's deadline, not the call's own
  /// timeout, is what ran out, the request is due (deadline_error()), whichever step waited.
  Error explain(Error e) const;
};

struct PoolStats {
  int idle = 0;
  int busy = 0;     // handed out or being opened
  int waiting = 0;  // callers queued for a connection
};

class PoolCore : public std::enable_shared_from_this<PoolCore> {
 public:
  PoolCore(asio::any_io_executor ex, const config::DbSettings& settings, std::string name);
  ~PoolCore();

  /// A connection by `deadline`: an idle one, a new one while fewer than max_open_conns are
  /// open, else the first to be given back (FIFO). connection_error() when it cannot connect,
  /// pool_exhausted_error() when the deadline passes in the queue.
  asio::awaitable<Result<Lease>> acquire(Clock::time_point deadline);
  /// acquire() within `budget`; a failure is recorded in the metrics and explained.
  asio::awaitable<Result<Lease>> acquire(const CallBudget& budget);
  void give_back(std::unique_ptr<Connection> conn);
  /// Closes idle connections now and every other one when it comes back.
  void close();

  void prepare(std::string name, std::string sql);
  /// Fills in the SQL of a prepared statement from the registry.
  Status resolve(Statement& st) const;

  /// Runs `st` on `conn` and records the query metrics from `started`. `comment`: the
  /// traceparent comment of a sampled request (sql_comment), or empty (Connection::run).
  asio::awaitable<Result<QueryResult>> run(Connection& conn, const Statement& st, Clock::time_point started,
                                           Clock::time_point deadline, std::string comment = {});
  asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(Connection& conn, const std::vector<Statement>& sts,
                                                                 Clock::time_point started, Clock::time_point deadline,
                                                                 std::string comment = {});
  /// Records one failed attempt that never reached a connection.
  void record_failure(const Error& e, Clock::time_point started);

  Clock::time_point deadline_after(std::optional<Duration> timeout) const;
  /// The budget of a call starting now with `timeout` for a request due at `request`.
  CallBudget budget(std::optional<Duration> timeout, Clock::time_point request) const;
  /// False for a few seconds after a connection attempt failed (replica selection).
  bool healthy() const;
  PoolStats stats() const;
  const std::string& name() const { return name_; }
  /// The database and server the spans of this pool's statements name.
  const Endpoint& endpoint() const { return endpoint_; }

  /// Tests only: runs in acquire() each time a caller has been told to wait for a connection,
  /// just before it suspends. A connection given back from inside the hook must reach that
  /// caller (a hand-off lost there left the caller waiting until pool_exhausted). Set it before
  /// the pool is used; it runs on an io_context thread, without the pool's lock.
  void on_wait_for_tests(std::function<void()> hook) { wait_hook_ = std::move(hook); }
  const asio::any_io_executor& executor() const { return ex_; }

 private:
  struct Waiter;
  // What a queued caller is given: a connection, or the right to open one.
  struct Grant {
    std::unique_ptr<Connection> conn;
  };

  asio::awaitable<Result<Lease>> open_new(Clock::time_point deadline);
  // Waits for `w`, already in waiters_, to be granted something or to reach its deadline.
  asio::awaitable<std::optional<Grant>> wait_in_line(Waiter& w);
  bool too_old(const Connection& c) const;
  // Hands `conn` (or, when null, the right to open one) to the first caller in line.
  void grant_locked(std::unique_ptr<Connection> conn);
  // One connection fewer is open; the first caller in line may open one instead.
  void free_slot_locked();
  void publish_locked();
  metrics::Counter& counter(std::string_view result);
  void record(std::string_view result, Clock::time_point started);

  asio::any_io_executor ex_;
  config::DbSettings settings_;
  std::string name_;
  Endpoint endpoint_;
  int max_open_;
  std::size_t max_idle_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // most recently used at the back
  int open_ = 0;                                   // idle + handed out + being opened
  std::deque<std::shared_ptr<Waiter>> waiters_;
  struct Prepared {
    std::string sql;
    metrics::Histogram* duration;  // db_statement_duration_seconds{pool, statement=<name>}
  };
  std::unordered_map<std::string, Prepared> statements_;
  bool closed_ = false;
  std::function<void()> wait_hook_;

  std::atomic<std::int64_t> unhealthy_until_{0};  // steady_clock ticks
  std::atomic<bool> down_{false};                  // the last connection attempt failed
  std::atomic<std::int64_t> next_attempt_{0};      // while down_: no new attempt before this (ticks)

  metrics::Gauge& idle_gauge_;
  metrics::Gauge& busy_gauge_;
  metrics::Counter& ok_counter_;
  metrics::Counter& error_counter_;
  metrics::Counter& timeout_counter_;
  metrics::Histogram& duration_;
  metrics::Histogram& text_duration_;      // db_statement_duration_seconds of SQL text
  metrics::Histogram& pipeline_duration_;  // … and of pipelines (one observation each)
  metrics::Gauge& waiters_gauge_;
  metrics::Histogram& wait_;
};

}  // namespace mercato::db
