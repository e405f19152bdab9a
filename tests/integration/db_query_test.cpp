// db::Pool queries against the real PostgreSQL: parameters, NULLs, prepared statements,
// errors as values. Each test runs in a scratch database of its own.

#include "db_test_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include "db/errors.hpp"

namespace mercato::db {
namespace {

using namespace testing;

class DbQuery : public ::testing::Test {
 protected:
  template <class T>
  T wait(asio::awaitable<T> task) {
    return loop.wait(std::move(task));
  }

  ScratchDatabase db;
  Loop loop;
  Pool pool{loop.io, db.settings(), "dbtest_query"};
};

TEST_F(DbQuery, parameters_arrive_typed_and_results_read_back) {
  auto r = wait(pool.query("SELECT $1::int + 1 AS answer, $2::text AS name, $3::bool AS flag, $4::bigint AS big",
                           params(41, "shoe", true, std::int64_t{1} << 40)));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->rows(), 1);
  EXPECT_EQ(r->get_int64(0, r->column("answer")), 42);
  EXPECT_EQ(r->get(0, r->column("name")), "shoe");
  EXPECT_EQ(r->get_bool(0, r->column("flag")), true);
  EXPECT_EQ(r->get_int64(0, r->column("big")), std::int64_t{1} << 40);
}

TEST_F(DbQuery, nullopt_is_sql_null_both_ways) {
  auto r = wait(pool.query("SELECT $1::text IS NULL, $2::text, NULL::int", params(std::nullopt, std::optional<int>{})));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->get_bool(0, 0), true);
  EXPECT_TRUE(r->is_null(0, 1));
  EXPECT_TRUE(r->is_null(0, 2));
  EXPECT_EQ(r->get_int64(0, 2), std::nullopt);
}

TEST_F(DbQuery, hostile_text_is_stored_verbatim_never_executed) {
  db.sql("CREATE TABLE notes (body text)");
  const std::string hostile = "x'); DROP TABLE notes; --";
  auto inserted = wait(pool.query("INSERT INTO notes (body) VALUES ($1)", params(hostile)));
  ASSERT_TRUE(inserted) << inserted.error().message;
  EXPECT_EQ(inserted->affected_rows(), 1);
  EXPECT_EQ(db.scalar("SELECT body FROM notes"), hostile);
}

TEST_F(DbQuery, affected_rows_counts_updated_rows) {
  db.sql("CREATE TABLE t (n int); INSERT INTO t SELECT generate_series(1, 10)");
  auto r = wait(pool.query("UPDATE t SET n = n + 100 WHERE n > $1", params(3)));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->affected_rows(), 7);
  EXPECT_EQ(r->command_tag(), "UPDATE 7");
}

TEST_F(DbQuery, prepared_statement_runs_again_after_the_server_dropped_the_session) {
  db.sql("CREATE TABLE products (id int PRIMARY KEY, name text)");
  db.sql("INSERT INTO products VALUES (1, 'shoe'), (2, 'hat')");
  pool.prepare("product_name", "SELECT name FROM products WHERE id = $1");

  for (int id : {1, 2, 1}) {
    auto r = wait(pool.execute("product_name", params(id)));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->get(0, 0), id == 1 ? "shoe" : "hat");
  }
  // Kill our session from outside, as a server restart or an idle timeout would.
  auto killed = db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dbtest_query'");
  ASSERT_EQ(killed.size(), 1u);
  std::this_thread::sleep_for(100ms);

  auto again = wait(pool.execute("product_name", params(2)));
  ASSERT_TRUE(again) << again.error().message << " (" << again.error().reason << ")";
  EXPECT_EQ(again->get(0, 0), "hat");
}

TEST_F(DbQuery, executing_an_unregistered_statement_is_an_error_not_a_crash) {
  auto r = wait(pool.execute("never_prepared", params(1)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::internal);
  EXPECT_EQ(r.error().reason, "unknown_statement");
}

TEST_F(DbQuery, unique_violation_is_recognisable_by_reason_without_leaking_sql) {
  db.sql("CREATE TABLE users (email text UNIQUE)");
  ASSERT_TRUE(wait(pool.query("INSERT INTO users VALUES ($1)", params("a@example.com"))));
  auto dup = wait(pool.query("INSERT INTO users VALUES ($1)", params("a@example.com")));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().reason, reason::unique_violation);
  EXPECT_EQ(dup.error().code, ErrorCode::internal);
  EXPECT_EQ(dup.error().message, "database error");
}

TEST_F(DbQuery, sql_error_leaves_the_connection_usable) {
  auto first = wait(pool.query("SELECT pg_backend_pid()"));
  ASSERT_TRUE(first);
  auto bad = wait(pool.query("SELEKT 1"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "42601");  // syntax_error
  auto after = wait(pool.query("SELECT pg_backend_pid()"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->get(0, 0), first->get(0, 0)) << "the same session should have been reused";
  EXPECT_EQ(pool.stats().idle, 1);
}

TEST_F(DbQuery, ping_measures_a_round_trip) {
  auto latency = wait(pool.ping());
  ASSERT_TRUE(latency) << latency.error().message;
  EXPECT_GT(latency->count(), 0);
  EXPECT_LT(*latency, std::chrono::microseconds(2s));
}

// A port nothing listens on: bound, then closed again.
std::uint16_t unused_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(s);
  return ntohs(addr.sin_port);
}

TEST(DbUnreachable, refused_connection_fails_fast_as_service_unavailable) {
  Loop loop;
  auto settings = server_settings("postgres");
  settings.port = unused_port();
  Pool pool(loop.io, settings, "dbtest_unreachable");
  const auto started = std::chrono::steady_clock::now();
  auto r = loop.wait(pool.query("SELECT 1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::service_unavailable);
  EXPECT_EQ(r.error().reason, reason::connection);
  EXPECT_EQ(r.error().message, "database unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_FALSE(pool.healthy());
  EXPECT_EQ(pool.stats().busy, 0);
}

}  // namespace
}  // namespace mercato::db
