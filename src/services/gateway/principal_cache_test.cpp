#include "services/gateway/principal_cache.hpp"

#include <gtest/gtest.h>

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;

http::Principal principal(std::string user, std::string role = "viewer", std::int64_t iat = 100) {
  return http::Principal{std::move(user), std::move(role), "store-1", iat};
}

TEST(PrincipalCache, a_kept_answer_is_found_by_its_user_and_no_other) {
  PrincipalCache c(1 << 20, 60s);
  const auto t = PrincipalCache::Clock::now();
  EXPECT_FALSE(c.find(principal("user-a"), t));
  ASSERT_TRUE(c.keep(principal("user-a"), "A's answer", c.generation(), t));
  auto a = c.find(principal("user-a"), t);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "A's answer");
  // Another token of A (another session: another iat) gets the same answer: it is the row's.
  EXPECT_TRUE(c.find(principal("user-a", "viewer", 200), t));
  // B never gets A's answer, whatever else B's token has in common with A's.
  EXPECT_FALSE(c.find(principal("user-b"), t));
  EXPECT_FALSE(c.find(principal("user-a "), t));
  EXPECT_FALSE(c.find(principal("user-"), t));
  // A token of A whose role claim is not the one the answer was kept for asks identity.
  EXPECT_FALSE(c.find(principal("user-a", "admin"), t));
}

TEST(PrincipalCache, forget_drops_the_user_in_every_role_and_only_that_user) {
  PrincipalCache c(1 << 20, 60s);
  for (const char* role : {"viewer", "editor", "admin"}) ASSERT_TRUE(c.keep(principal("user-a", role), role, c.generation()));
  ASSERT_TRUE(c.keep(principal("user-b"), "B", c.generation()));
  c.forget("user-a");
  for (const char* role : {"viewer", "editor", "admin"}) EXPECT_FALSE(c.find(principal("user-a", role))) << role;
  EXPECT_TRUE(c.find(principal("user-b")));
  c.forget_all();
  EXPECT_FALSE(c.find(principal("user-b")));
  EXPECT_EQ(c.entries(), 0u);
}

TEST(PrincipalCache, an_answer_asked_for_before_a_change_is_not_kept_after_it) {
  PrincipalCache c(1 << 20, 60s);
  // The fill reads the generation, identity answers from the old row, the change's event
  // arrives before the answer: the old answer must not be kept.
  const auto before = c.generation();
  c.forget("user-a");
  EXPECT_FALSE(c.keep(principal("user-a"), "old row", before));
  EXPECT_FALSE(c.find(principal("user-a")));
  // The same after the bus was lost and came back.
  const auto before_loss = c.generation();
  c.forget_all();
  EXPECT_FALSE(c.keep(principal("user-a"), "old row", before_loss));
  // A fill begun after the change is kept.
  EXPECT_TRUE(c.keep(principal("user-a"), "new row", c.generation()));
  EXPECT_EQ(c.find(principal("user-a"))->body, "new row");
}

TEST(PrincipalCache, entries_expire_after_the_ttl_safety_net) {
  PrincipalCache c(1 << 20, 60s);
  const auto t = PrincipalCache::Clock::now();
  ASSERT_TRUE(c.keep(principal("user-a"), "A", c.generation(), t));
  EXPECT_TRUE(c.find(principal("user-a"), t + 59s));
  EXPECT_FALSE(c.find(principal("user-a"), t + 61s));
}

TEST(PrincipalCache, usable_only_while_enabled_and_trusted) {
  PrincipalCache off(0, 60s);
  EXPECT_FALSE(off.usable());
  EXPECT_FALSE(off.keep(principal("user-a"), "A", off.generation()));
  EXPECT_FALSE(off.find(principal("user-a")));

  PrincipalCache c(1 << 20, 60s);
  EXPECT_TRUE(c.usable());
  bool events_arrive = false;
  c.trust_while([&] { return events_arrive; });
  EXPECT_FALSE(c.usable());
  events_arrive = true;
  EXPECT_TRUE(c.usable());
}

TEST(PrincipalCache, stays_within_its_byte_budget) {
  const std::size_t budget = 64 * 1024;
  PrincipalCache c(budget, 60s);
  for (int i = 0; i < 2000; ++i) c.keep(principal("user-" + std::to_string(i)), std::string(400, 'x'), c.generation());
  EXPECT_GT(c.entries(), 0u);
  EXPECT_LT(c.entries(), 2000u);
  EXPECT_TRUE(c.find(principal("user-1999")));  // the newest stays
}

}  // namespace
}  // namespace mercato::gateway
