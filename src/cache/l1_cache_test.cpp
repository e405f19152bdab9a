#include "cache/l1_cache.hpp"

#include <malloc.h>

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

using Clock = L1Cache::Clock;

ValuePtr value(std::string body, std::string etag = "\"e\"") {
  return std::make_shared<const CachedValue>(CachedValue{std::move(body), std::move(etag), false});
}

TEST(L1Cache, hit_returns_the_same_bytes_and_generation) {
  L1Cache c(1 << 20);
  const auto now = Clock::now();
  c.put("k", value("{\"a\":1}"), 7, now + std::chrono::seconds(5));
  L1Cache::Hit hit;
  ASSERT_EQ(c.get("k", hit, now), L1Cache::Outcome::hit);
  EXPECT_EQ(hit.value->body, "{\"a\":1}");
  EXPECT_EQ(hit.gen, 7u);
  EXPECT_EQ(c.get("other", hit, now), L1Cache::Outcome::miss);
}

TEST(L1Cache, expired_entries_are_reported_and_removed) {
  L1Cache c(1 << 20);
  const auto now = Clock::now();
  c.put("k", value("x"), 0, now + std::chrono::seconds(1));
  L1Cache::Hit hit;
  EXPECT_EQ(c.get("k", hit, now + std::chrono::seconds(2)), L1Cache::Outcome::expired);
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(L1Cache, least_recently_used_goes_first) {
  // One shard so the order is global; room for three entries.
  const std::size_t one = L1Cache::cost("k0", CachedValue{std::string(100, 'x'), "\"e\"", false});
  L1Cache c(3 * one, 1);
  const auto later = Clock::now() + std::chrono::minutes(1);
  for (auto k : {"k0", "k1", "k2"}) c.put(k, value(std::string(100, 'x')), 0, later);
  L1Cache::Hit hit;
  ASSERT_EQ(c.get("k0", hit), L1Cache::Outcome::hit);  // k1 is now the oldest
  c.put("k3", value(std::string(100, 'x')), 0, later);
  EXPECT_EQ(c.get("k1", hit), L1Cache::Outcome::miss);
  EXPECT_EQ(c.get("k0", hit), L1Cache::Outcome::hit);
  EXPECT_EQ(c.get("k3", hit), L1Cache::Outcome::hit);
}

TEST(L1Cache, erase_clear_and_replace_keep_the_accounting_exact) {
  L1Cache c(1 << 20);
  const auto later = Clock::now() + std::chrono::minutes(1);
  c.put("a", value("1"), 0, later);
  c.put("a", value("22"), 0, later);
  c.put("b", value("3"), 0, later);
  EXPECT_EQ(c.entries(), 2u);
  EXPECT_EQ(c.bytes(), L1Cache::cost("a", *value("22")) + L1Cache::cost("b", *value("3")));
  c.erase("a");
  EXPECT_EQ(c.entries(), 1u);
  c.clear();
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(L1Cache, zero_bytes_disables_it) {
  L1Cache c(0);
  c.put("a", value("1"), 0, Clock::now() + std::chrono::minutes(1));
  L1Cache::Hit hit;
  EXPECT_FALSE(c.enabled());
  EXPECT_EQ(c.get("a", hit), L1Cache::Outcome::miss);
}

TEST(L1Cache, a_value_bigger_than_a_shard_is_not_kept) {
  L1Cache c(16 * 1024, 16);
  c.put("big", value(std::string(2000, 'x')), 0, Clock::now() + std::chrono::minutes(1));
  EXPECT_EQ(c.entries(), 0u);
}

// The proof: memory stays under the byte limit while 1,000,000 distinct keys pass
// through. Checked twice: the cache's own accounting never exceeds the limit, and the heap
// really in use (mallinfo2) grows by less than the limit — so the per-entry overhead
// estimate is not optimistic.
TEST(L1Cache, a_million_distinct_keys_stay_under_the_byte_limit) {
  constexpr std::size_t kLimit = 8u << 20;
  const std::size_t heap_before = mallinfo2().uordblks;
  {
    L1Cache c(kLimit);
    const auto later = Clock::now() + std::chrono::minutes(1);
    std::size_t peak = 0;
    const std::string body(300, 'b');
    for (int i = 0; i < 1'000'000; ++i) {
      const std::string key = "mc1:pd:00000000-0000-7000-8000-000000000001:" + std::to_string(i);
      c.put(key, value(body, "\"" + std::to_string(i) + ".1.0123456789abcdef\""), 0, later);
      peak = std::max(peak, c.bytes());
    }
    EXPECT_LE(peak, kLimit);
    EXPECT_GT(c.entries(), 10'000u);  // it does hold a useful number of them
    const std::size_t heap_used = mallinfo2().uordblks - heap_before;
    EXPECT_LT(heap_used, kLimit) << "real heap " << heap_used << " vs accounted " << c.bytes();
  }
}

}  // namespace
}  // namespace mercato::cache
