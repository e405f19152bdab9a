#include "services/gateway/gateway_cache.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "cache/keys.hpp"
#include "cache/tiered_cache.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/app.hpp"
#include "services/gateway/compression.hpp"
#include "services/gateway/openapi_route.hpp"

namespace mercato::gateway {

namespace {

metrics::Counter& counter(std::string_view name, std::string_view help) {
  return metrics::Registry::global().counter(name, help).with({});
}

// PUBLISH of an acknowledgement; its reply is of no use (a lost one costs the writer its ack timeout).
asio::awaitable<void> publish(cache::RedisClient& redis, std::vector<std::string> args) {
  co_await redis.command(std::move(args));
}

constexpr std::string_view kGauges[] = {"gateway_cache_bytes", "gateway_cache_entries", "gateway_cache_max_bytes"};

// The coded bytes of `v` a GET from this client gets (its coding in `enc`), or null.
const std::string* coded_for(const CachedResponse& v, const http::Request& req, http::Encoding& enc) {
  // HEAD: the middleware never codes one (its Content-Length is the plain body's).
  if (v.coded.empty() || v.status != 200 || req.method == http::Method::HEAD) return nullptr;
  enc = accepted_encoding(req);
  return enc == http::Encoding::identity ? nullptr : v.coded_body(enc);
}

}  // namespace

http::Response from_cache(const CachedResponse& v, const http::Request& req, std::chrono::system_clock::time_point now) {
  http::Response res;
  res.status = v.status;
  res.content_type = v.content_type;
  // Room for what the middleware adds on the way out (security, CORS, rate limit, trace,
  // request id: ~12), so the vector is allocated once rather than grown three times.
  res.headers.reserve(v.headers.size() + 16);
  res.headers.assign(v.headers.begin(), v.headers.end());
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - v.stored_at).count();
  // Appended, not set: an entry never holds either field (response_cache.cpp, per_request),
  // so looking for them would only read every field twice.
  res.headers.emplace_back("Age", std::to_string(std::max<std::int64_t>(0, age)));
  res.headers.emplace_back("X-Cache", "hit");
  if (!v.etag.empty())
    if (auto inm = req.header("If-None-Match"); inm && if_none_match_matches(*inm, v.etag)) {
      res.status = 304;
      res.content_type.clear();
      return res;
    }
  // The stored coded bytes for a client that accepts them, exactly as the compression
  // middleware would code the plain answer now; it leaves a coded answer as it is.
  http::Encoding enc = http::Encoding::identity;
  if (const std::string* coded = coded_for(v, req, enc)) set_coded_body(res, enc, *coded);
  else res.body = v.body;
  return res;
}

GatewayCache::GatewayCache(http::App& app, const config::Settings& s, cache::RedisSubscriber& bus,
                           cache::RedisClient& publisher)
    : app_(app),
      publisher_(publisher),
      compress_min_bytes_(s.compress_min_bytes),
      cache_(s.gateway_cache_max_bytes, std::chrono::duration_cast<std::chrono::seconds>(s.gateway_cache_max_ttl),
             [&bus] { return bus.connected(); },
             s.compress_min_bytes > 0 ? ResponseCache::Coder(code_for_cache) : ResponseCache::Coder()),
      hits_(counter("gateway_cache_hits_total", "Requests answered from the gateway's response cache")),
      misses_(counter("gateway_cache_misses_total", "Cacheable requests the gateway's response cache sent to the catalog")),
      stores_(counter("gateway_cache_stores_total", "Answers stored in the gateway's response cache")),
      invalidations_(counter("gateway_cache_invalidations_total",
                             "Catalog invalidations applied to the gateway's response cache")),
      flushes_(counter("gateway_cache_flushes_total",
                       "Times the gateway's response cache was emptied because the invalidation bus was lost")) {
  auto& reg = metrics::Registry::global();
  reg.gauge_callback(kGauges[0], "Bytes held by the gateway's response cache (estimate incl. overhead)",
                     [this] { return static_cast<double>(cache_.bytes()); });
  reg.gauge_callback(kGauges[1], "Entries in the gateway's response cache",
                     [this] { return static_cast<double>(cache_.entries()); });
  reg.gauge_callback(kGauges[2], "GATEWAY_CACHE_MAX_BYTES", [this] { return static_cast<double>(cache_.max_bytes()); });
  if (!cache_.enabled()) return;
  bus.subscribe(cache::keys::invalidation_channel(),
                [this](std::string_view, std::string_view message) { on_invalidation(message); });
  // Pub/sub has no replay: whatever was published while the subscription was down is lost,
  // so nothing kept can be trusted. usable() is false meanwhile (bus.connected()), and a
  // flush on each side of the outage drops what was stored before it.
  bus.on_disconnect([this] {
    cache_.flush();
    flushes_.inc();
  });
  bus.on_reconnect([this] {
    log::info("gateway cache: invalidation bus back, dropping the response cache");
    cache_.flush();
    flushes_.inc();
  });
}

GatewayCache::~GatewayCache() {
  for (auto name : kGauges) metrics::Registry::global().remove_gauge_callback(name);
}

void GatewayCache::on_invalidation(std::string_view message) {
  auto inv = cache::decode_invalidation(message);
  if (!inv) {
    log::warn("gateway cache: malformed invalidation ignored");
    return;
  }
  std::vector<std::string> tags = std::move(inv->bump);
  tags.insert(tags.end(), std::make_move_iterator(inv->drop.begin()), std::make_move_iterator(inv->drop.end()));
  cache_.invalidate(tags);
  invalidations_.inc();
  // Applied, so the writer may answer: it waits for as many acknowledgements as its PUBLISH
  // counted receivers, this gateway's subscription among them.
  if (!inv->reply_to.empty() && !inv->id.empty())
    asio::co_spawn(app_.io(), publish(publisher_, cache::cmd("PUBLISH", inv->reply_to, inv->id)), asio::detached);
}

bool GatewayCache::codable(const http::Request& req, const http::Response& res) const {
  // Judged for the GET the entry answers (a HEAD's fetch is a GET upstream, proxy.cpp), so
  // that a HEAD filling the entry does not leave later GETs without the coded variants.
  http::Request get;
  get.method = http::Method::GET;
  get.target = req.target;
  return compressible(get, res, compress_min_bytes_);
}

http::Handler GatewayCache::wrap(http::Handler inner) {
  if (!cache_.enabled()) return inner;
  return [this, inner = std::move(inner)](http::Request& req) -> asio::awaitable<http::Response> {
    if (!request_cacheable(req) || !cache_.usable()) co_return co_await inner(req);
    auto key = response_cache_key(req);
    if (!key) co_return co_await inner(req);
    if (auto hit = cache_.lookup(*key)) {
      hits_.inc();
      co_return from_cache(*hit, req);
    }
    misses_.inc();
    // The catalog is asked unconditionally, so its 200 can be stored; the condition is
    // answered here against what it sent.
    std::optional<std::string> if_none_match;
    if (auto h = req.header("If-None-Match")) if_none_match.emplace(*h);
    std::erase_if(req.headers, [](const auto& h) { return http::iequals(h.first, "If-None-Match"); });
    const auto ticket = cache_.begin();
    http::Response res = co_await inner(req);
    CachedResponsePtr stored;
    if (auto plan = storable(res, cache_.max_ttl())) {
      plan->code = codable(req, res);
      if ((stored = cache_.store(*key, ticket, res, *plan))) stores_.inc();
    }
    res.set_header("X-Cache", "miss");
    if (auto etag = res.header("ETag"); if_none_match && res.status == 200 && etag &&
                                        if_none_match_matches(*if_none_match, *etag)) {
      res.status = 304;
      res.content_type.clear();
      res.body.clear();
      co_return res;
    }
    // This answer too from the bytes just coded for the entry, not coded a second time by the
    // middleware.
    http::Encoding enc = http::Encoding::identity;
    if (stored)
      if (const std::string* coded = coded_for(*stored, req, enc)) set_coded_body(res, enc, *coded);
    co_return res;
  };
}

}  // namespace mercato::gateway
