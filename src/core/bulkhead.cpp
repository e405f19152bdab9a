#include "core/bulkhead.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/metrics.hpp"
#include "core/wait_buckets.hpp"

namespace mercato {

namespace asio = boost::asio;

namespace {

metrics::Gauge& gauge(std::string_view name, std::string_view help, const std::string& label) {
  return metrics::Registry::global().gauge(name, help, {"bulkhead"}).with({label});
}

metrics::Counter& refused(const std::string& label, std::string_view reason) {
  return metrics::Registry::global()
      .counter("bulkhead_refused_total",
               "Callers a bulkhead turned away with 503: its line was full (full), or their deadline passed in "
               "line (timeout).",
               {"bulkhead", "reason"})
      .with({label, reason});
}

Error refusal(const std::string& message, const char* reason) {
  Error e = unavailable(message);
  e.reason = reason;
  return e;
}

}  // namespace

struct Bulkhead::Core {
  // A caller in line. Its timer is both its deadline and its wake-up call: the giver marks it
  // granted and cancels the timer, both under the core's mutex.
  struct Waiter {
    Waiter(const asio::any_io_executor& ex, Clock::time_point until) : timer(ex, until) {}
    asio::steady_timer timer;
    bool granted = false;
  };

  Core(std::string n, Limits l, std::string r)
      : name(std::move(n)),
        limits(l),
        refusal(std::move(r)),
        in_use_gauge(gauge("bulkhead_in_use", "Callers inside the bulkhead now.", name)),
        waiting_gauge(gauge("bulkhead_waiting", "Callers queued for a place in the bulkhead.", name)),
        full(refused(name, "full")),
        timed_out(refused(name, "timeout")),
        wait(metrics::Registry::global()
                 .histogram("bulkhead_wait_seconds",
                            "Time a caller queued for a place in the bulkhead, admitted or not, in seconds (callers "
                            "admitted at once are not observed).",
                            {"bulkhead"}, metrics::wait_buckets())
                 .with({name})) {
    gauge("bulkhead_limit", "The most callers inside the bulkhead at once (0: no bound).", name)
        .set(static_cast<double>(limits.concurrent));
    publish_locked();
  }

  void publish_locked() {
    in_use_gauge.set(static_cast<double>(in_use));
    waiting_gauge.set(static_cast<double>(line.size()));
  }

  // A permit given back: its place goes to the first caller in line, else it is free.
  void give_back() {
    std::lock_guard lock(mu);
    if (!line.empty()) {
      auto w = std::move(line.front());
      line.pop_front();
      w->granted = true;
      w->timer.cancel();  // wakes it; wait_in_line finds it granted
    } else {
      --in_use;
    }
    publish_locked();
  }

  asio::awaitable<bool> wait_in_line(Waiter& w) {
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    // Raw pointers only in the initiation (g++ 12 frees a captured shared_ptr twice there,
    // docs/toolchain.md); the caller's shared_ptr keeps the waiter alive.
    co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(
        [this, waiter = &w](auto handler) {
          // Nothing of the closure is used after async_wait: from then on a grant on another
          // thread may resume the coroutine, which frees the closure.
          std::lock_guard lock(mu);
          if (waiter->granted) {  // granted before the wait began: cancel() had nothing to cancel
            auto ex = asio::get_associated_executor(handler, waiter->timer.get_executor());
            asio::post(ex, [h = std::move(handler)]() mutable { h(boost::system::error_code()); });
            return;
          }
          waiter->timer.async_wait(std::move(handler));
        },
        token);
    std::lock_guard lock(mu);
    if (w.granted) co_return true;  // a grant that raced with the deadline still wins
    line.erase(std::find_if(line.begin(), line.end(), [&](const auto& q) { return q.get() == &w; }));
    publish_locked();
    co_return false;
  }

  const std::string name;
  const Limits limits;
  const std::string refusal;
  mutable std::mutex mu;
  int in_use = 0;
  std::deque<std::shared_ptr<Waiter>> line;
  metrics::Gauge& in_use_gauge;
  metrics::Gauge& waiting_gauge;
  metrics::Counter& full;
  metrics::Counter& timed_out;
  metrics::Histogram& wait;
};

Bulkhead::Bulkhead(std::string name, Limits limits, std::string refusal)
    : core_(std::make_shared<Core>(std::move(name), limits, std::move(refusal))) {}

Bulkhead::~Bulkhead() = default;

Bulkhead::Permit& Bulkhead::Permit::operator=(Permit&& o) noexcept {
  if (this != &o) {
    release();
    core_ = std::move(o.core_);
  }
  return *this;
}

void Bulkhead::Permit::release() {
  if (auto core = std::move(core_)) core->give_back();
}

asio::awaitable<Result<Bulkhead::Permit>> Bulkhead::enter(Clock::time_point until) {
  Core& c = *core_;
  const asio::any_io_executor ex = co_await asio::this_coro::executor;
  std::shared_ptr<Core::Waiter> queued;
  {
    std::lock_guard lock(c.mu);
    if (c.limits.concurrent <= 0 || c.in_use < c.limits.concurrent) {
      ++c.in_use;
      c.publish_locked();
      co_return Permit(core_);
    }
    if (static_cast<int>(c.line.size()) >= c.limits.waiting) {
      c.full.inc();
      co_return refusal(c.refusal, kFull);
    }
    // Queued under the lock that found no place, so a permit given back from now on finds it.
    queued = std::make_shared<Core::Waiter>(ex, until);
    c.line.push_back(queued);
    c.publish_locked();
  }
  const auto queued_at = Clock::now();
  const bool admitted = co_await c.wait_in_line(*queued);
  c.wait.observe(std::chrono::duration<double>(Clock::now() - queued_at).count());
  if (admitted) co_return Permit(core_);  // in_use was kept for it by the permit given back
  c.timed_out.inc();
  co_return refusal(c.refusal, kTimeout);
}

Bulkhead::Stats Bulkhead::stats() const {
  std::lock_guard lock(core_->mu);
  return {core_->in_use, static_cast<int>(core_->line.size())};
}

}  // namespace mercato
