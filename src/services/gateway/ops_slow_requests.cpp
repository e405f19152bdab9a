#include "services/gateway/ops_slow_requests.hpp"

#include <algorithm>
#include <limits>

namespace mercato::gateway {

std::int64_t SlowRequests::bucket_of(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() / kBucket.count();
}

std::uint64_t SlowRequests::pack(std::int64_t bucket, std::uint64_t floor_us) {
  return (static_cast<std::uint64_t>(bucket) << 32) | std::min<std::uint64_t>(floor_us, 0xFFFFFFFFu);
}

void SlowRequests::record(std::string_view method, std::string_view route, int status,
                          std::chrono::microseconds duration, std::string_view request_id, Clock::time_point now) {
  const std::int64_t bucket = bucket_of(now);
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration.count()));
  // The hot path. Relaxed is enough: a stale floor only sends a request to the lock (where the
  // decision is made again) or, in the instant a bucket fills, turns away one that would have
  // just made the list; nothing else is published through this word.
  const std::uint64_t f = floor_.load(std::memory_order_relaxed);
  if (static_cast<std::int64_t>(f >> 32) == bucket && us <= (f & 0xFFFFFFFFu)) return;

  std::lock_guard lock(mu_);
  Bucket& b = buckets_[static_cast<std::size_t>(bucket % static_cast<std::int64_t>(buckets_.size()))];
  if (b.index != bucket) {
    b.index = bucket;
    b.top.clear();
  }
  SlowRequest r{std::string(method), std::string(route), status, duration, std::string(request_id),
                  std::chrono::system_clock::now()};
  if (b.top.size() < kCapacity) {
    b.top.push_back(std::move(r));
  } else {
    auto fastest = std::min_element(b.top.begin(), b.top.end(),
                                    [](const SlowRequest& x, const SlowRequest& y) { return x.duration < y.duration; });
    if (fastest->duration >= duration) return;
    *fastest = std::move(r);
  }
  std::uint64_t floor_us = 0;
  if (b.top.size() == kCapacity) {
    auto fastest = std::min_element(b.top.begin(), b.top.end(),
                                    [](const SlowRequest& x, const SlowRequest& y) { return x.duration < y.duration; });
    floor_us = static_cast<std::uint64_t>(fastest->duration.count());
  }
  floor_.store(pack(bucket, floor_us), std::memory_order_relaxed);
}

std::vector<SlowRequest> SlowRequests::slowest(Clock::time_point now) const {
  const std::int64_t current = bucket_of(now);
  std::vector<SlowRequest> all;
  {
    std::lock_guard lock(mu_);
    for (const Bucket& b : buckets_)
      if (b.index >= 0 && b.index <= current && current - b.index <= kWindowBuckets)
        all.insert(all.end(), b.top.begin(), b.top.end());
  }
  std::sort(all.begin(), all.end(), [](const SlowRequest& x, const SlowRequest& y) { return x.duration > y.duration; });
  if (all.size() > kCapacity) all.resize(kCapacity);
  return all;
}

http::Hooks record_slow_requests(SlowRequests& sink) {
  // The duration runs from the request's arrival (RequestContext::received, read once by the
  // tracing middleware), or from here in a pipeline without it.
  auto before = [](http::Request& req) -> std::optional<http::Response> {
    if (req.context.received == http::Clock::time_point{}) req.context.received = http::Clock::now();
    return std::nullopt;
  };
  return {.before = std::move(before), .after = [&sink](http::Request& req, const http::Response& res) {
    const auto start = req.context.received;
    const auto end = SlowRequests::Clock::now();
    // A request answered before the router ran (a 429, a CORS preflight, a spent deadline) has
    // no template; it is listed as such rather than with an empty route.
    sink.record(http::method_name(req.method), req.route.empty() ? std::string_view("(not routed)") : req.route, res.status,
                std::chrono::duration_cast<std::chrono::microseconds>(end - start), req.request_id, end);
  }};
}

}  // namespace mercato::gateway
