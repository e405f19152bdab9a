#include "cache/sharded_lru.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

struct Entry {
  std::shared_ptr<const std::string> value;
  int meta = 0;
};
using Lru = ShardedLru<Entry>;
using Clock = Lru::Clock;

Entry entry(std::string v, int meta = 0) { return Entry{std::make_shared<const std::string>(std::move(v)), meta}; }

const auto kLater = Clock::now() + std::chrono::minutes(1);

TEST(ShardedLru, a_hit_copies_the_entry_out) {
  Lru c(1 << 20);
  const auto now = Clock::now();
  ASSERT_TRUE(c.put("k", entry("v", 7), 10, now + std::chrono::seconds(5)));
  Entry out;
  ASSERT_EQ(c.get("k", out, now), LruOutcome::hit);
  EXPECT_EQ(*out.value, "v");
  EXPECT_EQ(out.meta, 7);
  EXPECT_EQ(c.get("other", out, now), LruOutcome::miss);
}

TEST(ShardedLru, heterogeneous_lookup_finds_a_key_from_any_view) {
  Lru c(1 << 20);
  const std::string buffer = "xxkeyxx";
  c.put(std::string_view(buffer).substr(2, 3), entry("v"), 10, kLater);
  Entry out;
  EXPECT_EQ(c.get("key", out), LruOutcome::hit);
}

TEST(ShardedLru, an_expired_entry_is_reported_once_and_removed) {
  Lru c(1 << 20);
  const auto now = Clock::now();
  c.put("k", entry("v"), 10, now + std::chrono::seconds(1));
  Entry out;
  EXPECT_EQ(c.get("k", out, now + std::chrono::seconds(1)), LruOutcome::expired);  // expiry is exclusive
  EXPECT_EQ(c.get("k", out, now), LruOutcome::miss);
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(ShardedLru, the_least_recently_used_goes_first_within_the_budget) {
  Lru c(300, 1);
  for (auto k : {"a", "b", "c"}) ASSERT_TRUE(c.put(k, entry(k), 100, kLater));
  Entry out;
  ASSERT_EQ(c.get("a", out), LruOutcome::hit);  // b is now the oldest
  ASSERT_TRUE(c.put("d", entry("d"), 150, kLater));  // needs two slots: b, then c, go
  EXPECT_EQ(c.get("b", out), LruOutcome::miss);
  EXPECT_EQ(c.get("c", out), LruOutcome::miss);
  EXPECT_EQ(c.get("a", out), LruOutcome::hit);
  EXPECT_EQ(c.get("d", out), LruOutcome::hit);
  EXPECT_EQ(c.bytes(), 250u);
  EXPECT_EQ(c.entries(), 2u);
}

TEST(ShardedLru, replacing_erasing_and_clearing_keep_the_accounting_exact) {
  Lru c(1 << 20);
  c.put("a", entry("1"), 10, kLater);
  c.put("a", entry("2"), 20, kLater);
  c.put("b", entry("3"), 30, kLater);
  EXPECT_EQ(c.entries(), 2u);
  EXPECT_EQ(c.bytes(), 50u);
  Entry out;
  ASSERT_EQ(c.get("a", out), LruOutcome::hit);
  EXPECT_EQ(*out.value, "2");
  c.erase("a");
  c.erase("absent");
  EXPECT_EQ(c.entries(), 1u);
  EXPECT_EQ(c.bytes(), 30u);
  c.clear();
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(ShardedLru, erase_if_removes_only_what_the_predicate_names) {
  Lru c(1 << 20);
  auto first = entry("1");
  c.put("k", first, 10, kLater);
  c.put("k", entry("2"), 10, kLater);  // a newer entry took the key
  EXPECT_FALSE(c.erase_if("k", [&](const Entry& e) { return e.value == first.value; }));
  EXPECT_EQ(c.entries(), 1u);
  EXPECT_TRUE(c.erase_if("k", [](const Entry& e) { return *e.value == "2"; }));
  EXPECT_EQ(c.entries(), 0u);
}

TEST(ShardedLru, an_entry_over_a_shard_budget_is_refused_and_zero_bytes_disables) {
  Lru c(16 * 100, 16);
  EXPECT_EQ(c.shard_budget(), 100u);
  EXPECT_TRUE(c.put("fits", entry("v"), 100, kLater));
  EXPECT_FALSE(c.put("big", entry("v"), 101, kLater));
  EXPECT_EQ(c.entries(), 1u);

  Lru off(0);
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(off.put("k", entry("v"), 1, kLater));
  Entry out;
  EXPECT_EQ(off.get("k", out), LruOutcome::miss);
}

TEST(ShardedLru, every_shard_stays_in_budget_under_concurrent_use) {
  constexpr std::size_t kShards = 8, kBudget = 1000;
  Lru c(kShards * kBudget, kShards);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c, t] {
      Entry out;
      for (int i = 0; i < 20'000; ++i) {
        const std::string key = std::to_string(t) + ":" + std::to_string(i % 997);
        if (i % 3 == 0) c.put(key, entry("v"), 10 + i % 50, kLater);
        else if (i % 3 == 1) c.get(key, out);
        else if (i % 101 == 0) c.erase(key);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_LE(c.bytes(), kShards * kBudget);
  // The counters match what is really held: clearing brings both to zero exactly.
  c.clear();
  EXPECT_EQ(c.bytes(), 0u);
  EXPECT_EQ(c.entries(), 0u);
}

}  // namespace
}  // namespace mercato::cache
