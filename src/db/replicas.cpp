#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "db/replicas.hpp"

#include "db/replica_lag.hpp"

#include <algorithm>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/sleep.hpp"

namespace mercato::db {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

metrics::Counter& routed(const std::string& set, std::string_view to, std::string_view why) {
  return metrics::Registry::global()
      .counter("db_read_routes_total",
               "Reads a replica set routed, by destination (replica, primary) and why (fresh: a replica in rotation "
               "had replayed the read's position; read_after: none had replayed the client's last write; none_fresh: "
               "no replica in rotation; no_replicas: none configured).",
               {"pool", "to", "why"})
      .with({set, to, why});
}

metrics::Gauge& replica_gauge(std::string_view name, std::string_view help, const std::string& pool) {
  return metrics::Registry::global().gauge(name, help, {"pool"}).with({pool});
}

}  // namespace

struct ReplicaSet::State {
  struct Replica {
    std::unique_ptr<Pool> pool;   // reads
    std::unique_ptr<Pool> probe;  // the monitor's one connection: its checks never queue behind reads
    std::atomic<Lsn> replayed{0};
    std::atomic<bool> answering{false};
    std::atomic<bool> in_rotation{false};
    std::atomic<std::int64_t> lag_ms{0};
    metrics::Gauge* lag_gauge = nullptr;
    metrics::Gauge* rotation_gauge = nullptr;
  };
  std::string name;
  std::unique_ptr<Pool> primary_probe;  // the monitor's one connection to the primary
  milliseconds max_lag{1000};
  milliseconds interval{100};
  std::vector<std::unique_ptr<Replica>> replicas;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};
  bool started = false;

  // The primary's positions (replica_lag.hpp), kept for twice the bound.
  mutable std::mutex samples_mu;
  std::unique_ptr<PrimaryPositions> positions;

  metrics::Counter* to_replica = nullptr;
  metrics::Counter* to_primary_read_after = nullptr;
  metrics::Counter* to_primary_none_fresh = nullptr;
  metrics::Counter* to_primary_no_replicas = nullptr;

  void add_sample(Clock::time_point at, Lsn lsn) {
    std::lock_guard lock(samples_mu);
    positions->add(at, lsn);
  }
  std::optional<milliseconds> lag_of(Lsn replayed, Clock::time_point now) const {
    std::lock_guard lock(samples_mu);
    return positions->lag_of(replayed, now);
  }
};

namespace {

constexpr const char* kPrimaryPosition = "replica_monitor_primary_position";
constexpr const char* kReplayPosition = "replica_monitor_replay_position";

// The loops own the state (and so every pool they use) until they see `stopped`.
asio::awaitable<void> watch_primary(std::shared_ptr<ReplicaSet::State> st) {
  const milliseconds timeout = std::max(st->interval * 5, milliseconds(500));
  while (!st->stopped.load()) {
    auto r = co_await st->primary_probe->execute(kPrimaryPosition, {}, timeout);
    if (r && !r->empty())
      if (auto lsn = parse_lsn(r->get(0, 0))) st->add_sample(Clock::now(), *lsn);
    co_await sleep_for(st->interval);
  }
}

asio::awaitable<void> watch_replica(std::shared_ptr<ReplicaSet::State> st, ReplicaSet::State::Replica& rep) {
  const milliseconds timeout = std::max(st->interval * 5, milliseconds(500));
  bool was_in = false;
  while (!st->stopped.load()) {
    // NULL replay position: not in recovery (promoted, or pointed at a primary by mistake).
    auto r = co_await rep.probe->execute(kReplayPosition, {}, timeout);
    const auto now = Clock::now();
    std::optional<Lsn> replayed;
    if (r && !r->empty() && !r->is_null(0, 0)) replayed = parse_lsn(r->get(0, 0));
    rep.answering.store(static_cast<bool>(r));
    bool in = false;
    if (replayed) {
      rep.replayed.store(*replayed);
      if (auto lag = st->lag_of(*replayed, now)) {
        rep.lag_ms.store(lag->count());
        rep.lag_gauge->set(static_cast<double>(lag->count()) / 1000.0);
        in = *lag <= st->max_lag;
      }
    }
    rep.in_rotation.store(in);
    rep.rotation_gauge->set(in ? 1 : 0);
    if (in != was_in) {
      const std::string why = !r ? r.error().message
                              : !replayed ? "not in recovery (promoted, or a primary)"
                                          : "lag " + std::to_string(rep.lag_ms.load()) + " ms";
      if (in) log::info("db: replica back in read rotation", {{"pool", rep.pool->name()}, {"why", why}});
      else log::warn("db: replica out of read rotation", {{"pool", rep.pool->name()}, {"why", why}});
      was_in = in;
    }
    co_await sleep_for(st->interval);
  }
}

}  // namespace

milliseconds ReplicaSet::check_interval(milliseconds max_lag) {
  return std::clamp(max_lag / 5, milliseconds(20), milliseconds(100));
}

ReplicaSet::ReplicaSet(asio::io_context& io, Pool& primary, const config::DbSettings& settings,
                       const std::string& name)
    : io_(io), primary_(primary), state_(std::make_shared<State>()) {
  State& st = *state_;
  st.name = name;
  st.max_lag = settings.replica_max_lag;
  st.interval = check_interval(settings.replica_max_lag);
  st.positions = std::make_unique<PrimaryPositions>(2 * settings.replica_max_lag);
  auto one_connection = [](config::DbSettings s) {
    s.max_open_conns = 1;
    s.max_idle_conns = 1;
    s.replicas.clear();
    return s;
  };
  if (!settings.replicas.empty()) {
    st.primary_probe = std::make_unique<Pool>(io, one_connection(settings), name + "-monitor");
    st.primary_probe->prepare(kPrimaryPosition, "SELECT pg_current_wal_insert_lsn()::text");
  }
  for (std::size_t i = 0; i < settings.replicas.size(); ++i) {
    config::DbSettings replica = settings;
    replica.host = settings.replicas[i].host;
    replica.port = settings.replicas[i].port;
    replica.hosts = {settings.replicas[i]};
    // A standby is what this pool is for: it must not ask for a read-write session.
    replica.target_session_attrs.clear();
    replica.replicas.clear();
    auto rep = std::make_unique<State::Replica>();
    const std::string pool_name = name + "-replica" + std::to_string(i + 1);
    rep->pool = std::make_unique<Pool>(io, replica, pool_name);
    rep->probe = std::make_unique<Pool>(io, one_connection(replica), pool_name + "-monitor");
    rep->probe->prepare(kReplayPosition, "SELECT pg_last_wal_replay_lsn()::text");
    rep->lag_gauge = &replica_gauge("db_replica_lag_seconds",
                                    "How long ago the primary first held WAL this replica has not replayed (0: "
                                    "caught up with the last sample), in seconds.",
                                    rep->pool->name());
    rep->rotation_gauge = &replica_gauge("db_replica_in_rotation",
                                         "1 while the replica serves reads (answering, in recovery, lag within "
                                         "DB_REPLICA_MAX_LAG), else 0.",
                                         rep->pool->name());
    st.replicas.push_back(std::move(rep));
  }
  st.to_replica = &routed(name, "replica", "fresh");
  st.to_primary_read_after = &routed(name, "primary", "read_after");
  st.to_primary_none_fresh = &routed(name, "primary", "none_fresh");
  st.to_primary_no_replicas = &routed(name, "primary", "no_replicas");
}

ReplicaSet::~ReplicaSet() { stop(); }

void ReplicaSet::start() {
  if (state_->started || state_->replicas.empty()) return;
  state_->started = true;
  asio::co_spawn(io_, watch_primary(state_), asio::detached);
  for (auto& rep : state_->replicas) asio::co_spawn(io_, watch_replica(state_, *rep), asio::detached);
}

void ReplicaSet::stop() { state_->stopped.store(true); }

std::size_t ReplicaSet::replica_count() const { return state_->replicas.size(); }

Pool& ReplicaSet::for_reads(Lsn read_after) {
  State& st = *state_;
  const std::size_t n = st.replicas.size();
  if (n == 0) {
    st.to_primary_no_replicas->inc();
    return primary_;
  }
  const std::size_t start = st.next.fetch_add(1, std::memory_order_relaxed);
  bool any_in = false;
  for (std::size_t i = 0; i < n; ++i) {
    State::Replica& r = *st.replicas[(start + i) % n];
    if (!r.in_rotation.load(std::memory_order_relaxed) || !r.pool->healthy()) continue;
    any_in = true;
    if (r.replayed.load(std::memory_order_relaxed) < read_after) continue;
    st.to_replica->inc();
    return *r.pool;
  }
  (any_in ? st.to_primary_read_after : st.to_primary_none_fresh)->inc();
  return primary_;
}

void ReplicaSet::prepare(const std::string& name, const std::string& sql) {
  primary_.prepare(name, sql);
  for (auto& r : state_->replicas) r->pool->prepare(name, sql);
}

asio::awaitable<Result<Lsn>> ReplicaSet::wal_position(trace::Scope scope) {
  PoolUntil bound = primary_.until(std::move(scope));
  auto r = co_await bound.query("SELECT pg_current_wal_insert_lsn()::text");
  if (!r) co_return std::move(r).error();
  auto lsn = r->empty() ? std::nullopt : parse_lsn(r->get(0, 0));
  if (!lsn) co_return internal_error("db: pg_current_wal_insert_lsn() gave no position");
  co_return *lsn;
}

std::vector<ReplicaStatus> ReplicaSet::status() const {
  std::vector<ReplicaStatus> out;
  for (const auto& r : state_->replicas)
    out.push_back({r->pool->name(), r->in_rotation.load(), r->answering.load(), milliseconds(r->lag_ms.load()),
                   r->replayed.load()});
  return out;
}

}  // namespace mercato::db
