// Spans of the data tier against the real PostgreSQL: a statement run through a traced
// Pool::until(scope) is one client span under the scope's parent, with its name, rows and
// pool wait; a pipeline is one span; a transaction's span parents its statements; an untraced
// call records nothing; and a head-sampled request's statement shows its traceparent in
// pg_stat_activity while it runs (an unsampled one does not).

#include "db_test_support.hpp"

#include <mutex>
#include <optional>

#include "db/errors.hpp"
#include "trace/scope.hpp"
#include "trace/span.hpp"
#include "trace/test_support.hpp"
#include "trace/tracer.hpp"

namespace mercato::db {
namespace {

using namespace testing;

using ListSink = trace::testing::SpanList;

std::optional<trace::AttributeValue> attribute(const trace::SpanData& s, std::string_view key) {
  for (const auto& a : s.attributes)
    if (a.key == key) return a.value;
  return std::nullopt;
}
std::string text_attribute(const trace::SpanData& s, std::string_view key) {
  auto v = attribute(s, key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string("<absent>");
}
std::int64_t int_attribute(const trace::SpanData& s, std::string_view key) {
  auto v = attribute(s, key);
  return v && std::holds_alternative<std::int64_t>(*v) ? std::get<std::int64_t>(*v) : -1;
}

/// A blocking session of its own (a lock holder, or the observer of pg_stat_activity).
class Session {
 public:
  explicit Session(const config::DbSettings& s) {
    const std::string port = std::to_string(s.port);
    const char* keys[] = {"host", "port", "user", "password", "dbname", "sslmode", nullptr};
    const char* values[] = {s.host.c_str(), port.c_str(), s.user.c_str(), s.password.c_str(), s.name.c_str(),
                            "disable", nullptr};
    conn_ = PQconnectdbParams(keys, values, 0);
    if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(conn_);
  }
  ~Session() { PQfinish(conn_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  void exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  }

 private:
  PGconn* conn_;
};

class DbTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    db.sql("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)");
    db.sql("INSERT INTO accounts SELECT n, 10 * n FROM generate_series(1, 5) AS n");
    pool.prepare("accounts_above", "SELECT id, balance FROM accounts WHERE id > $1 ORDER BY id");
  }

  /// A trace as a request begins it (sampled or not), exporting to `sink`.
  std::shared_ptr<trace::Trace> begin_trace(bool sampled) {
    trace::TracerSettings s;
    s.recording = true;
    s.sampler = sampled ? trace::Sampler(trace::Sampler::Rule::always_on)
                        : trace::Sampler(trace::Sampler::Rule::always_off, 0.0);
    auto tracer = trace::Tracer::create(s, sink);
    return tracer->begin(std::nullopt, false);
  }

  const trace::SpanData& span_named(std::string_view name) {
    for (const auto& s : sink->spans)
      if (s.name == name) return s;
    ADD_FAILURE() << "no span named " << name << " among " << sink->spans.size();
    static const trace::SpanData none;
    return none;
  }

  template <class T>
  T wait(asio::awaitable<T> task) {
    return loop.wait(std::move(task));
  }

  /// Waits (at most 10 s) until the sink holds `n` spans: a trace is handed over when its last
  /// reference goes, which the call's coroutine frame may drop just after the caller resumed.
  void await_spans(std::size_t n) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(sink->m);
        if (sink->spans.size() >= n) return;
      }
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "fewer than " << n << " spans within 10 s";
  }

  /// The query text of the session of this database waiting for a lock, polled (no sleep to
  /// synchronise: the statement is observed while it runs) for at most 10 s.
  std::string waiting_query() {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < until) {
      auto rows = db.sql(
          "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (!rows.empty()) return rows[0][0];
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no statement waited for the lock within 10 s";
    return {};
  }

  std::shared_ptr<ListSink> sink = std::make_shared<ListSink>();
  ScratchDatabase db;
  Loop loop;
  Pool pool{loop.io, db.settings(), "dbtest_trace"};
};

TEST_F(DbTrace, a_traced_statement_is_a_client_span_named_by_its_statement_with_rows_and_parent) {
  trace::SpanId server_id;
  {
    trace::Scope request(Clock::now() + 10s, begin_trace(true), {});
    trace::Span server = request.start("GET /accounts", trace::SpanKind::server);
    server_id = server.id();
    const trace::Scope scope = request.under(server);
    auto prepared = wait(pool.until(scope).execute("accounts_above", params(2)));
    ASSERT_TRUE(prepared) << prepared.error().message;
    auto text = wait(pool.until(scope).query("UPDATE accounts SET balance = balance + 1 WHERE id <= $1", params(2)));
    ASSERT_TRUE(text) << text.error().message;
    auto failed = wait(pool.until(scope).query("INSERT INTO accounts VALUES (1, 0)"));
    ASSERT_FALSE(failed);
    auto values = wait(pool.until(scope).query("SELECT id FROM accounts WHERE $1::text <> 'literal-in-sql'",
                                               params("parameter-value")));
    ASSERT_TRUE(values) << values.error().message;
  }
  await_spans(5);
  ASSERT_EQ(sink->spans.size(), 5u) << "one span per statement, and the server span";

  const auto& prepared = span_named("accounts_above");
  EXPECT_EQ(prepared.kind, trace::SpanKind::client);
  EXPECT_EQ(prepared.parent_span_id, server_id);
  EXPECT_EQ(text_attribute(prepared, "db.system.name"), "postgresql");
  EXPECT_EQ(text_attribute(prepared, "db.namespace"), db.name());
  EXPECT_EQ(text_attribute(prepared, "db.operation.name"), "SELECT");
  EXPECT_EQ(text_attribute(prepared, "db.query.summary"), "SELECT accounts");
  EXPECT_EQ(text_attribute(prepared, "mercato.db.statement"), "accounts_above");
  EXPECT_EQ(int_attribute(prepared, "db.response.returned_rows"), 3);
  EXPECT_EQ(text_attribute(prepared, "server.address"), db.settings().host);
  EXPECT_EQ(int_attribute(prepared, "server.port"), db.settings().port);
  EXPECT_TRUE(attribute(prepared, "mercato.db.pool_wait_ms").has_value());
  EXPECT_EQ(prepared.status, trace::StatusCode::unset);
  EXPECT_LT(prepared.start_unix_nano, prepared.end_unix_nano);

  const auto& update = span_named("UPDATE accounts");
  EXPECT_EQ(update.parent_span_id, server_id);
  EXPECT_EQ(int_attribute(update, "mercato.db.affected_rows"), 2);
  EXPECT_EQ(int_attribute(update, "db.response.returned_rows"), 0);
  EXPECT_EQ(text_attribute(update, "mercato.db.statement"), "<absent>");

  const auto& insert = span_named("INSERT accounts");
  EXPECT_EQ(insert.status, trace::StatusCode::error);
  EXPECT_EQ(insert.status_message, "23505");
  EXPECT_EQ(text_attribute(insert, "db.response.status_code"), "23505");
  // Neither a parameter nor a literal of the SQL text is ever copied into a span.
  for (const auto& s : sink->spans) {
    EXPECT_EQ(s.name.find("literal"), std::string::npos) << s.name;
    for (const auto& a : s.attributes)
      if (auto* v = std::get_if<std::string>(&a.value)) {
        EXPECT_EQ(v->find("parameter-value"), std::string::npos) << a.key;
        EXPECT_EQ(v->find("literal-in-sql"), std::string::npos) << a.key;
      }
  }
}

TEST_F(DbTrace, a_pipeline_is_one_span_with_its_number_of_statements) {
  {
    trace::Scope scope(Clock::now() + 10s, begin_trace(true), {});
    std::vector<Statement> sts;
    sts.push_back(Statement::prepared("accounts_above", params(0)));
    sts.push_back(Statement::text("SELECT count(*) FROM accounts"));
    auto rs = wait(pool.until(scope).pipeline(std::move(sts)));
    ASSERT_EQ(rs.size(), 2u);
    ASSERT_TRUE(rs[0] && rs[1]);
  }
  await_spans(1);
  ASSERT_EQ(sink->spans.size(), 1u);
  const auto& p = sink->spans[0];
  EXPECT_EQ(p.name, "pipeline accounts_above, SELECT accounts");
  EXPECT_EQ(int_attribute(p, "db.operation.batch.size"), 2);
  EXPECT_EQ(int_attribute(p, "db.response.returned_rows"), 6);
  EXPECT_FALSE(p.parent_span_id.valid()) << "no parent span in the scope: the trace's root";
}

TEST_F(DbTrace, a_transaction_span_parents_its_statements_from_begin_to_commit) {
  trace::SpanId server_id;
  {
    trace::Scope request(Clock::now() + 10s, begin_trace(true), {});
    trace::Span server = request.start("POST /transfer", trace::SpanKind::server);
    server_id = server.id();
    auto r = wait(pool.until(request.under(server)).transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
      auto a = co_await tx.query("UPDATE accounts SET balance = balance - 5 WHERE id = $1", params(1));
      if (!a) co_return a.error();
      auto b = co_await tx.execute("accounts_above", params(4));
      if (!b) co_return b.error();
      co_return b->rows();
    }));
    ASSERT_TRUE(r) << r.error().message;
  }
  await_spans(6);
  ASSERT_EQ(sink->spans.size(), 6u) << "server, transaction, BEGIN, two statements, COMMIT";
  const auto& tx = span_named("transaction");
  EXPECT_EQ(tx.parent_span_id, server_id);
  EXPECT_EQ(text_attribute(tx, "mercato.db.transaction.outcome"), "commit");
  EXPECT_TRUE(attribute(tx, "mercato.db.pool_wait_ms").has_value());
  for (std::string_view child : {"BEGIN", "UPDATE accounts", "accounts_above", "COMMIT"}) {
    const auto& s = span_named(child);
    EXPECT_EQ(s.parent_span_id, tx.span_id) << child;
    EXPECT_GE(s.start_unix_nano, tx.start_unix_nano) << child;
    EXPECT_LE(s.end_unix_nano, tx.end_unix_nano) << child;
  }
}

TEST_F(DbTrace, a_failed_transaction_rolls_back_inside_its_span) {
  {
    trace::Scope scope(Clock::now() + 10s, begin_trace(false), {});
    auto r = wait(pool.until(scope).transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
      auto a = co_await tx.query("INSERT INTO accounts VALUES (1, 0)");
      if (!a) co_return a.error();
      co_return 1;
    }));
    ASSERT_FALSE(r);
  }
  await_spans(4);
  // Unsampled, but kept by the error rule: the failed statement's trace is exported.
  const auto& tx = span_named("transaction");
  EXPECT_EQ(text_attribute(tx, "mercato.db.transaction.outcome"), "rollback");
  EXPECT_EQ(span_named("INSERT accounts").status, trace::StatusCode::error);
  EXPECT_EQ(span_named("ROLLBACK").parent_span_id, tx.span_id);
}

TEST_F(DbTrace, an_abandoned_transactions_span_ends_with_it_and_says_so) {
  {
    trace::Scope scope(Clock::now() + 10s, begin_trace(true), {});
    auto tx = wait(pool.until(scope).begin());
    ASSERT_TRUE(tx) << tx.error().message;
    ASSERT_TRUE(wait(tx->query("UPDATE accounts SET balance = 0 WHERE id = 1")));
  }  // neither committed nor rolled back: rolled back in the background
  await_spans(3);
  const auto& tx = span_named("transaction");
  EXPECT_EQ(text_attribute(tx, "mercato.db.transaction.outcome"), "abandoned");
  EXPECT_EQ(span_named("UPDATE accounts").parent_span_id, tx.span_id);
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (pool.stats().idle == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(db.scalar("SELECT balance FROM accounts WHERE id = 1"), "10");
}

TEST_F(DbTrace, a_statement_that_waited_for_a_connection_states_the_wait) {
  auto settings = db.settings();
  settings.max_open_conns = 1;
  Pool small{loop.io, settings, "dbtest_trace_small"};
  small.prepare("accounts_above", "SELECT id, balance FROM accounts WHERE id > $1 ORDER BY id");
  auto holder = wait(small.begin());  // the pool's only connection
  ASSERT_TRUE(holder) << holder.error().message;
  std::future<Result<QueryResult>> running;
  {
    trace::Scope scope(Clock::now() + 20s, begin_trace(true), {});
    running = loop.start(small.until(scope).execute("accounts_above", params(0)));
  }
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (small.stats().waiting == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(small.stats().waiting, 1) << "the statement should be queued for the connection";
  ASSERT_TRUE(wait(holder->commit()));
  ASSERT_TRUE(Loop::get(std::move(running)));
  await_spans(1);
  const auto wait_ms = attribute(sink->spans[0], "mercato.db.pool_wait_ms");
  ASSERT_TRUE(wait_ms && std::holds_alternative<double>(*wait_ms));
  EXPECT_GT(std::get<double>(*wait_ms), 0.0);
  EXPECT_EQ(sink->spans[0].name, "accounts_above");
}

TEST_F(DbTrace, calls_without_a_trace_record_nothing) {
  auto trace = begin_trace(true);
  {
    auto a = wait(pool.until(Clock::now() + 10s).execute("accounts_above", params(0)));
    ASSERT_TRUE(a);
    auto b = wait(pool.execute("accounts_above", params(0)));
    ASSERT_TRUE(b);
    auto c = wait(pool.until(Clock::now() + 10s).transaction([&](Transaction& tx) -> asio::awaitable<Result<int>> {
      auto r = co_await tx.query("SELECT 1");
      if (!r) co_return r.error();
      co_return 1;
    }));
    ASSERT_TRUE(c);
    trace::Span only(trace, {}, "the request's own span", trace::SpanKind::server);
  }
  trace.reset();
  ASSERT_EQ(sink->spans.size(), 1u);
  EXPECT_EQ(sink->spans[0].name, "the request's own span");
}

// While a session holds ACCESS EXCLUSIVE on the table, the statement waits for the lock:
// pg_stat_activity shows it, read from a third session.
TEST_F(DbTrace, a_sampled_statement_shows_its_traceparent_in_pg_stat_activity_while_it_runs) {
  Session locker(db.settings());
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
  std::string trace_id;
  std::future<Result<QueryResult>> running;
  {
    trace::Scope scope(Clock::now() + 20s, begin_trace(true), {});
    trace_id = std::string(scope.trace_id());
    running = loop.start(pool.until(scope).execute("accounts_above", params(0)));
  }
  const std::string query = waiting_query();
  locker.exec("COMMIT");
  auto r = Loop::get(std::move(running));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rows(), 5);

  await_spans(1);
  ASSERT_EQ(sink->spans.size(), 1u);
  const auto& span = sink->spans[0];
  EXPECT_EQ(query, "/*traceparent='00-" + trace_id + "-" + span.span_id.hex() +
                       "-01'*/ SELECT id, balance FROM accounts WHERE id > $1 ORDER BY id");
}

TEST_F(DbTrace, a_sampled_transactions_statements_carry_their_own_span_in_the_comment) {
  Session locker(db.settings());
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
  std::string trace_id;
  std::future<Result<int>> running;
  {
    trace::Scope scope(Clock::now() + 20s, begin_trace(true), {});
    trace_id = std::string(scope.trace_id());
    running = loop.start(pool.until(scope).transaction([](Transaction& tx) -> asio::awaitable<Result<int>> {
      auto r = co_await tx.query("UPDATE accounts SET balance = 0 WHERE id = $1", params(3));
      if (!r) co_return r.error();
      co_return 1;
    }));
  }
  const std::string query = waiting_query();
  locker.exec("COMMIT");
  ASSERT_TRUE(Loop::get(std::move(running)));
  await_spans(4);
  const auto& update = span_named("UPDATE accounts");
  EXPECT_EQ(query, "/*traceparent='00-" + trace_id + "-" + update.span_id.hex() +
                       "-01'*/ UPDATE accounts SET balance = 0 WHERE id = $1");
}

TEST_F(DbTrace, an_unsampled_statement_keeps_its_prepared_text_without_a_comment) {
  Session locker(db.settings());
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
  std::future<Result<QueryResult>> running;
  {
    trace::Scope scope(Clock::now() + 20s, begin_trace(false), {});
    running = loop.start(pool.until(scope).execute("accounts_above", params(0)));
  }
  const std::string query = waiting_query();
  locker.exec("COMMIT");
  ASSERT_TRUE(Loop::get(std::move(running)));
  EXPECT_EQ(query, "SELECT id, balance FROM accounts WHERE id > $1 ORDER BY id");
}

}  // namespace
}  // namespace mercato::db
