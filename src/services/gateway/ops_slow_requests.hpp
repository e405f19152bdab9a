#pragma once
// The slowest recent requests of this gateway, for the operations view: the kCapacity slowest
// of the last few minutes, each with the X-Request-ID it was answered with, so an admin can
// take one from the view to the logs (and to its trace once ids carry trace ids).
//
// Every request passes record(), so its common case must cost next to nothing: time is cut
// into one-minute buckets, each keeping its own kCapacity slowest, and a request no slower than
// the current bucket's kCapacity-th is turned away by one relaxed atomic load and a compare,
// before any lock. The slowest of the window is then exactly the slowest of the buckets' lists
// (each bucket keeps its own top, so no slow request of the window is lost), at the cost of
// the window's edge moving by whole buckets: "the last 5 minutes" means 5 to 6.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace mercato::gateway {

struct SlowRequest {
  std::string method;
  std::string route;  // the router's template ("unmatched": no route matched; "(not routed)": answered before routing)
  int status = 0;
  std::chrono::microseconds duration{};
  std::string request_id;                       // the X-Request-ID of the answer
  std::chrono::system_clock::time_point at{};  // when the answer left
};

class SlowRequests {
 public:
  static constexpr std::size_t kCapacity = 20;
  static constexpr std::chrono::seconds kBucket{60};
  static constexpr int kWindowBuckets = 5;  // plus the current one
  using Clock = std::chrono::steady_clock;

  /// One answered request. Thread-safe; lock-free unless the request is among the current
  /// bucket's slowest. Views are copied only when the request is kept.
  void record(std::string_view method, std::string_view route, int status, std::chrono::microseconds duration,
              std::string_view request_id, Clock::time_point now);

  /// The kCapacity slowest requests of the window ending at `now`, slowest first.
  std::vector<SlowRequest> slowest(Clock::time_point now) const;

 private:
  struct Bucket {
    std::int64_t index = -1;  // minute number since the clock's epoch; -1: empty
    std::vector<SlowRequest> top;  // at most kCapacity, unordered
  };
  static std::int64_t bucket_of(Clock::time_point t);
  /// The admission floor: the bucket index in the high 32 bits, the duration in microseconds a
  /// request must exceed to enter that bucket in the low 32 (0 while the bucket has room). One
  /// word, so a reader never pairs one bucket's floor with another bucket's index.
  static std::uint64_t pack(std::int64_t bucket, std::uint64_t floor_us);

  std::atomic<std::uint64_t> floor_{0};
  mutable std::mutex mu_;
  std::array<Bucket, kWindowBuckets + 1> buckets_;
};

/// Middleware timing everything inside it and feeding `sink` (installed first among the
/// gateway's own middleware, so it sees the router's template and the final status).
http::Hooks record_slow_requests(SlowRequests& sink);

}  // namespace mercato::gateway
