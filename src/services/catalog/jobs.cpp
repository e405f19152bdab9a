#include "services/catalog/jobs.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"

namespace mercato::catalog {

namespace {

asio::awaitable<void> work(BulkService& bulk, std::string name, std::chrono::milliseconds poll,
                           std::shared_ptr<JobWorker::State> state) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!state->stopping.load()) {
    const bool worked = co_await bulk.work_one(name, state->stopping);
    if (worked) continue;  // there may be more: look again at once
    timer.expires_after(poll);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  state->ended.store(true);
}

// The drain (SIGTERM): the worker ends after the chunk under way, handing its job over
// (BulkService::work_one), and this waits for it, polling: at most a chunk or, idle, one
// JOBS_POLL_INTERVAL. The app bounds the wait by SHUTDOWN_TIMEOUT.
asio::awaitable<void> drain(std::shared_ptr<JobWorker::State> state) {
  state->stopping.store(true);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (state->started.load() && !state->ended.load()) {
    timer.expires_after(std::chrono::milliseconds(20));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

config::DbSettings job_pool_settings(config::DbSettings s) {
  s.max_open_conns = 1;
  s.max_idle_conns = 1;
  s.replicas.clear();
  return s;
}

JobWorker::JobWorker(http::App& app, BulkService& bulk, const config::Settings& settings)
    : name_("catalog-" + std::to_string(::getpid()) + "-" + ids::uuid_v7().substr(24)) {
  if (!settings.jobs_worker) return;
  const auto poll = settings.jobs_poll_interval;
  app.on_start([this, &app, &bulk, poll] {
    log::info("jobs: worker started", {{"worker", name_}});
    state_->started.store(true);
    asio::co_spawn(app.io(), work(bulk, name_, poll, state_), asio::detached);
  });
  app.on_drain([state = state_] { return drain(state); });
}

}  // namespace mercato::catalog
