// PostgreSQL restarted under load: while it is down every query fails fast with
// service_unavailable (no crash, no hang), the pool recovers by itself once it is back, and no
// descriptor is left behind. Stops and starts the server with `$MERCATO_CTL pg stop|start`,
// which the test stack provides.

#include "db_test_support.hpp"

#include <functional>
#include <mutex>

#include "db/canceller.hpp"

namespace mercato::db {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

// What the load saw, phase by phase.
struct Load {
  enum Phase { up, down, restarted };

  void record(const Result<QueryResult>& r, Clock::duration took) {
    std::lock_guard lock(mu);
    longest = std::max(longest, took);
    if (r) {
      ++ok[phase];
      return;
    }
    ++failed[phase];
    if (r.error().code != ErrorCode::service_unavailable) {
      unexpected.push_back(r.error().message + " (" + r.error().reason + ")");
    }
  }
  int ok_in(Phase p) {
    std::lock_guard lock(mu);
    return ok[p];
  }
  int failed_in(Phase p) {
    std::lock_guard lock(mu);
    return failed[p];
  }
  void enter(Phase p) {
    std::lock_guard lock(mu);
    phase = p;
  }

  std::mutex mu;
  Phase phase = up;
  int ok[3] = {}, failed[3] = {};
  Clock::duration longest{};
  std::vector<std::string> unexpected;
  std::atomic<bool> stop{false};
};

asio::awaitable<int> keep_querying(Pool& pool, Load& load) {
  auto ex = co_await asio::this_coro::executor;
  int queries = 0;
  while (!load.stop) {
    const auto started = Clock::now();
    auto r = co_await pool.query("SELECT count(*) FROM pg_class");
    load.record(r, Clock::now() - started);
    ++queries;
    asio::steady_timer pause(ex, r ? 2ms : 20ms);
    co_await pause.async_wait(asio::use_awaitable);
  }
  co_return queries;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(DbRestart, queries_fail_fast_while_postgres_is_down_and_the_pool_recovers_after) {
  const char* ctl = std::getenv("MERCATO_CTL");
  ASSERT_TRUE(ctl && *ctl) << "MERCATO_CTL is not set. This test restarts PostgreSQL with `$MERCATO_CTL pg stop` and "
                              "`$MERCATO_CTL pg start`; run it from the test stack (./mercato test), which sets it.";
  const std::string control = ctl;

  ScratchDatabase db;
  auto settings = db.settings();
  settings.max_open_conns = 4;
  settings.max_idle_conns = 4;
  settings.connect_timeout = 1s;
  settings.query_timeout = 2s;

  {  // Warm-up: the first connection of a process may open lasting descriptors (resolver).
    Loop loop(1);
    Pool warm(loop.io, settings, "dbtest_restart_warm");
    ASSERT_TRUE(loop.wait(warm.query("SELECT 1")));
  }
  const int fds_before = open_fds();
  {
    Loop loop(2);
    Pool pool(loop.io, settings, "dbtest_restart");
    Load load;
    std::vector<std::future<int>> workers;
    for (int i = 0; i < 8; ++i) workers.push_back(loop.start(keep_querying(pool, load)));

    ASSERT_TRUE(wait_until([&] { return load.ok_in(Load::up) >= 50; }, 5s)) << "no load before the restart";

    ASSERT_EQ(std::system((control + " pg stop").c_str()), 0) << control << " pg stop failed";
    load.enter(Load::down);
    std::this_thread::sleep_for(1500ms);
    const int ok_while_down = load.ok_in(Load::down);
    const int failed_while_down = load.failed_in(Load::down);

    load.enter(Load::restarted);
    ASSERT_EQ(std::system((control + " pg start").c_str()), 0) << control << " pg start failed";
    const auto restarted = Clock::now();
    const bool recovered = wait_until([&] { return load.ok_in(Load::restarted) >= 50; }, 10s);
    const auto recovery = Clock::now() - restarted;

    load.stop = true;
    for (auto& w : workers) Loop::get(std::move(w));

    EXPECT_GT(failed_while_down, 20) << "queries kept failing fast while the server was down";
    EXPECT_EQ(ok_while_down, 0);
    EXPECT_TRUE(load.unexpected.empty()) << "not service_unavailable: " << load.unexpected.front();
    EXPECT_LT(load.longest, settings.query_timeout + 1s) << "a query hung";
    EXPECT_TRUE(recovered) << "the pool did not recover within 10 s of the restart";
    EXPECT_LT(recovery, 5s);
    EXPECT_LE(pool.stats().idle + pool.stats().busy, settings.max_open_conns);
  }
  ASSERT_TRUE(wait_for_pending_cancels(5s));
  EXPECT_EQ(open_fds(), fds_before) << "descriptors leaked across the restart";
}

}  // namespace
}  // namespace mercato::db
