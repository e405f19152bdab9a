#include "db/connection.hpp"

#include <poll.h>

#include <optional>
#include <string_view>

#include <libpq-fe.h>

#include "core/log.hpp"
#include "db/canceller.hpp"
#include "db/errors.hpp"
#include "db/libpq_target.hpp"

namespace mercato::db {

namespace {

// What a log line names a statement by: its prepared name, or the start of its SQL (never
// the parameter values, which may be personal data).
std::string_view label(const Statement& st) {
  if (!st.prepared_name.empty()) return st.prepared_name;
  return std::string_view(st.sql).substr(0, 120);
}

std::string_view trimmed(const char* text) {
  std::string_view s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

}  // namespace

// Notices would otherwise go to stderr unformatted. One matters: a session killed while idle
// (server shutdown, pg_terminate_backend, idle timeout) gets its FATAL error as a notice,
// since no statement is running to receive it; after that the session is as good as closed.
void Connection::on_notice(void* self, const pg_result* res) {
  auto* c = static_cast<Connection*>(self);
  const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  std::string_view level = severity ? severity : "";
  if (level == "FATAL" || level == "PANIC") c->broken_ = true;
  log::debug("db notice", {{"pool", c->pool_name_},
                           {"severity", level},
                           {"message", trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))}});
}

Connection::Connection(pg_conn* conn, asio::any_io_executor ex, std::string pool_name)
    : conn_(conn), watch_(std::move(ex)), pool_name_(std::move(pool_name)) {}

Connection::~Connection() {
  watch_.stop();
  PQfinish(conn_);
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Connection::open(asio::any_io_executor ex,
                                                                      const config::DbSettings& s,
                                                                      std::string pool_name,
                                                                      Clock::time_point deadline,
                                                                      log::Level failure_level) {
  // Several hosts: libpq tries them in order and keeps the first that satisfies
  // target_session_attrs (read-write for a primary pool), so after a failover new sessions
  // find the new primary (db/libpq_target.hpp). The deadline below bounds the whole search.
  const LibpqTarget target = libpq_target(s);
  const std::pair<const char*, const std::string*> options[] = {
      {"host", &target.host},    {"port", &target.port},   {"user", &s.user},
      {"password", &s.password}, {"dbname", &s.name},      {"sslmode", &s.sslmode},
      {"application_name", &pool_name}, {"options", &s.server_options},
      {"target_session_attrs", &target.target_session_attrs},
  };
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : options) {
    if (value->empty()) continue;  // libpq's default
    keys.push_back(key);
    values.push_back(value->c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* raw = PQconnectStartParams(keys.data(), values.data(), 0);
  if (!raw) {
    log::error("db connect failed", {{"pool", pool_name}, {"error", "out of memory"}});
    co_return connection_error();
  }
  std::unique_ptr<Connection> c(new Connection(raw, ex, pool_name));
  auto fail = [&](std::string_view why) {
    log::write(failure_level, "db connect failed", {{"pool", c->pool_name_},
                                                   {"hosts", describe_hosts(s)},
                                                   {"error", why.empty() ? trimmed(PQerrorMessage(raw)) : why}});
    return connection_error();
  };
  if (PQstatus(raw) == CONNECTION_BAD) co_return fail({});

  c->watch_.set_deadline(deadline);
  // libpq may switch sockets between steps (next address, SSL retry), so the socket is
  // looked up again after every PQconnectPoll.
  PostgresPollingStatusType step = PGRES_POLLING_WRITING;
  while (step != PGRES_POLLING_OK) {
    if (step == PGRES_POLLING_FAILED) co_return fail({});
    if (!c->watch_.watch(PQsocket(raw))) co_return fail("cannot watch socket");
    SocketWatch::Outcome outcome;
    if (step == PGRES_POLLING_READING) outcome = co_await c->watch_.readable();
    else outcome = co_await c->watch_.writable();
    if (outcome == SocketWatch::Outcome::timed_out) co_return fail("connect timeout");
    if (outcome == SocketWatch::Outcome::failed) co_return fail("socket wait failed");
    step = PQconnectPoll(raw);
  }
  c->watch_.clear_deadline();

  if (PQsetnonblocking(raw, 1) != 0) co_return fail({});
  if (!c->watch_.watch(PQsocket(raw))) co_return fail("cannot watch socket");
  PQsetNoticeReceiver(raw, on_notice, c.get());
  c->opened_at_ = Clock::now();
  co_return std::move(c);
}

bool Connection::ready() const { return !broken_ && !in_flight_ && PQstatus(conn_) == CONNECTION_OK; }

bool Connection::reusable() const { return ready() && PQtransactionStatus(conn_) == PQTRANS_IDLE; }

bool Connection::in_transaction() const {
  auto t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

bool Connection::still_alive() {
  if (!reusable()) return false;
  // Readable while idle means the server said something unasked: usually a FATAL error and
  // then EOF, which may need a second read to see.
  for (int reads = 0; reads < 2 && !broken_; ++reads) {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) break;
    if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  }
  return !broken_;
}

void Connection::begin(Clock::time_point deadline) {
  in_flight_ = true;
  watch_.set_deadline(deadline);
}

void Connection::end() {
  watch_.clear_deadline();
  in_flight_ = false;
}

Error Connection::lost() {
  if (!broken_) {
    broken_ = true;
    log::warn("db connection lost", {{"pool", pool_name_}, {"error", trimmed(PQerrorMessage(conn_))}});
  }
  return connection_error();
}

Error Connection::expired() {
  if (!broken_) {
    broken_ = true;
    // The session is dropped either way; the cancel only spares the server the rest of the work.
    cancel_in_background(conn_);
    log::warn("db statement timed out", {{"pool", pool_name_}});
  }
  return timeout_error();
}

Error Connection::statement_failed(const pg_result* res, const Statement& st) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  // No SQLSTATE: libpq made the error itself, e.g. "server closed the connection unexpectedly".
  if (!state || PQstatus(conn_) == CONNECTION_BAD) return lost();
  std::string_view sqlstate = state;
  if (ends_session(sqlstate)) broken_ = true;
  log::warn("db statement failed", {{"pool", pool_name_},
                                    {"sqlstate", sqlstate},
                                    {"message", trimmed(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))},
                                    {"statement", label(st)}});
  return statement_error(sqlstate);
}

bool Connection::send(const Statement& st, std::string_view comment) {
  std::vector<const char*> values;
  values.reserve(st.params.size());
  for (const auto& p : st.params) values.push_back(p ? p->c_str() : nullptr);
  const int n = static_cast<int>(values.size());
  if (!comment.empty()) {
    // A prepared statement's text is fixed when it is prepared: to show the comment, the
    // statement is sent unnamed (parsed and planned again; sampled requests only).
    std::string text;
    text.reserve(comment.size() + st.sql.size());
    text.append(comment).append(st.sql);
    return PQsendQueryParams(conn_, text.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0) == 1;
  }
  // Text-format parameters: the server parses each value for its placeholder's type.
  if (!st.prepared_name.empty()) {
    return PQsendQueryPrepared(conn_, st.prepared_name.c_str(), n, values.data(), nullptr, nullptr, 0) == 1;
  }
  return PQsendQueryParams(conn_, st.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0) == 1;
}

asio::awaitable<Status> Connection::flush() {
  for (;;) {
    int pending = PQflush(conn_);
    if (pending == 0) co_return Status{};
    if (pending < 0) co_return lost();
    auto outcome = co_await watch_.writable();
    if (outcome == SocketWatch::Outcome::timed_out) co_return expired();
    if (outcome == SocketWatch::Outcome::failed) co_return lost();
    // libpq asks callers to read while they wait to write, so neither side blocks on a full buffer.
    if (!PQconsumeInput(conn_)) co_return lost();
  }
}

asio::awaitable<Result<pg_result*>> Connection::next_result() {
  for (;;) {
    if (!PQisBusy(conn_)) co_return PQgetResult(conn_);
    auto outcome = co_await watch_.readable();
    if (outcome == SocketWatch::Outcome::timed_out) co_return expired();
    if (outcome == SocketWatch::Outcome::failed) co_return lost();
    if (!PQconsumeInput(conn_)) co_return lost();
  }
}

asio::awaitable<Result<QueryResult>> Connection::collect(const Statement& st) {
  std::optional<QueryResult> last;
  std::optional<Error> failure;
  for (;;) {
    auto next = co_await next_result();
    if (!next) co_return std::move(next).error();
    if (*next == nullptr) break;  // end of this statement's results
    QueryResult res(*next);
    switch (PQresultStatus(*next)) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
        if (!failure) last = std::move(res);
        break;
      case PGRES_FATAL_ERROR:
        if (!failure) failure = statement_failed(*next, st);
        break;
      case PGRES_PIPELINE_ABORTED:
        if (!failure) {
          Error e = internal_error("database error");
          e.reason = std::string(reason::pipeline_aborted);
          failure = std::move(e);
        }
        break;
      default:
        // COPY and friends would keep the session in a sub-protocol this client does not speak.
        broken_ = true;
        log::error("db unsupported result", {{"pool", pool_name_},
                                             {"status", std::string_view(PQresStatus(PQresultStatus(*next)))},
                                             {"statement", label(st)}});
        co_return internal_error("database error");
    }
  }
  if (failure) co_return std::move(*failure);
  if (last) co_return std::move(*last);
  co_return QueryResult();
}

asio::awaitable<Result<QueryResult>> Connection::run(const Statement& st, Clock::time_point deadline,
                                                     std::string_view comment) {
  begin(deadline);
  auto r = co_await run_one(st, comment);
  end();
  co_return r;
}

asio::awaitable<Result<QueryResult>> Connection::run_one(const Statement& st, std::string_view comment) {
  if (broken_) co_return connection_error();
  if (comment.empty() && !st.prepared_name.empty() && !prepared_.contains(st.prepared_name)) {
    if (!PQsendPrepare(conn_, st.prepared_name.c_str(), st.sql.c_str(), 0, nullptr)) co_return lost();
    if (auto sent = co_await flush(); !sent) co_return std::move(sent).error();
    auto prepared = co_await collect(st);
    if (!prepared) co_return prepared;
    prepared_.insert(st.prepared_name);
  }
  if (!send(st, comment)) co_return lost();
  if (auto sent = co_await flush(); !sent) co_return std::move(sent).error();
  co_return co_await collect(st);
}

asio::awaitable<std::vector<Result<QueryResult>>> Connection::run_pipeline(const std::vector<Statement>& sts,
                                                                           Clock::time_point deadline,
                                                                           std::string_view comment) {
  begin(deadline);
  auto r = co_await pipeline(sts, comment);
  end();
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> Connection::pipeline(const std::vector<Statement>& sts,
                                                                       std::string_view comment) {
  std::vector<std::optional<Result<QueryResult>>> results(sts.size());
  auto finish = [&](std::optional<Error> rest) {
    std::vector<Result<QueryResult>> out;
    out.reserve(sts.size());
    for (auto& r : results) out.push_back(r ? std::move(*r) : Result<QueryResult>(rest ? *rest : connection_error()));
    return out;
  };
  if (broken_) co_return finish(connection_error());
  if (PQenterPipelineMode(conn_) != 1) co_return finish(lost());

  // What was sent, in order: a lazily prepared statement adds its Parse before its Execute.
  struct Sent {
    std::size_t index;
    bool is_prepare;
  };
  std::vector<Sent> sent;
  for (std::size_t i = 0; i < sts.size(); ++i) {
    const Statement& st = sts[i];
    if (comment.empty() && !st.prepared_name.empty() && !prepared_.contains(st.prepared_name)) {
      if (!PQsendPrepare(conn_, st.prepared_name.c_str(), st.sql.c_str(), 0, nullptr)) co_return finish(lost());
      sent.push_back({i, true});
    }
    if (!send(st, comment)) co_return finish(lost());
    sent.push_back({i, false});
  }
  if (PQpipelineSync(conn_) != 1) co_return finish(lost());
  if (auto flushed = co_await flush(); !flushed) co_return finish(std::move(flushed).error());

  for (const Sent& s : sent) {
    const Statement& st = sts[s.index];
    auto r = co_await collect(st);
    if (broken_) co_return finish(r ? connection_error() : std::move(r).error());
    if (s.is_prepare) {
      // A failed Parse aborts the rest of the pipeline; report its error, not "aborted".
      if (r) prepared_.insert(st.prepared_name);
      else results[s.index] = std::move(r).error();
    } else if (!results[s.index]) {
      results[s.index] = std::move(r);
    }
  }

  auto sync = co_await next_result();
  if (!sync) co_return finish(std::move(sync).error());
  QueryResult sync_result(*sync);
  if (*sync == nullptr || PQresultStatus(*sync) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn_) != 1) {
    co_return finish(lost());
  }
  co_return finish(std::nullopt);
}

}  // namespace mercato::db
