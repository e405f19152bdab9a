#pragma once
// The catalog's read cache as one component: L1 in this process → Redis (src/cache/
// tiered_cache.hpp), hearing every process's invalidations on the bus. Subscribed now (before
// the bus starts), stopped with the service.

#include "cache/tiered_cache.hpp"
#include "core/config.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Bus;

class Cache {
 public:
  /// `values`: the Redis that holds the cached values; `bus_client`: the one invalidations are
  /// published through (may be the same). All must outlive this. `fence_ttl`: nonzero when
  /// reads may come from replicas (cache::TieredOptions::fence_ttl).
  Cache(http::App& app, const config::CacheSettings& settings, cache::RedisClient& values,
        cache::RedisClient& bus_client, Bus& bus, config::Duration fence_ttl = {});
  cache::TieredCache& tiered() { return tiered_; }

 private:
  cache::TieredCache tiered_;
};

}  // namespace mercato::service
