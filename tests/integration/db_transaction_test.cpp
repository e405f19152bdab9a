// Transactions and pipelines against the real PostgreSQL: what commits is visible, what fails
// leaves no trace, and a pipeline is one round trip with one result per statement.

#include "db_test_support.hpp"

#include "db/errors.hpp"

namespace mercato::db {
namespace {

using namespace testing;

class DbTransaction : public ::testing::Test {
 protected:
  void SetUp() override { db.sql("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))"); }

  template <class T>
  T wait(asio::awaitable<T> task) {
    return loop.wait(std::move(task));
  }
  std::string count() const { return db.scalar("SELECT count(*) FROM accounts"); }

  ScratchDatabase db;
  Loop loop;
  Pool pool{loop.io, db.settings(), "dbtest_tx"};
};

TEST_F(DbTransaction, committed_writes_are_visible) {
  auto r = wait([&]() -> asio::awaitable<Status> {
    auto tx = co_await pool.begin();
    if (!tx) co_return tx.error();
    if (auto a = co_await tx->query("INSERT INTO accounts VALUES ($1, $2)", params(1, 100)); !a) co_return a.error();
    if (auto b = co_await tx->query("INSERT INTO accounts VALUES ($1, $2)", params(2, 50)); !b) co_return b.error();
    co_return co_await tx->commit();
  }());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(count(), "2");
  EXPECT_EQ(pool.stats().idle, 1) << "the connection goes back to the pool";
}

TEST_F(DbTransaction, explicit_rollback_leaves_no_trace) {
  auto r = wait([&]() -> asio::awaitable<Status> {
    auto tx = co_await pool.begin();
    if (!tx) co_return tx.error();
    co_await tx->query("INSERT INTO accounts VALUES (1, 100)");
    co_return co_await tx->rollback();
  }());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(count(), "0");
}

TEST_F(DbTransaction, failed_write_rolls_back_the_earlier_ones) {
  // A transfer whose second step violates the CHECK: the first step must not survive.
  db.sql("INSERT INTO accounts VALUES (1, 100), (2, 0)");
  auto r = wait(pool.transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
    auto credit = co_await tx.query("UPDATE accounts SET balance = balance + $1 WHERE id = 2", params(500));
    if (!credit) co_return credit.error();
    auto debit = co_await tx.query("UPDATE accounts SET balance = balance - $1 WHERE id = 1", params(500));
    if (!debit) co_return debit.error();
    co_return 1;
  }));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "23514");  // check_violation
  EXPECT_EQ(db.scalar("SELECT balance FROM accounts WHERE id = 2"), "0");
  EXPECT_EQ(db.scalar("SELECT balance FROM accounts WHERE id = 1"), "100");
}

TEST_F(DbTransaction, transaction_helper_commits_and_returns_the_value) {
  auto r = wait(pool.transaction([&](Transaction& tx) -> asio::awaitable<Result<std::string>> {
    auto row = co_await tx.query("INSERT INTO accounts VALUES ($1, $2) RETURNING id", params(7, 70));
    if (!row) co_return row.error();
    co_return std::string(row->get(0, 0));
  }));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "7");
  EXPECT_EQ(count(), "1");
}

TEST_F(DbTransaction, abandoned_transaction_rolls_back_and_the_connection_is_reused) {
  auto settings = db.settings();
  settings.max_open_conns = 1;  // so the next query must wait for that very connection
  Pool single(loop.io, settings, "dbtest_tx_single");
  auto pid = wait([&]() -> asio::awaitable<std::string> {
    auto tx = co_await single.begin();
    if (!tx) co_return std::string("begin failed");
    co_await tx->query("INSERT INTO accounts VALUES (1, 100)");
    auto backend = co_await tx->query("SELECT pg_backend_pid()");
    co_return std::string(backend ? backend->get(0, 0) : "");
    // `tx` is destroyed here without commit()
  }());
  // The rollback runs in the background; the next query waits for the connection.
  auto next = wait(single.query("SELECT pg_backend_pid(), (SELECT count(*) FROM accounts)"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->get(0, 0), pid) << "the same session, cleanly rolled back, was reused";
  EXPECT_EQ(next->get(0, 1), "0");
}

TEST_F(DbTransaction, abandoned_transaction_whose_session_was_killed_frees_its_slot_for_the_next_caller) {
  auto settings = db.settings();
  settings.max_open_conns = 1;
  Pool single(loop.io, settings, "dbtest_tx_killed");
  auto pid = wait([&]() -> asio::awaitable<std::string> {
    auto tx = co_await single.begin();
    if (!tx) co_return std::string("begin failed");
    co_await tx->query("INSERT INTO accounts VALUES (1, 100)");
    auto backend = co_await tx->query("SELECT pg_backend_pid()");
    if (!backend) co_return std::string("no pid");
    std::string killed(backend->get(0, 0));
    // The server ends the session under the open transaction (a restart does the same to
    // every session): the background ROLLBACK of `tx` finds no session to roll back.
    // Blocking calls on a loop thread: test set-up, and the loop has another thread.
    db.sql("SELECT pg_terminate_backend(" + killed + ")");
    for (int i = 0; i < 250 && db.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = " + killed) != "0"; ++i)
      std::this_thread::sleep_for(20ms);
    co_return killed;
    // `tx` is destroyed here without commit()
  }());
  auto next = wait(single.query("SELECT pg_backend_pid(), (SELECT count(*) FROM accounts)"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_NE(next->get(0, 0), pid) << "a new session replaced the killed one";
  EXPECT_EQ(next->get(0, 1), "0") << "the server rolled the killed transaction back";
  EXPECT_EQ(single.stats().idle + single.stats().busy, 1) << "the killed connection's slot was given back, once";
}

TEST_F(DbTransaction, commit_after_a_failed_statement_reports_the_rollback) {
  auto r = wait([&]() -> asio::awaitable<Status> {
    auto tx = co_await pool.begin();
    if (!tx) co_return tx.error();
    co_await tx->query("INSERT INTO accounts VALUES (1, -5)");  // violates the CHECK
    co_return co_await tx->commit();
  }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "25P02");
  EXPECT_EQ(count(), "0");
}

TEST_F(DbTransaction, statements_after_commit_are_refused) {
  auto r = wait([&]() -> asio::awaitable<Result<QueryResult>> {
    auto tx = co_await pool.begin();
    if (!tx) co_return tx.error();
    co_await tx->commit();
    EXPECT_FALSE(tx->active());
    co_return co_await tx->query("SELECT 1");
  }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "transaction_finished");
}

TEST_F(DbTransaction, pipeline_returns_one_result_per_statement_in_order) {
  pool.prepare("account_balance", "SELECT balance FROM accounts WHERE id = $1");
  auto results = wait(pool.pipeline({
      Statement::text("INSERT INTO accounts VALUES ($1, $2)", params(1, 10)),
      Statement::text("INSERT INTO accounts VALUES ($1, $2)", params(2, 20)),
      Statement::prepared("account_balance", params(2)),
      Statement::text("SELECT count(*) FROM accounts"),
  }));
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(results[0]->affected_rows(), 1);
  EXPECT_EQ(results[2]->get(0, 0), "20");
  EXPECT_EQ(results[3]->get(0, 0), "2");

  // Again on the same session: the statement is prepared now and the pipeline still works.
  auto again = wait(pool.pipeline({Statement::prepared("account_balance", params(1))}));
  ASSERT_TRUE(again.at(0)) << again[0].error().message;
  EXPECT_EQ(again[0]->get(0, 0), "10");
}

TEST_F(DbTransaction, pipeline_is_all_or_nothing_outside_a_transaction) {
  db.sql("INSERT INTO accounts VALUES (1, 10)");
  auto results = wait(pool.pipeline({
      Statement::text("INSERT INTO accounts VALUES (2, 20)"),
      Statement::text("INSERT INTO accounts VALUES (1, 30)"),  // duplicate key
      Statement::text("INSERT INTO accounts VALUES (3, 30)"),
  }));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().reason, reason::unique_violation);
  ASSERT_FALSE(results[2]);
  EXPECT_EQ(results[2].error().reason, reason::pipeline_aborted);
  EXPECT_EQ(count(), "1") << "the first insert was rolled back with the failed one";

  // The session is in a clean state afterwards.
  auto after = wait(pool.query("SELECT 1"));
  EXPECT_TRUE(after);
  EXPECT_EQ(pool.stats().idle, 1);
}

TEST_F(DbTransaction, pipeline_inside_a_transaction) {
  auto r = wait(pool.transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
    std::vector<Statement> batch;
    batch.push_back(Statement::text("INSERT INTO accounts VALUES (1, 10)"));
    batch.push_back(Statement::text("INSERT INTO accounts VALUES (2, 20)"));
    auto results = co_await tx.pipeline(std::move(batch));
    for (auto& x : results) {
      if (!x) co_return x.error();
    }
    co_return static_cast<int>(results.size());
  }));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(count(), "2");
}

}  // namespace
}  // namespace mercato::db
