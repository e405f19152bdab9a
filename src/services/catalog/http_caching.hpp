#pragma once
// What a GET answer tells the caches between the catalog and the client (the gateway's own
// response cache, a CDN, the browser): whether it may be shared, for how long, what it
// varies on, and which cache keys it was built from (docs/http-caching.md).
//
// A public answer (the public's view of a store, the catalog's cache on) is
//   Cache-Control: public, max-age=0, s-maxage=<CACHE_HTTP_MAX_AGE>
//   Vary: X-Store-ID, Authorization
//   Cache-Tag: <key>,<key>…
// The tags are the catalog's own cache keys (cache_keys.hpp) that the answer depends on:
// every write publishes exactly those keys on the invalidation bus (cache/keys.hpp), so a
// shared cache that drops what is tagged with a published key never serves an answer older
// than a finished write. max-age=0 because a browser hears of no write: it revalidates with
// the ETag every time (a 304 from the gateway's cache costs no body). No
// stale-while-revalidate: an answer past its lifetime may be older than a write whose
// purge the shared cache missed, and "never stale after a write" is the promise.
// Everything else (a member's view, which may show drafts; the cache off, so no
// invalidation is ever published) is `private, no-cache`: the caller's own browser may keep
// it and revalidate, no shared cache may.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

/// Shared caching of public answers: `s_maxage` 0 marks every answer private (CACHE_HTTP_MAX_AGE
/// 0, or the catalog's cache off: no invalidations are published, so no tag would ever be purged).
struct HttpCaching {
  std::chrono::seconds s_maxage{0};
};

/// Sets Cache-Control, Vary and (when shared) Cache-Tag on a GET answer (200 or 304).
/// `shared`: the answer is the public's view; `tags` must not be empty when it is.
void mark_cacheable(http::Response& res, const HttpCaching& policy, bool shared, const std::vector<std::string>& tags);

/// `Cache-Control: no-store` on any answer that has no Cache-Control yet (errors, writes):
/// a 404 is heuristically cacheable (RFC 9110 §15.1), and a draft's 404 must not outlive
/// its publication in a cache that no tag can purge.
http::Hooks no_store_by_default();

/// The tags of each public answer: the keys whose publication means it changed.
std::vector<std::string> product_tags(std::string_view store, std::string_view id);
std::vector<std::string> product_list_tags(std::string_view store);
std::vector<std::string> category_tags(std::string_view store, std::string_view id);
std::vector<std::string> category_list_tags(std::string_view store);

}  // namespace mercato::catalog
