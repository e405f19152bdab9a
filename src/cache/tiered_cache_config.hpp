#pragma once
// The variables of the tiered cache (L1 in the process, L2 in Redis) itself; what a service
// caches for how long is the service's own group.

#include "core/config.hpp"

namespace mercato::cache {

/// CACHE_L1_MAX_BYTES, CACHE_L1_TTL, CACHE_TTL_NEGATIVE → Settings::cache (TieredOptions::from).
const config::Group& tiered_cache_config();

}  // namespace mercato::cache
