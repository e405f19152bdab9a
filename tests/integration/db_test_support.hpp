#pragma once
// Shared by the db_*_test.cpp integration tests: a scratch database per test on the real
// PostgreSQL (DB_HOST / DB_PORT / DB_USER, default 127.0.0.1:25432 postgres, the test
// stack's), a multi-threaded io_context, and a way to wait for one coroutine.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "core/config.hpp"
#include "db/pool.hpp"

namespace mercato::db::testing {

using namespace std::chrono_literals;

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

/// Settings for the test server and `dbname`, with small, test-friendly limits.
inline config::DbSettings server_settings(const std::string& dbname) {
  config::DbSettings s;
  s.host = env_or("DB_HOST", "127.0.0.1");
  s.port = static_cast<std::uint16_t>(std::atoi(env_or("DB_PORT", "25432").c_str()));
  s.user = env_or("DB_USER", "postgres");
  s.password = env_or("DB_PASSWORD", "");
  s.sslmode = "disable";
  s.name = dbname;
  s.max_open_conns = 4;
  s.max_idle_conns = 4;
  s.connect_timeout = 2s;
  s.query_timeout = 5s;
  return s;
}

/// Rows as text ("" for NULL) of `sql` run with blocking libpq; test set-up and inspection
/// only. Fails the test on error.
inline std::vector<std::vector<std::string>> blocking_sql(const config::DbSettings& s, const std::string& sql) {
  const std::string port = std::to_string(s.port);
  const char* keys[] = {"host", "port", "user", "password", "dbname", "sslmode", nullptr};
  const char* values[] = {s.host.c_str(), port.c_str(), s.user.c_str(), s.password.c_str(), s.name.c_str(), "disable",
                          nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 0);
  std::vector<std::vector<std::string>> rows;
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << s.host << ":" << s.port << "/" << s.name << ": " << PQerrorMessage(conn);
    PQfinish(conn);
    return rows;
  }
  PGresult* res = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(res);
  }
  for (int r = 0; r < PQntuples(res); ++r) {
    rows.emplace_back();
    for (int c = 0; c < PQnfields(res); ++c) rows.back().emplace_back(PQgetvalue(res, r, c));
  }
  PQclear(res);
  PQfinish(conn);
  return rows;
}

/// A database of its own for one test, dropped (with its sessions) afterwards.
class ScratchDatabase {
 public:
  ScratchDatabase() {
    static std::atomic<int> counter{0};
    name_ = "mercato_dbtest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    blocking_sql(server_settings("postgres"), "CREATE DATABASE " + name_);
  }
  ~ScratchDatabase() { blocking_sql(server_settings("postgres"), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  config::DbSettings settings() const { return server_settings(name_); }
  std::vector<std::vector<std::string>> sql(const std::string& q) const { return blocking_sql(settings(), q); }
  /// The single value of a one-row, one-column query.
  std::string scalar(const std::string& q) const {
    auto rows = sql(q);
    return rows.empty() || rows[0].empty() ? std::string("<no rows>") : rows[0][0];
  }

 private:
  std::string name_;
};

/// An io_context run by `threads` threads for the length of a test.
class Loop {
 public:
  explicit Loop(int threads = 2) : work_(asio::make_work_guard(io)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io.run(); });
  }
  /// Checks that once the test's pools are gone nothing is left waiting on the loop (a
  /// forgotten timer or socket wait would keep run() from returning).
  ~Loop() {
    work_.reset();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    if (!io.stopped()) {
      ADD_FAILURE() << "io_context still had work 5 s after the test finished";
      io.stop();
    }
    for (auto& t : threads_) t.join();
  }

  /// Starts `task` on the loop; the future holds its result.
  template <class T>
  std::future<T> start(asio::awaitable<T> task) {
    auto done = std::make_shared<std::promise<T>>();
    auto result = done->get_future();
    asio::co_spawn(
        io,
        [done, task = std::move(task)]() mutable -> asio::awaitable<void> { done->set_value(co_await std::move(task)); },
        [done](std::exception_ptr e) {
          if (e) done->set_exception(e);
        });
    return result;
  }

  /// Runs `task` on the loop and blocks until it finishes. A task still running after
  /// `limit` is a hang: the test binary aborts rather than wait forever.
  template <class T>
  T wait(asio::awaitable<T> task, std::chrono::seconds limit = 60s) {
    return get(start(std::move(task)), limit);
  }

  template <class T>
  static T get(std::future<T> result, std::chrono::seconds limit = 60s) {
    if (result.wait_for(limit) != std::future_status::ready) {
      ADD_FAILURE() << "coroutine did not finish within " << limit.count() << " s";
      std::abort();
    }
    return result.get();
  }

  asio::io_context io;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

/// Open file descriptors of this process.
inline int open_fds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace mercato::db::testing
