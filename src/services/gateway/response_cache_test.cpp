#include "services/gateway/response_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "services/gateway/gateway_cache.hpp"

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = ResponseCache::Clock;

http::Request request(std::string target, std::vector<std::pair<std::string_view, std::string_view>> headers = {},
                      http::Method method = http::Method::GET) {
  http::Request r;
  r.method = method;
  r.target = std::move(target);
  r.headers = std::move(headers);
  return r;
}

http::Response public_answer(std::string body = "{\"data\":1}", std::string tags = "mc1:pd:s:1,mc1:g:s:cm") {
  http::Response r;
  r.body = std::move(body);
  r.set_header("ETag", "\"1.1.abc\"");
  r.set_header("Cache-Control", "public, max-age=0, s-maxage=60");
  r.set_header("Vary", "X-Store-ID, Authorization");
  r.set_header("Cache-Tag", std::move(tags));
  return r;
}

// ---- which requests ----

TEST(ResponseCacheRules, only_anonymous_gets_and_heads_are_cacheable) {
  EXPECT_TRUE(request_cacheable(request("/api/v1/products/1")));
  EXPECT_TRUE(request_cacheable(request("/api/v1/products/1", {}, http::Method::HEAD)));
  EXPECT_FALSE(request_cacheable(request("/api/v1/products/1", {}, http::Method::POST)));
  EXPECT_FALSE(request_cacheable(request("/api/v1/products/1", {}, http::Method::PATCH)));
  // A token may see drafts: never from nor into the shared cache, whatever the scheme.
  EXPECT_FALSE(request_cacheable(request("/api/v1/products/1", {{"Authorization", "Bearer x"}})));
  EXPECT_FALSE(request_cacheable(request("/api/v1/products/1", {{"authorization", "Basic eA=="}})));
  EXPECT_FALSE(request_cacheable(request("/api/v1/products/1", {{"Cookie", "session=1"}})));
}

// ---- the key ----

TEST(ResponseCacheRules, key_sorts_parameters_by_decoded_name_keeping_repeats_in_order) {
  EXPECT_EQ(response_cache_key(request("/p?b=2&a=1")), response_cache_key(request("/p?a=1&b=2")));
  // A repeated name: the catalog reads the first, so the order among them is kept.
  EXPECT_NE(response_cache_key(request("/p?a=1&a=2")), response_cache_key(request("/p?a=2&a=1")));
  // "pag%65" is "page" to the catalog: sorting by the raw text would give these one key.
  EXPECT_NE(response_cache_key(request("/p?page=1&pag%65=2")), response_cache_key(request("/p?pag%65=2&page=1")));
  EXPECT_NE(response_cache_key(request("/p?a=1")), response_cache_key(request("/p?a=1&")));
  EXPECT_NE(response_cache_key(request("/p")), response_cache_key(request("/q")));
  EXPECT_FALSE(response_cache_key(request("/p?%zz=1")));
}

TEST(ResponseCacheRules, key_has_the_store_and_heads_share_the_gets) {
  const std::string a = "00000000-0000-7000-8000-00000000000a", b = "00000000-0000-7000-8000-00000000000b";
  EXPECT_NE(response_cache_key(request("/p", {{"X-Store-ID", a}})), response_cache_key(request("/p", {{"X-Store-ID", b}})));
  EXPECT_NE(response_cache_key(request("/p", {{"X-Store-ID", a}})), response_cache_key(request("/p")));
  EXPECT_EQ(response_cache_key(request("/p", {{"X-Store-ID", "00000000-0000-7000-8000-00000000000A"}})),
            response_cache_key(request("/p", {{"X-Store-ID", a}})));
  EXPECT_EQ(response_cache_key(request("/p", {}, http::Method::HEAD)), response_cache_key(request("/p")));
}

// ---- which answers ----

TEST(ResponseCacheRules, stores_public_tagged_answers_for_their_shared_lifetime_capped) {
  auto plan = storable(public_answer(), 300s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->ttl, 60s);
  EXPECT_EQ(plan->tags, (std::vector<std::string>{"mc1:pd:s:1", "mc1:g:s:cm"}));
  EXPECT_EQ(storable(public_answer(), 10s)->ttl, 10s);
  auto max_age_only = public_answer();
  max_age_only.set_header("Cache-Control", "public, max-age=30");
  EXPECT_EQ(storable(max_age_only, 300s)->ttl, 30s);
  EXPECT_FALSE(storable(public_answer(), 0s));
}

TEST(ResponseCacheRules, refuses_what_is_not_marked_public_with_tags) {
  auto with = [](std::string_view name, std::string value) {
    auto r = public_answer();
    r.set_header(std::string(name), std::move(value));
    return r;
  };
  EXPECT_FALSE(storable(with("Cache-Control", "private, no-cache"), 60s));
  EXPECT_FALSE(storable(with("Cache-Control", "public, no-store, s-maxage=60"), 60s));
  EXPECT_FALSE(storable(with("Cache-Control", "public, private, s-maxage=60"), 60s));
  EXPECT_FALSE(storable(with("Cache-Control", "public, max-age=0"), 60s));
  EXPECT_FALSE(storable(with("Cache-Control", "public, s-maxage=abc"), 60s));
  EXPECT_FALSE(storable(with("Cache-Control", "s-maxage=60"), 60s));
  EXPECT_FALSE(storable(with("Cache-Tag", " , "), 60s));
  EXPECT_FALSE(storable(with("Vary", "Cookie"), 60s));
  EXPECT_FALSE(storable(with("Vary", "*"), 60s));
  EXPECT_FALSE(storable(with("Set-Cookie", "a=1"), 60s));
  auto second_field = public_answer();
  second_field.headers.emplace_back("Cache-Control", "no-store");
  EXPECT_FALSE(storable(second_field, 60s));
  second_field = public_answer();
  second_field.headers.emplace_back("Vary", "Cookie");
  EXPECT_FALSE(storable(second_field, 60s));
  auto untagged = public_answer();
  std::erase_if(untagged.headers, [](const auto& h) { return h.first == "Cache-Tag"; });
  EXPECT_FALSE(storable(untagged, 60s));
  auto not_found = public_answer();
  not_found.status = 404;
  EXPECT_FALSE(storable(not_found, 60s));
}

// ---- the store ----

struct Store : ::testing::Test {
  bool bus = true;
  ResponseCache cache{1 << 20, 60s, [this] { return bus; }};
  Clock::time_point t0 = Clock::now();

  bool put(std::string key, const ResponseCache::Ticket& t, http::Response res = public_answer(),
           Clock::time_point now = {}) {
    auto plan = storable(res, 60s);
    return cache.store(key, t, res, *plan, now == Clock::time_point{} ? t.started : now) != nullptr;
  }
};

TEST_F(Store, a_stored_answer_is_served_without_its_per_request_headers) {
  auto res = public_answer();
  res.set_header("X-Request-ID", "old");
  res.set_header("traceparent", "00-old");
  // An upstream's own Age and X-Cache (a cache in front of it): the entry keeps neither, and a
  // hit appends its own without looking for them (gateway_cache.cpp, from_cache).
  res.set_header("Age", "9");
  res.set_header("x-cache", "miss");
  ASSERT_TRUE(put("k", cache.begin(t0), res));
  auto hit = cache.lookup("k", t0 + 1s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "{\"data\":1}");
  EXPECT_EQ(hit->etag, "\"1.1.abc\"");
  for (const auto& [name, value] : hit->headers) {
    EXPECT_NE(name, "X-Request-ID");
    EXPECT_NE(name, "traceparent");
    EXPECT_NE(name, "Age");
    EXPECT_NE(name, "x-cache");
  }
  const auto served = from_cache(*hit, http::Request{}, hit->stored_at + 2s);
  EXPECT_EQ(std::count_if(served.headers.begin(), served.headers.end(),
                          [](const auto& h) { return http::iequals(h.first, "Age") || http::iequals(h.first, "X-Cache"); }),
            2);
  EXPECT_EQ(served.header("Age"), "2");
  EXPECT_FALSE(cache.lookup("k", t0 + 61s));  // expired
  EXPECT_FALSE(cache.lookup("other", t0));
}

TEST_F(Store, an_invalidation_of_any_tag_drops_the_entry) {
  ASSERT_TRUE(put("k", cache.begin(t0)));
  cache.invalidate({"mc1:unrelated"}, t0 + 1s);
  EXPECT_TRUE(cache.lookup("k", t0 + 1s));
  cache.invalidate({"mc1:g:s:cm"}, t0 + 2s);
  EXPECT_FALSE(cache.lookup("k", t0 + 2s));
  EXPECT_EQ(cache.entries(), 0u);
}

TEST_F(Store, an_answer_fetched_before_an_invalidation_is_never_stored) {
  const auto t = cache.begin(t0);        // the fetch starts
  cache.invalidate({"mc1:pd:s:1"}, t0);  // the write's invalidation arrives meanwhile
  EXPECT_FALSE(put("k", t, public_answer(), t0 + 10s));
  EXPECT_FALSE(cache.lookup("k", t0 + 10s));
}

TEST_F(Store, an_answer_fetched_just_after_an_invalidation_is_not_stored_until_it_settled) {
  cache.invalidate({"mc1:pd:s:1"}, t0);
  // Another catalog instance may not have dropped its L1 yet.
  EXPECT_FALSE(put("k", cache.begin(t0 + 100ms)));
  EXPECT_TRUE(put("k", cache.begin(t0 + ResponseCache::kSettle + 1ms)));
}

TEST_F(Store, nothing_is_served_or_stored_while_the_bus_is_down_and_a_flush_drops_all) {
  ASSERT_TRUE(put("k", cache.begin(t0)));
  bus = false;
  EXPECT_FALSE(cache.lookup("k", t0));
  EXPECT_FALSE(put("k2", cache.begin(t0)));
  bus = true;
  const auto before_flush = cache.begin(t0);
  cache.flush();
  EXPECT_FALSE(cache.lookup("k", t0));
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_FALSE(put("k3", before_flush));  // fetched before the outage ended
}

TEST_F(Store, stays_within_its_bytes) {
  ResponseCache small(ResponseCache::kShards * 4096, 60s, [] { return true; });
  const std::string body(1000, 'x');
  for (int i = 0; i < 500; ++i) {
    auto res = public_answer(body);
    small.store("key" + std::to_string(i), small.begin(t0), res, *storable(res, 60s), t0);
  }
  EXPECT_LE(small.bytes(), small.max_bytes());
  EXPECT_GT(small.entries(), 0u);
  ResponseCache off(0, 60s, [] { return true; });
  EXPECT_FALSE(off.usable());
}

// ---- the answer from the cache ----

TEST(FromCache, carries_age_and_the_hit_mark_and_answers_conditionals) {
  CachedResponse v;
  v.content_type = "application/json";
  v.headers = {{"ETag", "\"1.1.abc\""}, {"Cache-Control", "public, max-age=0, s-maxage=60"}};
  v.body = "{}";
  v.etag = "\"1.1.abc\"";
  v.stored_at = std::chrono::system_clock::now() - 5s;
  auto full = from_cache(v, request("/p"), v.stored_at + 5s);
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.body, "{}");
  EXPECT_EQ(full.header("Age"), "5");
  EXPECT_EQ(full.header("X-Cache"), "hit");
  auto not_modified = from_cache(v, request("/p", {{"If-None-Match", "W/\"1.1.abc\""}}), v.stored_at);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.header("ETag"), "\"1.1.abc\"");
  EXPECT_EQ(from_cache(v, request("/p", {{"If-None-Match", "\"other\""}}), v.stored_at).status, 200);
}

}  // namespace
}  // namespace mercato::gateway
