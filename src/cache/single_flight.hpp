#pragma once
// Single flight: concurrent misses of one key in this process make one load and share its
// result. The first caller of join() leads (loads, then finish()); the others wait() and get
// the same Result. The entry leaves the map in finish(), before anyone is woken, so the map
// holds only keys being loaded right now (the brief's map of one mutex per key ever missed
// grows forever; this one is empty when the process is idle).
//
// Written by hand: Boost 1.74 has no awaitable channel or promise. Waiting is an
// async_initiate whose completion handlers are kept in the flight and posted to their own
// executors when the result is there.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cache/l1_cache.hpp"
#include "core/error.hpp"

namespace mercato::cache {

namespace asio = boost::asio;

class SingleFlight {
 public:
  using Outcome = Result<ValuePtr>;

  class Flight {
   public:
    /// Wakes every waiter with `outcome` (once).
    void complete(Outcome outcome);
    /// Completes with the outcome, at once when it is already there.
    asio::awaitable<Outcome> wait();

   private:
    struct Pending {
      virtual ~Pending() = default;
      virtual void fire() = 0;
    };
    template <class Handler>
    struct PendingHandler final : Pending {
      explicit PendingHandler(Handler h) : handler(std::move(h)) {}
      void fire() override {
        auto ex = asio::get_associated_executor(handler);
        asio::post(ex, std::move(handler));
      }
      Handler handler;
    };

    std::mutex mu_;
    std::optional<Outcome> outcome_;
    std::vector<std::unique_ptr<Pending>> pending_;
  };

  struct Ticket {
    std::shared_ptr<Flight> flight;
    bool leader = false;
  };

  /// Joins the load of `key` in flight, or starts one (leader = true).
  Ticket join(const std::string& key);
  /// Leader only: removes the entry, then wakes the waiters with `outcome`.
  void finish(const std::string& key, const std::shared_ptr<Flight>& flight, Outcome outcome);
  /// A follower's wait; counts it in waiters() meanwhile.
  asio::awaitable<Outcome> wait(std::shared_ptr<Flight> flight);

  std::size_t in_flight() const;
  std::int64_t waiters() const { return waiters_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
  std::atomic<std::int64_t> waiters_{0};
};

}  // namespace mercato::cache
