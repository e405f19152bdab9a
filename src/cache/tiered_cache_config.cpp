#include "cache/tiered_cache_config.hpp"

namespace mercato::cache {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"CACHE_L1_MAX_BYTES", K::byte_size, "64MiB", "in-process cache size; 0 turns it off", {}, 0, 64 * kGiB},
    {"CACHE_L1_TTL", K::duration, "30s",
     "in-process cache lifetime of any entry (bounds staleness while Redis is down)", {}, 0, 30 * kSecond},
    {"CACHE_TTL_NEGATIVE", K::duration, "5s", "cache lifetime of a miss for an absent id (both tiers)", {}, 0,
     kHour},
};

void load(config::Reader& r, config::Settings& s) {
  s.cache.l1_max_bytes = r.bytes("CACHE_L1_MAX_BYTES");
  s.cache.l1_ttl = r.duration("CACHE_L1_TTL");
  s.cache.ttl_negative = r.duration("CACHE_TTL_NEGATIVE");
}

constexpr config::Group kGroup{"tiered-cache", "src/cache/tiered_cache_config.cpp", kVars, load};

}  // namespace

const config::Group& tiered_cache_config() { return kGroup; }

}  // namespace mercato::cache
