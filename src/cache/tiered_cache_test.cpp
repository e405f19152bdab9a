#include "cache/tiered_cache.hpp"

#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;

TEST(Jitter, stays_within_ten_percent_and_spreads) {
  std::set<std::int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto t = jittered(Duration(3'600'000)).count();
    EXPECT_GE(t, 3'240'000);
    EXPECT_LE(t, 3'960'000);
    seen.insert(t);
  }
  EXPECT_GT(seen.size(), 900u);  // keys written together do not expire together
  EXPECT_EQ(jittered(Duration(0)).count(), 1);
}

TEST(ValueCodec, round_trips_values_and_absence) {
  CachedValue v{std::string("{\"a\":\"x\\ny\"}\0z", 14), "\"id.1.00ff\"", false};
  auto d = decode_value(encode_value("17", v));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gen, "17");
  EXPECT_EQ(d->value.body, v.body);
  EXPECT_EQ(d->value.etag, v.etag);
  CachedValue absent;
  absent.absent = true;
  auto a = decode_value(encode_value("", absent));
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->value.absent);
  EXPECT_FALSE(decode_value("garbage"));
  EXPECT_FALSE(decode_value("C1\n1\nX"));
}

TEST(InvalidationCodec, round_trips_and_rejects_garbage) {
  keys::Invalidation inv{{"g:1", "g:\n2"}, {"d:1"}};
  auto d = decode_invalidation(encode_invalidation(inv));
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, inv);
  EXPECT_FALSE(decode_invalidation("x3:abc"));
  EXPECT_FALSE(decode_invalidation("b9:abc"));
  EXPECT_FALSE(decode_invalidation("b:abc"));
  // The acknowledgement address travels with the message.
  keys::Invalidation acked{{"g:1"}, {}, "mercato:invalidate-ack:p1", "m42"};
  auto a = decode_invalidation(encode_invalidation(acked));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->reply_to, "mercato:invalidate-ack:p1");
  EXPECT_EQ(a->id, "m42");
}

// The tiered cache without Redis (L1 and the loader): what every process does while Redis
// is away, and the in-process single flight.
class TieredWithoutRedis : public ::testing::Test {
 protected:
  template <class F>
  void run(F f) {
    asio::co_spawn(io, f(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
  }

  TieredOptions options() {
    TieredOptions o;
    o.l1_max_bytes = 1 << 20;
    return o;
  }

  asio::io_context io;
  int loads = 0;
};

TEST_F(TieredWithoutRedis, second_read_is_an_l1_hit_and_a_drop_or_bump_forces_a_reload) {
  TieredCache cache(io, options(), nullptr, nullptr);
  Lookup q{"product", "mc1:pd:s:p", "mc1:g:s:cm", 60s};
  Loader load = [this](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    co_return CachedValue{"body" + std::to_string(loads), "\"t\"", false};
  };
  run([&]() -> asio::awaitable<void> {
    auto a = co_await cache.get(q, load);
    auto b = co_await cache.get(q, load);
    EXPECT_EQ((*a)->body, "body1");
    EXPECT_EQ((*b)->body, "body1");
    EXPECT_EQ(loads, 1);
    auto drop = keys::Invalidation{{}, {q.key}};
    co_await cache.invalidate(std::move(drop));
    auto c = co_await cache.get(q, load);
    EXPECT_EQ((*c)->body, "body2");
    auto bump = keys::Invalidation{{q.gen}, {}};
    co_await cache.invalidate(std::move(bump));
    auto d = co_await cache.get(q, load);
    EXPECT_EQ((*d)->body, "body3");
  });
}

TEST_F(TieredWithoutRedis, an_admit_on_repeat_value_is_stored_on_its_second_request_not_its_first) {
  TieredCache cache(io, options(), nullptr, nullptr);
  Lookup q{"product_list", "mc1:pl:s:v1:[\"q\",\"oak\"]|p1|n20", "mc1:g:s:p", 60s};
  q.admit_on_repeat = true;
  Lookup plain{"product_list", "mc1:pl:s:v1:[]|p1|n20", "mc1:g:s:p", 60s};
  Loader load = [this](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    co_return CachedValue{"page" + std::to_string(loads), "\"t\"", false};
  };
  run([&]() -> asio::awaitable<void> {
    auto first = co_await cache.get(q, load);
    EXPECT_EQ((*first)->body, "page1");
    EXPECT_TRUE((*first)->transient);  // loaded, not kept
    auto second = co_await cache.get(q, load);
    EXPECT_EQ((*second)->body, "page2");  // asked again: loaded again, and now kept
    EXPECT_FALSE((*second)->transient);
    auto third = co_await cache.get(q, load);
    EXPECT_EQ((*third)->body, "page2");  // from L1
    EXPECT_EQ(loads, 2);
    // Without the flag a value is kept on its first request, as before.
    auto list = co_await cache.get(plain, load);
    EXPECT_FALSE((*list)->transient);
    auto again = co_await cache.get(plain, load);
    EXPECT_EQ((*again)->body, (*list)->body);
    EXPECT_EQ(loads, 3);
  });
}

TEST_F(TieredWithoutRedis, absence_is_cached_briefly_and_errors_are_not_cached) {
  auto o = options();
  o.negative_ttl = 100ms;
  TieredCache cache(io, o, nullptr, nullptr);
  Lookup q{"product", "mc1:pd:s:none", "", 60s};
  bool fail = true;
  Loader load = [&](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    if (fail) co_return unavailable("db down");
    CachedValue v;
    v.absent = true;
    co_return v;
  };
  run([&]() -> asio::awaitable<void> {
    auto e = co_await cache.get(q, load);
    EXPECT_FALSE(e);
    fail = false;
    auto a = co_await cache.get(q, load);
    auto b = co_await cache.get(q, load);
    EXPECT_TRUE((*a)->absent);
    EXPECT_TRUE((*b)->absent);
    EXPECT_EQ(loads, 2);  // the error was not kept; the absence was
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(150ms);
    co_await t.async_wait(asio::use_awaitable);
    co_await cache.get(q, load);
    EXPECT_EQ(loads, 3);  // the negative entry expired
  });
}

TEST_F(TieredWithoutRedis, a_fill_after_its_own_write_reads_at_least_the_writes_position_while_fences_last) {
  // Replicas on (fence_ttl), Redis away: the newest fence this process wrote stands for every
  // key, so a fill after the write is loaded with read_after at least its position.
  auto o = options();
  o.fence_ttl = 200ms;
  TieredCache cache(io, o, nullptr, nullptr);
  Lookup q{"product", "mc1:pd:s:fenced", "", 60s};
  std::uint64_t seen = 0;
  Loader load = [&](const trace::Scope& scope) -> asio::awaitable<Result<CachedValue>> {
    seen = scope.read_after;
    CachedValue v;
    v.body = "b";
    co_return v;
  };
  run([&]() -> asio::awaitable<void> {
    co_await cache.get(q, load);
    EXPECT_EQ(seen, 0u) << "no write yet: no fence";
    keys::Invalidation write{{}, {q.key}};
    write.fence = 0x16B3748;
    co_await cache.invalidate(std::move(write));
    co_await cache.get(q, load);
    EXPECT_EQ(seen, 0x16B3748u) << "the fill after the write";
    keys::Invalidation again{{}, {q.key}};
    co_await cache.invalidate(std::move(again));
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(250ms);
    co_await t.async_wait(asio::use_awaitable);
    co_await cache.get(q, load);
    EXPECT_EQ(seen, 0u) << "past fence_ttl every replica in rotation has the write";
  });
}

TEST_F(TieredWithoutRedis, without_replicas_no_fence_is_applied) {
  TieredCache cache(io, options(), nullptr, nullptr);  // fence_ttl 0
  Lookup q{"product", "mc1:pd:s:unfenced", "", 60s};
  std::uint64_t seen = 1;
  Loader load = [&](const trace::Scope& scope) -> asio::awaitable<Result<CachedValue>> {
    seen = scope.read_after;
    co_return CachedValue{};
  };
  run([&]() -> asio::awaitable<void> {
    keys::Invalidation write{{}, {q.key}};
    write.fence = 99;
    co_await cache.invalidate(std::move(write));
    co_await cache.get(q, load);
    EXPECT_EQ(seen, 0u);
  });
}

TEST_F(TieredWithoutRedis, concurrent_misses_make_one_load_and_leave_no_entry_behind) {
  TieredCache cache(io, options(), nullptr, nullptr);
  Lookup q{"product_list", "mc1:pl:s:v1:x", "mc1:g:s:p", 60s};
  Loader load = [this](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(20ms);  // long enough for every reader to arrive meanwhile
    co_await t.async_wait(asio::use_awaitable);
    co_return CachedValue{"page", "\"l\"", false};
  };
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto v = co_await cache.get(q, load);
      if (v && (*v)->body == "page") ++answered;
    }, asio::detached);
  }
  io.run();
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(answered, 1000);
}

TEST(SingleFlight, followers_get_the_leaders_result_and_the_map_empties) {
  asio::io_context io;
  SingleFlight sf;
  auto lead = sf.join("k");
  ASSERT_TRUE(lead.leader);
  int got = 0;
  for (int i = 0; i < 10; ++i) {
    auto t = sf.join("k");
    ASSERT_FALSE(t.leader);
    asio::co_spawn(io, [&sf, &got, f = t.flight]() -> asio::awaitable<void> {
      auto r = co_await sf.wait(f);
      if (r && (*r)->body == "v") ++got;
    }, asio::detached);
  }
  io.poll();
  EXPECT_EQ(sf.waiters(), 10);
  sf.finish("k", lead.flight, std::make_shared<const CachedValue>(CachedValue{"v", "", false}));
  EXPECT_EQ(sf.in_flight(), 0u);
  io.run();
  EXPECT_EQ(got, 10);
  EXPECT_EQ(sf.waiters(), 0);
  EXPECT_TRUE(sf.join("k").leader);  // a new miss starts a new load
}

}  // namespace
}  // namespace mercato::cache
