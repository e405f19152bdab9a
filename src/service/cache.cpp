#include "service/cache.hpp"

#include "cache/redis_client.hpp"
#include "cache/redis_config.hpp"
#include "cache/tiered_cache_config.hpp"
#include "http/app.hpp"
#include "service/bus.hpp"

namespace mercato::service {

namespace {
cache::TieredOptions options(const config::CacheSettings& settings, config::Duration fence_ttl,
                             const cache::RedisClient& values) {
  auto o = cache::TieredOptions::from(settings);
  o.fence_ttl = fence_ttl;
  o.replicated_values = values.via_sentinel();
  return o;
}
}  // namespace

Cache::Cache(http::App& app, const config::CacheSettings& settings, cache::RedisClient& values,
             cache::RedisClient& bus_client, Bus& bus, config::Duration fence_ttl)
    : tiered_(app.io(), options(settings, fence_ttl, values), &values, &bus_client, &bus.subscriber()) {
  app.require(cache::tiered_cache_config(), "service::Cache");
  app.require(cache::cache_redis_config(), "service::Cache (its values live in CACHE_REDIS_*)");
  tiered_.start();  // subscribes: before the bus starts (App::on_start)
  app.on_stop([this] { tiered_.stop(); });
}

}  // namespace mercato::service
