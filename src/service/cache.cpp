#include "service/cache.hpp"

#include "cache/redis_config.hpp"
#include "cache/tiered_cache_config.hpp"
#include "http/app.hpp"
#include "service/bus.hpp"

namespace mercato::service {

Cache::Cache(http::App& app, const config::CacheSettings& settings, cache::RedisClient& values,
             cache::RedisClient& bus_client, Bus& bus)
    : tiered_(app.io(), cache::TieredOptions::from(settings), &values, &bus_client, &bus.subscriber()) {
  app.require(cache::tiered_cache_config(), "service::Cache");
  app.require(cache::cache_redis_config(), "service::Cache (its values live in CACHE_REDIS_*)");
  tiered_.start();  // subscribes: before the bus starts (App::on_start)
  app.on_stop([this] { tiered_.stop(); });
}

}  // namespace mercato::service
