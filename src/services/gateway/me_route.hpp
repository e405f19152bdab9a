#pragma once
// GET /api/v1/auth/me at the gateway: answered from the PrincipalCache when the token verified
// here and the user's answer is held, else relayed to identity like any route, identity's 200
// being kept for the next call. Counted as gateway_principal_cache_hits_total and
// gateway_principal_cache_misses_total (identity asked while the cache was usable); requests
// without a verified principal, or while the cache is not usable, go to identity uncounted.

#include "http/handler.hpp"
#include "services/gateway/principal_cache.hpp"
#include "services/gateway/proxy.hpp"

namespace mercato::gateway {

/// The handler; all three must outlive it.
http::Handler me_route(PrincipalCache& principals, Proxy& proxy, UpstreamGroup& identity);

}  // namespace mercato::gateway
