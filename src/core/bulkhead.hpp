#pragma once
// A bulkhead: at most `concurrent` callers inside at once, at most `waiting` more queued for
// their turn (first come, first served), the rest refused at once. It keeps an expensive kind
// of work (the catalog's searches) from taking every database connection, so that a burst of
// it waits in the process, cheaply, instead of crowding out the cheap reads that share the
// pool (docs/architecture.md, "Search").
//
//   auto permit = co_await searches.enter(scope.deadline);
//   if (!permit) co_return std::move(permit).error();   // 503 service_unavailable
//   ... the work; the permit's destructor lets the next caller in ...
//
// Written here because Asio has no awaitable semaphore with a bounded queue and a deadline.
// Safe to use from several threads: a permit given back hands its place to the first caller
// in line, under the same lock that queued it, so no hand-off is lost between the two.
//
// Metrics, labelled bulkhead="<name>": bulkhead_limit, bulkhead_in_use, bulkhead_waiting
// (gauges), bulkhead_refused_total{reason="full"|"timeout"}, bulkhead_wait_seconds.

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"

namespace mercato {

class Bulkhead {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    int concurrent = 0;  // callers inside at once; 0: no bound (every caller enters at once)
    int waiting = 0;     // callers queued beyond those; 0: none wait, the rest are refused
  };

  /// `name` labels the metrics; `refusal` is the message of the 503 a refused caller gets.
  Bulkhead(std::string name, Limits limits, std::string refusal);
  ~Bulkhead();
  Bulkhead(const Bulkhead&) = delete;
  Bulkhead& operator=(const Bulkhead&) = delete;

  struct Core;

  /// The right to be inside; given back when destroyed (or moved from and reset).
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&&) noexcept = default;
    Permit& operator=(Permit&& o) noexcept;
    ~Permit() { release(); }
    void release();
    explicit operator bool() const { return core_ != nullptr; }

   private:
    friend class Bulkhead;
    explicit Permit(std::shared_ptr<Core> core) : core_(std::move(core)) {}
    std::shared_ptr<Core> core_;
  };

  /// A permit now, or once one is given back if fewer than `waiting` callers are in line,
  /// by `until`. Refused (service_unavailable, reason kFull) at once when the line is full,
  /// or (reason kTimeout) when `until` passes in line.
  boost::asio::awaitable<Result<Permit>> enter(Clock::time_point until);

  static constexpr const char* kFull = "bulkhead_full";
  static constexpr const char* kTimeout = "bulkhead_timeout";

  struct Stats {
    int in_use = 0;
    int waiting = 0;
  };
  Stats stats() const;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace mercato
