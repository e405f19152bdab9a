#include "db/pool_core.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "core/wait_buckets.hpp"
#include "db/errors.hpp"
#include "db/lifetime.hpp"

namespace mercato::db {

namespace {

// Defaults for settings left at zero (a DbSettings built by hand rather than by config::load).
constexpr int default_max_open = 25;
constexpr Duration default_connect_timeout = std::chrono::seconds(5);
constexpr Duration default_query_timeout = std::chrono::seconds(30);
// How long a pool whose server refused a connection is skipped by replica selection.
constexpr auto unhealthy_for = std::chrono::seconds(5);
// While the server is down, how often a new connection attempt is made (open_new).
constexpr auto retry_interval = std::chrono::milliseconds(100);

std::string_view result_label(const Error& e) {
  return e.reason == reason::timeout || e.reason == reason::pool_exhausted ? "timeout" : "error";
}

metrics::Counter& queries(const std::string& pool, std::string_view result) {
  return metrics::Registry::global()
      .counter("db_queries_total", "Database statements run, by outcome.", {"pool", "result"})
      .with({pool, result});
}

metrics::Gauge& connections(const std::string& pool, std::string_view state) {
  return metrics::Registry::global()
      .gauge("db_pool_connections", "Database connections of the pool, by state.", {"pool", "state"})
      .with({pool, state});
}

// A statement's time on its connection, from sending it to its result (the pool wait is in
// db_pool_wait_seconds), by prepared statement name: the names are the code's, so the series
// are bounded; SQL text is "text", a pipeline "pipeline".
metrics::Histogram& statement_duration(const std::string& pool, std::string_view statement) {
  return metrics::Registry::global()
      .histogram("db_statement_duration_seconds",
                 "Time a statement took on its connection, by prepared statement name (text: SQL text, pipeline: "
                 "a pipeline), in seconds.",
                 {"pool", "statement"})
      .with({pool, statement});
}

metrics::Gauge& pool_gauge(std::string_view name, std::string_view help, const std::string& pool) {
  return metrics::Registry::global().gauge(name, help, {"pool"}).with({pool});
}

}  // namespace

std::vector<Result<QueryResult>> failed_results(std::size_t n, const Error& e) {
  std::vector<Result<QueryResult>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(e);
  return out;
}

Error CallBudget::explain(Error e) const {
  if (request <= own && (e.reason == reason::timeout || e.reason == reason::pool_exhausted)) return deadline_error();
  return e;
}

Lease& Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    release();
    core_ = std::move(o.core_);
    conn_ = std::move(o.conn_);
  }
  return *this;
}

void Lease::release() {
  if (conn_) core_->give_back(std::move(conn_));
  core_.reset();
}

// A caller queued for a connection. Its timer is both the deadline and the wake-up call: the
// giver stores the grant and cancels the timer, all under the pool mutex.
struct PoolCore::Waiter {
  Waiter(const asio::any_io_executor& ex, Clock::time_point deadline) : timer(ex, deadline) {}
  asio::steady_timer timer;
  std::optional<Grant> grant;
};

PoolCore::PoolCore(asio::any_io_executor ex, const config::DbSettings& settings, std::string name)
    : ex_(std::move(ex)),
      settings_(settings),
      name_(std::move(name)),
      endpoint_{settings.name, settings.host, settings.port},
      max_open_(settings.max_open_conns > 0 ? settings.max_open_conns : default_max_open),
      max_idle_(static_cast<std::size_t>(std::clamp(settings.max_idle_conns, 0, max_open_))),
      idle_gauge_(connections(name_, "idle")),
      busy_gauge_(connections(name_, "busy")),
      ok_counter_(queries(name_, "ok")),
      error_counter_(queries(name_, "error")),
      timeout_counter_(queries(name_, "timeout")),
      duration_(metrics::Registry::global()
                    .histogram("db_query_duration_seconds",
                               "Time from asking the pool to having the result, in seconds.", {"pool"})
                    .with({name_})),
      text_duration_(statement_duration(name_, "text")),
      pipeline_duration_(statement_duration(name_, "pipeline")),
      waiters_gauge_(pool_gauge("db_pool_waiters", "Callers queued for a connection of the pool.", name_)),
      wait_(metrics::Registry::global()
                .histogram("db_pool_wait_seconds",
                           "Time a caller queued for a connection of the full pool, granted or not, in seconds "
                           "(callers served at once are not observed).",
                           {"pool"}, metrics::wait_buckets())
                .with({name_})) {
  pool_gauge("db_pool_max_connections", "The most connections the pool opens (DB_MAX_OPEN_CONNS).", name_)
      .set(static_cast<double>(max_open_));
  if (settings_.connect_timeout <= Duration::zero()) settings_.connect_timeout = default_connect_timeout;
  if (settings_.query_timeout <= Duration::zero()) settings_.query_timeout = default_query_timeout;
  publish_locked();
}

PoolCore::~PoolCore() = default;

asio::awaitable<Result<Lease>> PoolCore::acquire(Clock::time_point deadline) {
  auto self = shared_from_this();
  for (;;) {
    std::unique_ptr<Connection> candidate;
    bool may_open = false;
    std::shared_ptr<Waiter> queued;
    {
      std::lock_guard lock(mu_);
      if (closed_) co_return connection_error();
      if (!idle_.empty()) {
        candidate = std::move(idle_.back());
        idle_.pop_back();
      } else if (open_ < max_open_) {
        ++open_;
        may_open = true;
      } else {
        // Queued under the same lock that found nothing free, so a connection (or slot) given
        // back from now on finds this caller in line. Queued later under a second lock, a
        // give_back in between went to the idle list and the caller waited for nothing until
        // its deadline: pool_exhausted with a connection idle (tests/integration/db_pool_test.cpp).
        queued = std::make_shared<Waiter>(ex_, deadline);
        waiters_.push_back(queued);
      }
      publish_locked();
    }
    if (candidate) {
      // Checked outside the lock: it costs a poll() and maybe a read.
      if (!too_old(*candidate) && candidate->still_alive()) co_return Lease(self, std::move(candidate));
      give_back(std::move(candidate));
      continue;
    }
    if (may_open) co_return co_await open_new(deadline);

    if (wait_hook_) wait_hook_();
    auto grant = co_await wait_in_line(*queued);  // `queued` keeps it alive
    if (!grant) co_return pool_exhausted_error();
    if (grant->conn) co_return Lease(self, std::move(grant->conn));
    co_return co_await open_new(deadline);
  }
}

asio::awaitable<Result<Lease>> PoolCore::acquire(const CallBudget& budget) {
  auto lease = co_await acquire(budget.ends());
  if (!lease) {
    record_failure(lease.error(), budget.started);
    co_return budget.explain(std::move(lease).error());
  }
  co_return lease;
}

asio::awaitable<Result<Lease>> PoolCore::open_new(Clock::time_point deadline) {
  auto self = shared_from_this();
  // While the server is down (the last attempt failed), one caller tries again at most every
  // retry_interval and the others fail at once, as they would after trying. Without this each
  // caller of a busy service made its own attempt: during a failover the catalog under load
  // made about a hundred a second, each a TCP connect and a scram-sha-256 login on every
  // standby, which libpq then refused as read-only (target_session_attrs), and the standby
  // being promoted spent its time forking and authenticating backends
  // (tests/integration/test_pg_failover.py).
  if (down_.load(std::memory_order_relaxed)) {
    const auto now = Clock::now().time_since_epoch().count();
    auto next = next_attempt_.load(std::memory_order_relaxed);
    if (now < next || !next_attempt_.compare_exchange_strong(next, (Clock::now() + retry_interval).time_since_epoch().count(),
                                                             std::memory_order_relaxed)) {
      std::lock_guard lock(mu_);
      free_slot_locked();
      publish_locked();
      co_return connection_error();
    }
  }
  const auto connect_deadline = std::min(deadline, Clock::now() + settings_.connect_timeout);
  // While the server is down every caller fails to connect: warn about the first failure
  // only, and say when it works again.
  const bool was_down = down_.load(std::memory_order_relaxed);
  auto conn = co_await Connection::open(ex_, settings_, name_, connect_deadline,
                                        was_down ? log::Level::debug : log::Level::warn);
  if (!conn) {
    next_attempt_.store((Clock::now() + retry_interval).time_since_epoch().count(), std::memory_order_relaxed);
    down_.store(true, std::memory_order_relaxed);
    unhealthy_until_.store((Clock::now() + unhealthy_for).time_since_epoch().count(), std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    // The next caller in line gets to try too: it fails as fast, or the server is back.
    free_slot_locked();
    publish_locked();
    co_return std::move(conn).error();
  }
  unhealthy_until_.store(0, std::memory_order_relaxed);
  if (down_.exchange(false, std::memory_order_relaxed)) log::info("db connection restored", {{"pool", name_}});
  if (settings_.conn_max_lifetime > Duration::zero())
    (*conn)->retire_at((*conn)->opened_at() + connection_lifetime(settings_.conn_max_lifetime, lifetime_draw()));
  co_return Lease(self, std::move(*conn));
}

asio::awaitable<std::optional<PoolCore::Grant>> PoolCore::wait_in_line(Waiter& w) {
  const auto queued_at = Clock::now();  // queued just now, by acquire()
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  // Raw pointers only in the initiation (see SocketWatch::wait for the g++ 12 bug); the
  // caller's shared_ptr keeps the waiter alive.
  co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(
      [this, waiter = &w](auto handler) {
        // Nothing of the closure is used after async_wait: from then on a grant on another
        // thread may resume the coroutine, which frees the closure.
        std::lock_guard lock(mu_);
        if (waiter->grant) {
          // Granted before we started waiting: the timer's cancel had nothing to cancel.
          auto ex = asio::get_associated_executor(handler, ex_);
          asio::post(ex, [h = std::move(handler)]() mutable { h(boost::system::error_code()); });
          return;
        }
        waiter->timer.async_wait(std::move(handler));
      },
      token);

  wait_.observe(std::chrono::duration<double>(Clock::now() - queued_at).count());
  std::lock_guard lock(mu_);
  // A grant that raced with the deadline still wins: the connection is ours now.
  if (w.grant) co_return std::move(w.grant);
  waiters_.erase(std::find_if(waiters_.begin(), waiters_.end(), [&](const auto& q) { return q.get() == &w; }));
  publish_locked();
  co_return std::nullopt;
}

void PoolCore::give_back(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> closing;  // PQfinish runs after the lock is released
  {
    std::lock_guard lock(mu_);
    const bool keep = !closed_ && conn->reusable() && !too_old(*conn);
    if (keep && !waiters_.empty()) {
      grant_locked(std::move(conn));
    } else if (keep && idle_.size() < max_idle_) {
      idle_.push_back(std::move(conn));
    } else {
      closing = std::move(conn);
      free_slot_locked();
    }
    publish_locked();
  }
}

void PoolCore::grant_locked(std::unique_ptr<Connection> conn) {
  auto w = std::move(waiters_.front());
  waiters_.pop_front();
  w->grant.emplace(Grant{std::move(conn)});
  w->timer.cancel();  // wakes it; wait_in_line finds the grant
}

void PoolCore::free_slot_locked() {
  --open_;
  if (!waiters_.empty() && !closed_) {
    ++open_;
    grant_locked(nullptr);  // no connection: the right to open one
  }
}

void PoolCore::close() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    open_ -= static_cast<int>(idle_.size());
    closing = std::move(idle_);
    idle_.clear();
    // Queued callers wake up empty-handed.
    for (auto& w : waiters_) w->timer.cancel();
    publish_locked();
  }
}

bool PoolCore::too_old(const Connection& c) const {
  return Clock::now() >= c.retire_at();  // set when opened, from conn_max_lifetime (db/lifetime.hpp)
}

void PoolCore::publish_locked() {
  idle_gauge_.set(static_cast<double>(idle_.size()));
  busy_gauge_.set(static_cast<double>(open_ - static_cast<int>(idle_.size())));
  waiters_gauge_.set(static_cast<double>(waiters_.size()));
}

void PoolCore::prepare(std::string name, std::string sql) {
  std::lock_guard lock(mu_);
  auto [it, added] = statements_.try_emplace(name, Prepared{sql, &statement_duration(name_, name)});
  // Sessions that prepared the old text would keep running it: a name is fixed once registered.
  if (!added && it->second.sql != sql) log::error("db statement registered twice", {{"pool", name_}, {"statement", it->first}});
}

Status PoolCore::resolve(Statement& st) const {
  if (st.prepared_name.empty()) return {};
  std::lock_guard lock(mu_);
  auto it = statements_.find(st.prepared_name);
  if (it == statements_.end()) {
    log::error("db statement not prepared", {{"pool", name_}, {"statement", st.prepared_name}});
    Error e = internal_error("database error");
    e.reason = "unknown_statement";
    return e;
  }
  st.sql = it->second.sql;
  st.duration = it->second.duration;
  return {};
}

asio::awaitable<Result<QueryResult>> PoolCore::run(Connection& conn, const Statement& st, Clock::time_point started,
                                                   Clock::time_point deadline, std::string comment) {
  const auto sent = Clock::now();
  auto r = co_await conn.run(st, deadline, comment);
  (st.duration ? *st.duration : text_duration_).observe(std::chrono::duration<double>(Clock::now() - sent).count());
  record(r ? "ok" : result_label(r.error()), started);
  co_return r;
}

asio::awaitable<std::vector<Result<QueryResult>>> PoolCore::run_pipeline(Connection& conn,
                                                                         const std::vector<Statement>& sts,
                                                                         Clock::time_point started,
                                                                         Clock::time_point deadline,
                                                                         std::string comment) {
  const auto sent = Clock::now();
  auto results = co_await conn.run_pipeline(sts, deadline, comment);
  pipeline_duration_.observe(std::chrono::duration<double>(Clock::now() - sent).count());
  for (const auto& r : results) counter(r ? "ok" : result_label(r.error())).inc();
  duration_.observe(std::chrono::duration<double>(Clock::now() - started).count());
  co_return results;
}

void PoolCore::record_failure(const Error& e, Clock::time_point started) { record(result_label(e), started); }

metrics::Counter& PoolCore::counter(std::string_view result) {
  return result == "ok" ? ok_counter_ : result == "timeout" ? timeout_counter_ : error_counter_;
}

void PoolCore::record(std::string_view result, Clock::time_point started) {
  counter(result).inc();
  duration_.observe(std::chrono::duration<double>(Clock::now() - started).count());
}

Clock::time_point PoolCore::deadline_after(std::optional<Duration> timeout) const {
  return Clock::now() + (timeout ? *timeout : settings_.query_timeout);
}

CallBudget PoolCore::budget(std::optional<Duration> timeout, Clock::time_point request) const {
  const auto now = Clock::now();
  return {now, now + (timeout ? *timeout : settings_.query_timeout), request};
}

bool PoolCore::healthy() const {
  return Clock::now().time_since_epoch().count() >= unhealthy_until_.load(std::memory_order_relaxed);
}

PoolStats PoolCore::stats() const {
  std::lock_guard lock(mu_);
  return {static_cast<int>(idle_.size()), open_ - static_cast<int>(idle_.size()), static_cast<int>(waiters_.size())};
}

}  // namespace mercato::db
