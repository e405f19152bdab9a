#include "db/statement_trace.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "trace/test_support.hpp"

namespace mercato::db {
namespace {

TEST(QuerySummary, NamesTheOperationAndItsFirstTable) {
  EXPECT_EQ(query_summary("SELECT id, name FROM products WHERE id = $1"), "SELECT products");
  EXPECT_EQ(query_summary("  select * from Public.Products p join categories c on true"), "SELECT public.products");
  EXPECT_EQ(query_summary("INSERT INTO audit_log (a) VALUES ($1)"), "INSERT audit_log");
  EXPECT_EQ(query_summary("UPDATE ONLY products SET name = $2 WHERE id = $1"), "UPDATE products");
  EXPECT_EQ(query_summary("DELETE FROM refresh_tokens WHERE family = $1"), "DELETE refresh_tokens");
  EXPECT_EQ(query_summary("BEGIN"), "BEGIN");
  EXPECT_EQ(query_summary("COMMIT"), "COMMIT");
  EXPECT_EQ(query_summary("SELECT 1"), "SELECT");
  EXPECT_EQ(query_summary("SELECT pg_sleep(0.5)"), "SELECT");
  EXPECT_EQ(query_summary(""), "");
  EXPECT_EQ(operation_name("with x as (select 1) delete from y"), "DELETE");
}

TEST(QuerySummary, LooksPastSubqueriesCommentsAndCtes) {
  EXPECT_EQ(query_summary("/* a */ -- b\n SELECT (SELECT count(*) FROM images) AS n FROM products"), "SELECT products");
  EXPECT_EQ(query_summary("WITH page AS (SELECT id FROM products) SELECT * FROM page"), "SELECT page");
  EXPECT_EQ(query_summary("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved"), "INSERT b");
  EXPECT_EQ(query_summary("SELECT * FROM (SELECT 1) AS s"), "SELECT");
}

TEST(QuerySummary, NeverCopiesALiteral) {
  // Strings, quoted names, dollar quotes and numbers are skipped, not taken for names.
  EXPECT_EQ(query_summary("SELECT 'FROM secret' FROM users"), "SELECT users");
  EXPECT_EQ(query_summary("SELECT $$ FROM secret $$ FROM users"), "SELECT users");
  EXPECT_EQ(query_summary("SELECT $tag$ FROM secret $tag$, $1 FROM users"), "SELECT users");
  EXPECT_EQ(query_summary("SELECT E'\\' FROM secret' FROM users"), "SELECT users");
  EXPECT_EQ(query_summary("SELECT 'it''s FROM secret' FROM users"), "SELECT users");
  EXPECT_EQ(query_summary("SELECT * FROM 'password'"), "SELECT");
  EXPECT_EQ(query_summary("SELECT * FROM \"Odd Name\""), "SELECT");
  EXPECT_EQ(query_summary("SELECT 'unterminated FROM x"), "SELECT");
}

using Sink = trace::testing::SpanList;

std::shared_ptr<trace::Trace> begin_trace(bool recording, bool sampled, std::shared_ptr<Sink> sink) {
  trace::TracerSettings s;
  s.recording = recording;
  s.sampler = sampled ? trace::Sampler(trace::Sampler::Rule::always_on)
                      : trace::Sampler(trace::Sampler::Rule::always_off, 0.0);
  return trace::Tracer::create(s, std::move(sink))->begin(std::nullopt, false);
}

TEST(SqlComment, IsTheStatementSpansTraceparentForASampledTraceOnly) {
  auto sink = std::make_shared<Sink>();
  const Statement st = Statement::prepared("product_by_id");
  {
    trace::Scope scope(trace::Scope::Clock::time_point::max(), begin_trace(true, true, sink), {});
    trace::Span span = statement_span(scope, st, {});
    const std::string comment = sql_comment(span);
    EXPECT_TRUE(std::regex_match(comment, std::regex("/\\*traceparent='00-[0-9a-f]{32}-[0-9a-f]{16}-01'\\*/ ")))
        << comment;
    EXPECT_EQ(comment.substr(18, 32), scope.trace->id_hex());
    EXPECT_EQ(comment.substr(51, 16), span.id().hex());
  }
  {
    trace::Scope unsampled(trace::Scope::Clock::time_point::max(), begin_trace(true, false, sink), {});
    trace::Span span = statement_span(unsampled, st, {});
    EXPECT_TRUE(span.recording()) << "recorded (a tail rule may keep it) but not commented";
    EXPECT_EQ(sql_comment(span), "");
  }
  {
    // Sampled with no exporter (the default tracer samples everything): no span, no comment,
    // the prepared path.
    trace::Scope sampled(trace::Scope::Clock::time_point::max(), begin_trace(false, true, nullptr), {});
    trace::Span span = statement_span(sampled, st, {});
    EXPECT_FALSE(span.trace());
    EXPECT_EQ(sql_comment(span), "");
  }
}

TEST(StatementSpan, AScopeWithoutATraceOrWhoseTraceDoesNotRecordGetsNone) {
  const Statement st = Statement::text("SELECT 1");
  trace::Span none = statement_span(trace::Scope(), st, {});
  EXPECT_FALSE(none.trace());
  trace::Scope quiet(trace::Scope::Clock::time_point::max(), begin_trace(false, false, nullptr), {});
  trace::Span also_none = statement_span(quiet, st, {});
  EXPECT_FALSE(also_none.trace());
  EXPECT_EQ(sql_comment(also_none), "");
}

}  // namespace
}  // namespace mercato::db
