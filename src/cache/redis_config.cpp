#include "cache/redis_config.hpp"

namespace mercato::cache {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kRedisVars[] = {
    {"REDIS_HOST", K::string, "127.0.0.1", "Redis host"},
    {"REDIS_PORT", K::port, "16379", "Redis port"},
    {"REDIS_USER", K::string, "", "Redis ACL user (empty: the default user, AUTH with REDIS_PASSWORD alone)"},
    {"REDIS_PASSWORD", K::string, "", "Redis password (empty: none; production requires one)"},
    {"REDIS_DB", K::integer, "0", "Redis database number", {}, 0, 15},
    {"REDIS_COMMAND_TIMEOUT", K::duration, "500ms", "time allowed for one Redis command", {}, 1, kMinute},
    {"REDIS_CONNECT_TIMEOUT", K::duration, "1s", "time allowed to open a Redis connection", {}, 1, kMinute},
};

// The client is one pipelined connection per role (redis_client.hpp): there is no pool to size.
constexpr config::RetiredVar kRedisRetired[] = {
    {"REDIS_POOL_SIZE", "removed: each Redis client is one pipelined connection, there is no pool to size"},
    {"REDIS_MIN_IDLE_CONNS", "removed: each Redis client is one pipelined connection, there is no pool to size"},
    {"REDIS_MAX_CONN_AGE",
     "removed: each Redis client keeps its one connection until it fails, then reconnects by itself"},
};

constexpr std::string_view kAfterCore[] = {"core"};  // ENVIRONMENT, for the production rule

void load_redis(config::Reader& r, config::Settings& s) {
  auto& redis = s.redis;
  redis.host = r.string("REDIS_HOST");
  redis.port = r.port("REDIS_PORT");
  redis.user = r.string("REDIS_USER");
  redis.password = r.string("REDIS_PASSWORD");
  redis.db = r.integer("REDIS_DB");
  redis.command_timeout = r.duration("REDIS_COMMAND_TIMEOUT");
  redis.connect_timeout = r.duration("REDIS_CONNECT_TIMEOUT");
  r.require_in_production(s, "REDIS_PASSWORD", redis.password, "the Redis password");
}

// The catalog's L2 values live in a Redis of their own, bounded by maxmemory with
// volatile-lru, so filling the cache can never evict the counters in the main one.
constexpr config::VarSpec kCacheRedisVars[] = {
    {"CACHE_REDIS_HOST", K::string, "",
     "Redis holding the catalog's cached values, leases and generations (empty: REDIS_HOST); same user and "
     "password as REDIS_USER/REDIS_PASSWORD"},
    {"CACHE_REDIS_PORT", K::port, "", "port of CACHE_REDIS_HOST (empty: REDIS_PORT)"},
};

constexpr std::string_view kAfterRedis[] = {"redis"};

void load_cache_redis(config::Reader& r, config::Settings& s) {
  s.cache_redis = s.redis;
  s.cache_redis.host = r.string_or("CACHE_REDIS_HOST", s.redis.host);
  s.cache_redis.port = r.port_or("CACHE_REDIS_PORT", s.redis.port);
}

constexpr config::Group kRedis{"redis", "src/cache/redis_config.cpp", kRedisVars, load_redis, kRedisRetired,
                               kAfterCore};
constexpr config::Group kCacheRedis{"cache-redis", "src/cache/redis_config.cpp", kCacheRedisVars, load_cache_redis,
                                    {}, kAfterRedis};

}  // namespace

const config::Group& redis_config() { return kRedis; }
const config::Group& cache_redis_config() { return kCacheRedis; }

}  // namespace mercato::cache
