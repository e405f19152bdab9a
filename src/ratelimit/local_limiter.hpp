#pragma once
// The in-process GCRA a gateway falls back to while Redis is unreachable. Sharded so worker
// threads rarely contend; memory stays bounded because an entry whose TAT has passed carries
// no information (the client's budget is whole) and is swept once a shard grows past its cap.

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ratelimit/gcra.hpp"

namespace mercato::ratelimit {

class LocalLimiter {
 public:
  explicit LocalLimiter(GcraParams params, std::size_t max_keys = 200000);
  /// `increment_ms`: what the request costs (request_cost_ms); 0: one request.
  Decision check(std::string_view key, std::int64_t now_ms, std::int64_t increment_ms = 0);
  const GcraParams& params() const { return params_; }
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::int64_t> tat;
  };
  void sweep(Shard& s, std::int64_t now_ms);

  GcraParams params_;
  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace mercato::ratelimit
