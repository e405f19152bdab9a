#include "cache/redis_config.hpp"

#include <algorithm>

#include "cache/sentinel.hpp"

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
    {"REDIS_SENTINELS", K::string, "",
     "Redis Sentinels, host:port,... (empty: connect to REDIS_HOST:REDIS_PORT); when set, REDIS_HOST/PORT are "
     "unused: the master's address is asked of the sentinels before every connect and every second after"},
    {"REDIS_SENTINEL_MASTER", K::string, "mercato", "name the sentinels monitor the main Redis master under"},
    {"REDIS_SENTINEL_USER", K::string, "",
     "ACL user on the sentinels (empty: AUTH with REDIS_SENTINEL_PASSWORD alone); also used for CACHE_REDIS_SENTINELS"},
    {"REDIS_SENTINEL_PASSWORD", K::string, "",
     "password of the sentinels themselves (empty: none; production requires one when REDIS_SENTINELS is set)"},
};

// The client is one pipelined connection per role (redis_client.hpp): there is no pool to size.
constexpr config::RetiredVar kRedisRetired[] = {
    {"REDIS_POOL_SIZE", "removed: each Redis client is one pipelined connection, there is no pool to size"},
    {"REDIS_MIN_IDLE_CONNS", "removed: each Redis client is one pipelined connection, there is no pool to size"},
    {"REDIS_MAX_CONN_AGE",
     "removed: each Redis client keeps its one connection until it fails, then reconnects by itself"},
};

constexpr std::string_view kAfterCore[] = {"core"};  // ENVIRONMENT, for the production rule

// REDIS_SENTINELS / REDIS_SENTINEL_MASTER (and the CACHE_ pair): a bad value stops start-up
// with one line naming the variable, rather than a client that never finds its master.
void read_sentinels(config::Reader& r, std::string_view list_name, const std::string& list,
                    std::string_view master_name, const std::string& master, config::RedisSettings& out) {
  std::vector<config::HostPort> sentinels;
  if (!config::parse_host_list(list, sentinels) || std::any_of(sentinels.begin(), sentinels.end(), [](const auto& h) {
        return h.host.empty() || h.port == 0;
      }))
    r.fail_rule(std::string(list_name) + "=\"" + list + "\": expected host:port pairs separated by commas");
  if (!sentinels.empty() && !sentinel::valid_master_name(master))
    r.fail_rule(std::string(master_name) + "=\"" + master +
                "\": expected the name the sentinels monitor the master under (no spaces)");
  out.sentinels = std::move(sentinels);
  out.sentinel_master = master;
}

void load_redis(config::Reader& r, config::Settings& s) {
  auto& redis = s.redis;
  redis.host = r.string("REDIS_HOST");
  redis.port = r.port("REDIS_PORT");
  redis.user = r.string("REDIS_USER");
  redis.password = r.string("REDIS_PASSWORD");
  redis.db = r.integer("REDIS_DB");
  redis.command_timeout = r.duration("REDIS_COMMAND_TIMEOUT");
  redis.connect_timeout = r.duration("REDIS_CONNECT_TIMEOUT");
  const std::string sentinels = r.string("REDIS_SENTINELS");
  const std::string master = r.string("REDIS_SENTINEL_MASTER");
  read_sentinels(r, "REDIS_SENTINELS", sentinels, "REDIS_SENTINEL_MASTER", master, redis);
  redis.sentinel_user = r.string("REDIS_SENTINEL_USER");
  redis.sentinel_password = r.string("REDIS_SENTINEL_PASSWORD");
  // Whoever reaches a sentinel without a password can make it name any master, and so receive
  // every service's writes and Redis login.
  if (!redis.sentinels.empty())
    r.require_in_production(s, "REDIS_SENTINEL_PASSWORD", redis.sentinel_password, "the sentinels' password");
  r.require_in_production(s, "REDIS_PASSWORD", redis.password, "the Redis password");
}

// The catalog's L2 values live in a Redis of their own, bounded by maxmemory with
// volatile-lru, so filling the cache can never evict the counters in the main one.
constexpr config::VarSpec kCacheRedisVars[] = {
    {"CACHE_REDIS_HOST", K::string, "",
     "Redis holding the catalog's cached values, leases and generations (empty: REDIS_HOST); same user and "
     "password as REDIS_USER/REDIS_PASSWORD"},
    {"CACHE_REDIS_PORT", K::port, "", "port of CACHE_REDIS_HOST (empty: REDIS_PORT)"},
    {"CACHE_REDIS_SENTINELS", K::string, "",
     "Redis Sentinels watching the cache Redis, host:port,... (empty: REDIS_SENTINELS); when sentinels are "
     "set, CACHE_REDIS_HOST/PORT are unused"},
    {"CACHE_REDIS_SENTINEL_MASTER", K::string, "",
     "name the sentinels monitor the cache Redis master under (empty: REDIS_SENTINEL_MASTER, one Redis for both)"},
};

constexpr std::string_view kAfterRedis[] = {"redis"};

void load_cache_redis(config::Reader& r, config::Settings& s) {
  s.cache_redis = s.redis;
  s.cache_redis.host = r.string_or("CACHE_REDIS_HOST", s.redis.host);
  s.cache_redis.port = r.port_or("CACHE_REDIS_PORT", s.redis.port);
  const std::string sentinels = r.string("CACHE_REDIS_SENTINELS");
  const std::string master = r.string_or("CACHE_REDIS_SENTINEL_MASTER", s.redis.sentinel_master);
  if (sentinels.empty()) {
    // The main group's sentinels, already checked; the master name may differ (a cache Redis
    // of its own in the same sentinel group).
    s.cache_redis.sentinels = s.redis.sentinels;
    if (!s.cache_redis.sentinels.empty() && !sentinel::valid_master_name(master))
      r.fail_rule("CACHE_REDIS_SENTINEL_MASTER=\"" + master + "\": expected the name the sentinels monitor the "
                  "master under (no spaces)");
    s.cache_redis.sentinel_master = master;
  } else {
    read_sentinels(r, "CACHE_REDIS_SENTINELS", sentinels, "CACHE_REDIS_SENTINEL_MASTER", master, s.cache_redis);
  }
}

constexpr config::Group kRedis{"redis", "src/cache/redis_config.cpp", kRedisVars, load_redis, kRedisRetired,
                               kAfterCore};
constexpr config::Group kCacheRedis{"cache-redis", "src/cache/redis_config.cpp", kCacheRedisVars, load_cache_redis,
                                    {}, kAfterRedis};

}  // namespace

const config::Group& redis_config() { return kRedis; }
const config::Group& cache_redis_config() { return kCacheRedis; }

}  // namespace mercato::cache
