#pragma once
// The variables of the Redis clients (RedisClient, RedisSubscriber): the main Redis every
// service uses, and the catalog's cache Redis.

#include "core/config.hpp"

namespace mercato::cache {

/// REDIS_* → Settings::redis; in production, REDIS_PASSWORD.
const config::Group& redis_config();
/// CACHE_REDIS_HOST/PORT → Settings::cache_redis (the main Redis's login and timeouts, its
/// own address). After redis_config() in a service's list.
const config::Group& cache_redis_config();

}  // namespace mercato::cache
