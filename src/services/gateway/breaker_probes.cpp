#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "services/gateway/breaker_probes.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/sleep.hpp"

namespace mercato::gateway {

using Clock = std::chrono::steady_clock;

// One instance's loop: its strand (the client's I/O must run on one) and the timer it waits
// on between probes, which stop() cancels on that strand.
struct BreakerProbes::Watch {
  Watch(const asio::any_io_executor& ex, UpstreamGroup& g, Instance& i)
      : strand(asio::make_strand(ex)), timer(strand), group(g), instance(i) {}
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  UpstreamGroup& group;
  Instance& instance;
};

BreakerProbes::BreakerProbes(http::Client& client, std::vector<UpstreamGroup*> groups, Options options)
    : client_(client), groups_(std::move(groups)), options_(options) {}

BreakerProbes::~BreakerProbes() = default;

void BreakerProbes::start(const asio::any_io_executor& ex) {
  for (UpstreamGroup* group : groups_)
    for (const auto& inst : group->instances()) watches_.push_back(std::make_unique<Watch>(ex, *group, *inst));
  running_ = static_cast<int>(watches_.size());
  for (auto& w : watches_) asio::co_spawn(w->strand, watch(*w), asio::detached);
}

asio::awaitable<void> BreakerProbes::watch(Watch& w) {
  http::ClientRequest probe;
  probe.target = kReadinessPath;
  const auto longest = std::max(options_.max_interval, options_.interval);
  auto backoff = options_.interval;  // the wait before probing an open instance
  auto wait = options_.interval;
  std::optional<Clock::time_point> readmitted_at;  // the last readmission, until judged
  while (!stopping_) {
    w.timer.expires_after(wait);
    boost::system::error_code ec;
    co_await w.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) break;
    const bool closed = w.instance.breaker.state() == CircuitBreaker::State::closed;
    if (readmitted_at) {
      if (!closed && Clock::now() - *readmitted_at < options_.hold) {
        // Shut out again soon after its readmission: it says it is ready, but its requests
        // fail. Wait longer before trying it again.
        backoff = std::min(backoff * 2, longest);
        readmitted_at.reset();
        wait = backoff;
        continue;
      }
      if (Clock::now() - *readmitted_at >= options_.hold) {
        backoff = options_.interval;  // it held: a later outage is a new one
        readmitted_at.reset();
      }
    }
    // Closed: nothing to probe, but a recent readmission is watched at every interval.
    wait = closed ? options_.interval : backoff;
    if (closed) continue;
    auto res = co_await client_.send(w.instance.pool, probe, Clock::now() + options_.timeout);
    if (res && res->status == 200 && !stopping_) {
      w.group.readmit(w.instance);
      readmitted_at = Clock::now();
      wait = options_.interval;
    }
  }
  --running_;
}

asio::awaitable<void> BreakerProbes::stop() {
  stopping_ = true;
  for (auto& w : watches_) asio::post(w->strand, [&timer = w->timer] { timer.cancel(); });
  while (running_ > 0) co_await sleep_for(std::chrono::milliseconds(5));
}

}  // namespace mercato::gateway
