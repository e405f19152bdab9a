// Pool::until against the real PostgreSQL: a request's deadline bounds every statement made
// through the handle, a statement waiting for a lock is cancelled on the server when the
// deadline passes (it leaves pg_stat_activity's waiting state), and nothing starts after it.

#include "db_test_support.hpp"

#include "db/canceller.hpp"
#include "db/errors.hpp"

namespace mercato::db {
namespace {

using namespace testing;

// A second session, outside the pool, that holds a row lock until closed.
class Locker {
 public:
  explicit Locker(const config::DbSettings& s) {
    const std::string port = std::to_string(s.port);
    const char* keys[] = {"host", "port", "user", "password", "dbname", "sslmode", nullptr};
    const char* values[] = {s.host.c_str(), port.c_str(), s.user.c_str(), s.password.c_str(), s.name.c_str(),
                            "disable", nullptr};
    conn_ = PQconnectdbParams(keys, values, 0);
    exec("BEGIN");
    exec("SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE");
    pid_ = std::to_string(PQbackendPID(conn_));
  }
  ~Locker() { PQfinish(conn_); }
  const std::string& pid() const { return pid_; }

 private:
  void exec(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  }
  PGconn* conn_;
  std::string pid_;
};

class DbDeadline : public ::testing::Test {
 protected:
  void SetUp() override { db.sql("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts VALUES (1, 100)"); }

  static config::DbSettings slow_settings(config::DbSettings s) {
    s.query_timeout = 30s;  // what the deadline must cut short
    return s;
  }
  template <class T>
  T wait(asio::awaitable<T> task) {
    return loop.wait(std::move(task));
  }
  std::string waiters(const Locker& l) const {
    return db.scalar("SELECT count(*) FROM pg_stat_activity WHERE " + l.pid() + " = ANY(pg_blocking_pids(pid))");
  }

  ScratchDatabase db;
  Loop loop;
  Pool pool{loop.io, slow_settings(db.settings()), "dbtest_deadline"};
};

TEST_F(DbDeadline, nothing_starts_after_the_deadline) {
  const auto past = Clock::now() - 1ms;
  auto r = wait(pool.until(past).query("UPDATE accounts SET balance = 0"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, reason::deadline);
  EXPECT_EQ(r.error().code, ErrorCode::gateway_timeout);
  auto tx = wait(pool.until(past).begin());
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().reason, reason::deadline);
  EXPECT_EQ(db.scalar("SELECT balance FROM accounts"), "100");
}

TEST_F(DbDeadline, a_statement_waiting_for_a_lock_is_cancelled_at_the_deadline) {
  Locker locker(db.settings());
  const auto started = Clock::now();
  auto r = wait(pool.until(started + 300ms).transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
    auto u = co_await tx.query("UPDATE accounts SET balance = 0 WHERE id = 1");
    if (!u) co_return u.error();
    co_return 1;
  }));
  const auto took = Clock::now() - started;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, reason::deadline);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s) << "bounded by the deadline, not by the 30 s query timeout";
  // The cancel is sent on a background thread; give it a short, generous bound.
  ASSERT_TRUE(wait_for_pending_cancels(2000ms));
  std::string left = waiters(locker);
  for (int i = 0; i < 50 && left != "0"; ++i) {
    std::this_thread::sleep_for(20ms);  // polling an observable condition, bounded at 1 s
    left = waiters(locker);
  }
  EXPECT_EQ(left, "0") << "the cancelled UPDATE still waits for the lock";
}

TEST_F(DbDeadline, a_statement_gets_the_shorter_of_the_deadline_and_its_own_timeout) {
  // Own timeout shorter than the deadline: an ordinary timeout (503), not the request's 504.
  auto r = wait(pool.until(Clock::now() + 10s).query("SELECT pg_sleep(2)", {}, 200ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, reason::timeout);
  // Deadline shorter: the request's.
  auto d = wait(pool.until(Clock::now() + 200ms).query("SELECT pg_sleep(2)"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().reason, reason::deadline);
}

TEST_F(DbDeadline, a_commit_past_the_deadline_is_not_sent) {
  auto r = wait(pool.until(Clock::now() + 300ms).transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
    auto u = co_await tx.query("UPDATE accounts SET balance = 1 WHERE id = 1");
    if (!u) co_return u.error();
    // Outlast the deadline inside the work: the COMMIT that follows must not be sent.
    asio::steady_timer t(co_await asio::this_coro::executor, 400ms);
    co_await t.async_wait(asio::use_awaitable);
    co_return 1;
  }));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, reason::deadline);
  EXPECT_EQ(db.scalar("SELECT balance FROM accounts"), "100");
}

}  // namespace
}  // namespace mercato::db
