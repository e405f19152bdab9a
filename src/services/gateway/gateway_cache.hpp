#pragma once
// The response cache as a component of the gateway (the rules and the store:
// response_cache.hpp): it hears the catalog's invalidation bus, wraps the catalog's GET routes,
// and shows what it does on /metrics:
//   gateway_cache_hits_total, _misses_total (cacheable requests, the cache usable),
//   _stores_total, _invalidations_total (bus messages applied), _flushes_total (bus lost),
//   gateway_cache_bytes, _entries, _max_bytes (the bytes count the coded variants).
// An answer the compression middleware would code is kept in gzip and br too, coded once when
// stored (gateway_compressions_total{by="cache"}); a hit or the filling miss of a client that
// accepts one is answered with those bytes, never coded again (response_cache.hpp).
// An answer from the cache carries `X-Cache: hit` and `Age`; a cacheable request that went to
// the catalog `X-Cache: miss`; a request the cache may not touch neither.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <memory>

#include "cache/redis_client.hpp"
#include "cache/redis_subscriber.hpp"
#include "core/config.hpp"
#include "http/handler.hpp"
#include "services/gateway/response_cache.hpp"

namespace mercato::metrics {
class Counter;
}

namespace mercato::http {
class App;
}

namespace mercato::gateway {

namespace asio = boost::asio;

class GatewayCache {
 public:
  /// GATEWAY_CACHE_MAX_BYTES 0: disabled, and not subscribed. `bus`: the subscriber the catalog
  /// publishes its invalidations to (the main Redis); `publisher`: a client of the same Redis,
  /// for the acknowledgements the catalog's write waits for (cache/tiered_cache.hpp).
  GatewayCache(http::App& app, const config::Settings& s, cache::RedisSubscriber& bus, cache::RedisClient& publisher);
  ~GatewayCache();
  GatewayCache(const GatewayCache&) = delete;
  GatewayCache& operator=(const GatewayCache&) = delete;

  /// `inner` (a GET route's relay to the catalog) behind the cache.
  http::Handler wrap(http::Handler inner);
  ResponseCache& store() { return cache_; }

 private:
  void on_invalidation(std::string_view message);
  /// Whether the answer is one the compression middleware codes (for the entry's variants).
  bool codable(const http::Request& req, const http::Response& res) const;

  http::App& app_;
  cache::RedisClient& publisher_;
  std::size_t compress_min_bytes_;
  ResponseCache cache_;
  metrics::Counter& hits_;
  metrics::Counter& misses_;
  metrics::Counter& stores_;
  metrics::Counter& invalidations_;
  metrics::Counter& flushes_;
};

/// The answer a hit gives `req`: the stored status, headers and body, `Age`, `X-Cache: hit`;
/// 304 without a body when If-None-Match names the stored ETag. A GET whose client accepts a
/// coding the entry keeps gets those stored bytes through set_coded_body (Content-Encoding,
/// coded ETag, Vary), as the compression middleware would answer. Exposed for tests.
http::Response from_cache(const CachedResponse& v, const http::Request& req,
                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace mercato::gateway
