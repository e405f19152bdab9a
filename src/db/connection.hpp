#pragma once
// One PostgreSQL session on libpq's non-blocking API. Used by one coroutine at a time (the
// pool hands it out); it may resume on any thread of the io_context between steps.

#include <memory>
#include <string_view>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "db/result.hpp"
#include "db/socket_watch.hpp"
#include "db/statement.hpp"

struct pg_conn;

namespace mercato::db {

class Connection {
 public:
  /// Opens a session. Fails with connection_error() when the server refuses, is unreachable
  /// or has not finished the handshake by `deadline`; the cause is logged at `failure_level`.
  static asio::awaitable<Result<std::unique_ptr<Connection>>> open(asio::any_io_executor ex,
                                                                   const config::DbSettings& settings,
                                                                   std::string pool_name,
                                                                   Clock::time_point deadline,
                                                                   log::Level failure_level);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one statement (a prepared one is prepared on this session first if needed). Past
  /// `deadline` the server is asked to cancel it, the session is marked broken and the
  /// result is timeout_error().
  ///
  /// `comment` (db::sql_comment, only ever built from trace ids) non-empty: the statement's
  /// text, prefixed by it, runs as an unnamed statement with the same parameters instead of
  /// the prepared one, so pg_stat_activity and the server log show the comment.
  asio::awaitable<Result<QueryResult>> run(const Statement& st, Clock::time_point deadline,
                                           std::string_view comment = {});

  /// Sends every statement before reading any result, in one round trip. One result per
  /// statement, in order. `comment`: as for run(), on every statement.
  asio::awaitable<std::vector<Result<QueryResult>>> run_pipeline(const std::vector<Statement>& sts,
                                                                 Clock::time_point deadline,
                                                                 std::string_view comment = {});

  /// True when the session works and no statement is in flight.
  bool ready() const;
  /// ready() and no transaction is open: the pool may hand it to someone else.
  bool reusable() const;
  /// For a connection about to leave the idle list: also reads whatever the server sent while
  /// it sat idle, which is how a server restart or an idle timeout shows up.
  bool still_alive();
  /// True while a transaction block is open (BEGIN ran and neither COMMIT nor ROLLBACK).
  bool in_transaction() const;

  Clock::time_point opened_at() const { return opened_at_; }
  /// When its pool replaces it instead of reusing it (db/lifetime.hpp); never by default.
  Clock::time_point retire_at() const { return retire_at_; }
  void retire_at(Clock::time_point t) { retire_at_ = t; }

 private:
  Connection(pg_conn* conn, asio::any_io_executor ex, std::string pool_name);

  static void on_notice(void* self, const pg_result* res);
  void begin(Clock::time_point deadline);
  void end();
  bool send(const Statement& st, std::string_view comment);
  asio::awaitable<Status> flush();
  asio::awaitable<Result<pg_result*>> next_result();
  asio::awaitable<Result<QueryResult>> collect(const Statement& st);
  asio::awaitable<Result<QueryResult>> run_one(const Statement& st, std::string_view comment);
  asio::awaitable<std::vector<Result<QueryResult>>> pipeline(const std::vector<Statement>& sts,
                                                             std::string_view comment);
  Error statement_failed(const pg_result* res, const Statement& st);
  Error lost();
  Error expired();

  pg_conn* conn_;
  SocketWatch watch_;
  std::string pool_name_;
  std::unordered_set<std::string> prepared_;  // names prepared on this session
  Clock::time_point opened_at_ = Clock::now();
  Clock::time_point retire_at_ = Clock::time_point::max();
  bool broken_ = false;
  bool in_flight_ = false;  // stays true if a coroutine is destroyed mid-statement
};

}  // namespace mercato::db
