#pragma once
// Spans of the data tier: one client span per statement, pipeline and transaction that a
// traced request runs (Pool::until(scope)), with OpenTelemetry's database attributes
// (semantic conventions for PostgreSQL: db.system.name, db.namespace, db.operation.name,
// db.query.summary, db.response.returned_rows, server.address/port), and the SQL comment that
// shows a head-sampled request's traceparent in pg_stat_activity and PostgreSQL's log.
//
//   trace::Span span = statement_span(scope, st, endpoint);      // empty when not traced
//   ... acquire: note_pool_wait(span, waited) ...
//   auto r = co_await conn.run(st, deadline, sql_comment(span));
//   note_result(span, r);
//
// Cost for a scope without a trace, or whose trace neither records nor is sampled: the null
// checks in traced(); every other function here is then handed an empty Span and returns at
// its first line. Nothing here ever reads a parameter value: attributes come from statement
// names and the SQL text's first keyword and table (query_summary), never from values.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/result.hpp"
#include "db/statement.hpp"
#include "trace/scope.hpp"
#include "trace/span.hpp"

namespace mercato::db {

/// Where a pool's statements go: the spans' db.namespace, server.address and server.port.
struct Endpoint {
  std::string database;
  std::string host;
  std::int64_t port = 0;
};

/// Whether statements run under `scope` get spans: it has a trace that records (an exporter is
/// configured). A trace that does not record gets neither spans nor the SQL comment, even when
/// head-sampled: the default tracer (no exporter) samples every request, and nothing would
/// follow its trace into SQL, so statements keep their prepared path.
inline bool traced(const trace::Scope& scope) { return scope.trace && scope.trace->recording(); }

/// A client span for one statement, named by its prepared name ("product_by_id") or, for SQL
/// text, by its summary ("SELECT products"). `st.sql` must be resolved (PoolCore::resolve).
trace::Span statement_span(const trace::Scope& scope, const Statement& st, const Endpoint& at);
/// One span for a pipeline ("pipeline users_page, users_count"), with the number of statements.
trace::Span pipeline_span(const trace::Scope& scope, const std::vector<Statement>& sts, const Endpoint& at);
/// The span of a transaction, from BEGIN to COMMIT or ROLLBACK; its statements are children.
trace::Span transaction_span(const trace::Scope& scope, const Endpoint& at);

/// How long the call waited for a pooled connection (queued, or opening a new one):
/// attribute mercato.db.pool_wait_ms.
void note_pool_wait(trace::Span& span, std::chrono::steady_clock::duration waited);
/// Rows returned (and rows affected by a write), or the error.
void note_result(trace::Span& span, const Result<QueryResult>& r);
/// The pipeline's rows in total, or its first error.
void note_results(trace::Span& span, const std::vector<Result<QueryResult>>& rs);
/// Error status with the reason (the SQLSTATE for a statement PostgreSQL refused, also as
/// db.response.status_code; "timeout", "deadline", "connection"... otherwise).
void note_error(trace::Span& span, const Error& e);

/// `/*traceparent='00-<trace id>-<span id>-01'*/ ` (sqlcommenter's form) for the statements run
/// inside `span` when it records and its trace is head-sampled; empty otherwise (statements then keep their
/// prepared, comment-free path). Built from the binary ids only, so it is always 32 + 16 hex
/// digits between fixed characters: nothing a request sends can end the comment.
std::string sql_comment(const trace::Span& span);

/// The first keyword of `sql`, upper-case ("SELECT", "INSERT", "BEGIN"); for a statement
/// starting with WITH, the keyword of its main statement. Empty when there is none.
std::string operation_name(std::string_view sql);
/// "<operation> <table>" ("SELECT products", "INSERT audit_log"): the operation and the first
/// table it names (FROM, INTO or UPDATE's target), or the operation alone. Only keywords and
/// identifiers are ever copied, never literals.
std::string query_summary(std::string_view sql);

}  // namespace mercato::db
