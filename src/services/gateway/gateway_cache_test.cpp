// The response cache's coded variants with the real pieces around a hit: the store with the
// gateway's coder (code_for_cache), from_cache, and the compression middleware in front, as
// main.cpp chains them. A hit must answer exactly what the middleware answers for a fresh
// response, and code nothing: gateway_compressions_total stays flat across hits.
#include "services/gateway/gateway_cache.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/metrics.hpp"
#include "services/gateway/compression.hpp"
#include "services/gateway/compression_test_support.hpp"

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = ResponseCache::Clock;
using http::Encoding;
using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr std::size_t kMinBytes = 1024;

using test_support::gunzip;
using test_support::list_body;

http::Response list_answer(std::string body = list_body()) {
  http::Response r;
  r.body = std::move(body);
  r.set_header("ETag", "\"1.1.abc\"");
  r.set_header("Cache-Control", "public, max-age=0, s-maxage=60");
  r.set_header("Vary", "X-Store-ID, Authorization");
  r.set_header("Cache-Tag", "mc1:g:s:p");
  return r;
}

double compressions(std::string_view coding, std::string_view by) {
  return metrics::Registry::global()
      .counter("gateway_compressions_total", "", {"coding", "by"})
      .with({coding, by})
      .value();
}

struct Counts {
  double v[4];
  static Counts now() {
    return {{compressions("gzip", "middleware"), compressions("br", "middleware"), compressions("gzip", "cache"),
             compressions("br", "cache")}};
  }
  bool operator==(const Counts& o) const { return std::equal(std::begin(v), std::end(v), std::begin(o.v)); }
};

/// `inner` behind the compression middleware, for a request of `method` with `headers`.
http::Response through_middleware(http::Method method, Fields headers,
                                  const std::function<http::Response(const http::Request&)>& inner) {
  asio::io_context io;
  http::Request req;
  req.method = method;
  req.target = "/api/v1/products?per_page=20";
  req.headers = std::move(headers);
  http::Next next = [&](http::Request& r) -> asio::awaitable<http::Response> { co_return inner(r); };
  std::optional<http::Response> res;
  const auto m = compression(kMinBytes);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { res = co_await m(req, next); }, asio::detached);
  io.run();
  return std::move(*res);
}

struct CodedCache : ::testing::Test {
  ResponseCache cache{1 << 20, 60s, [] { return true; }, code_for_cache};
  Clock::time_point t0 = Clock::now();

  CachedResponsePtr store(const http::Response& res, bool code = true) {
    auto plan = storable(res, 60s);
    EXPECT_TRUE(plan);
    plan->code = code;
    return cache.store("k", cache.begin(t0), res, *plan, t0);
  }
  /// A hit for this request, through the middleware.
  http::Response hit(http::Method method, Fields headers) {
    return through_middleware(method, std::move(headers), [this](const http::Request& r) {
      auto v = cache.lookup("k", t0 + 1s);
      EXPECT_TRUE(v);
      return from_cache(*v, r);
    });
  }
};

TEST_F(CodedCache, a_hit_gets_the_bytes_coded_at_store_time_exactly_as_a_fresh_answer_and_codes_nothing) {
  const auto origin = list_answer();
  const Counts before_store = Counts::now();
  ASSERT_TRUE(store(origin));
  Counts after_store = Counts::now();
  EXPECT_EQ(after_store.v[2] - before_store.v[2], 1);  // gzip once, by the cache
  EXPECT_EQ(after_store.v[3] - before_store.v[3], 1);  // br once
  EXPECT_EQ(after_store.v[0], before_store.v[0]);

  for (auto [accept, coding] : {std::pair{"gzip", "gzip"}, std::pair{"br;q=1, gzip;q=0.5", "br"}}) {
    SCOPED_TRACE(accept);
    // What the middleware answers for the same answer fresh from the origin (coding it now).
    const Fields fields{{"Accept-Encoding", accept}};
    const auto fresh = through_middleware(http::Method::GET, fields, [&](const http::Request&) { return origin; });
    ASSERT_EQ(fresh.header("Content-Encoding"), coding);
    const Counts before = Counts::now();
    for (int i = 0; i < 3; ++i) {
      const auto r = hit(http::Method::GET, fields);
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, fresh.body);  // the same bytes as coding it now
      EXPECT_EQ(r.header("Content-Encoding"), coding);
      EXPECT_EQ(r.header("ETag"), fresh.header("ETag"));
      EXPECT_EQ(r.header("ETag"), "\"1.1.abc-" + std::string(coding) + "\"");
      EXPECT_EQ(r.header("Vary"), fresh.header("Vary"));
      EXPECT_EQ(r.header("Vary"), "X-Store-ID, Authorization, Accept-Encoding");
      EXPECT_EQ(r.header("X-Cache"), "hit");
    }
    EXPECT_TRUE(Counts::now() == before) << "a hit coded the body again";
  }
  EXPECT_EQ(gunzip(*cache.lookup("k", t0)->coded_body(Encoding::gzip)), origin.body);
}

TEST_F(CodedCache, plain_clients_and_heads_get_the_plain_body_and_nothing_is_coded) {
  const auto origin = list_answer();
  ASSERT_TRUE(store(origin));
  const Counts before = Counts::now();
  const auto plain = hit(http::Method::GET, {});
  EXPECT_EQ(plain.body, origin.body);
  EXPECT_FALSE(plain.header("Content-Encoding"));
  EXPECT_EQ(plain.header("ETag"), "\"1.1.abc\"");
  EXPECT_EQ(plain.header("Vary"), "X-Store-ID, Authorization, Accept-Encoding");  // it varies all the same
  const auto head = hit(http::Method::HEAD, {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(head.header("Content-Encoding"));  // as the middleware answers a HEAD
  EXPECT_EQ(head.header("ETag"), "\"1.1.abc\"");
  EXPECT_TRUE(Counts::now() == before);
}

TEST_F(CodedCache, a_conditional_hit_naming_the_coded_tag_is_a_304_with_that_tag) {
  ASSERT_TRUE(store(list_answer()));
  const auto r = hit(http::Method::GET, {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"1.1.abc-gzip\""}});
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("ETag"), "\"1.1.abc-gzip\"");
}

TEST_F(CodedCache, the_variants_count_in_the_byte_budget_and_only_codable_answers_get_them) {
  const auto origin = list_answer();
  ResponseCache plain_only{1 << 20, 60s, [] { return true; }};
  auto plan = storable(origin, 60s);
  ASSERT_TRUE(plain_only.store("k", plain_only.begin(t0), origin, *plan, t0));
  auto v = store(origin);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->coded.size(), 2u);
  EXPECT_EQ(cache.bytes(), plain_only.bytes() + v->coded[0].bytes.size() + v->coded[1].bytes.size() + 2 * 32);

  const Counts before = Counts::now();
  auto uncoded = store(origin, /*code=*/false);  // e.g. smaller than COMPRESS_MIN_BYTES
  ASSERT_TRUE(uncoded);
  EXPECT_TRUE(uncoded->coded.empty());
  EXPECT_TRUE(Counts::now() == before);
  EXPECT_EQ(cache.bytes(), plain_only.bytes());
}

TEST(CodedCacheRules, code_for_cache_keeps_only_codings_that_shrink_the_body) {
  const auto body = list_body();
  const auto coded = code_for_cache(body);
  ASSERT_EQ(coded.size(), 2u);
  EXPECT_EQ(coded[0].enc, Encoding::gzip);
  EXPECT_EQ(coded[0].bytes, *http::compress(Encoding::gzip, body));
  EXPECT_EQ(coded[1].enc, Encoding::br);
  EXPECT_EQ(coded[1].bytes, *http::compress(Encoding::br, body));
  EXPECT_TRUE(code_for_cache("x").empty());  // one byte: no coding makes it smaller
}

}  // namespace
}  // namespace mercato::gateway
