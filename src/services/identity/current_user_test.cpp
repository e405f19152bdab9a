// Whose access token identity still honours on its own routes (current_user.hpp), with an
// in-memory UserStore: no PostgreSQL.
#include "services/identity/current_user.hpp"

#include <gtest/gtest.h>

#include "services/identity/memory_user_store.hpp"

namespace mercato::identity {
namespace {

using fakes::MemoryStore;
using fakes::run;

class CurrentUser : public ::testing::Test {
 protected:
  MemoryStore store;

  http::Principal principal(const User& u, std::string role, std::int64_t issued_at = 1'000) {
    return http::Principal{u.id, std::move(role), u.store_id, issued_at};
  }
  Result<User> check(const http::Principal& p) { return run(current_user(store, p, kNoDeadline)); }
};

TEST_F(CurrentUser, a_live_active_user_with_a_current_token_is_honoured) {
  User& u = store.add("editor@example.com", "editor");
  auto r = check(principal(u, "editor"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, u.id);
  // A token claiming less than the user now has is still honoured (for what it claims).
  EXPECT_TRUE(check(principal(u, "viewer")));
}

TEST_F(CurrentUser, deleted_inactive_or_unknown_users_are_refused_as_invalid_token) {
  User& inactive = store.add("inactive@example.com", "editor", /*active=*/false);
  EXPECT_EQ(check(principal(inactive, "editor")).error().code, ErrorCode::invalid_token);
  User& gone = store.add("gone@example.com", "editor");
  store.rows.at(gone.id).deleted = true;
  EXPECT_EQ(check(principal(gone, "editor")).error().code, ErrorCode::invalid_token);
  User nobody;
  nobody.id = "00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(check(principal(nobody, "viewer")).error().code, ErrorCode::invalid_token);
}

TEST_F(CurrentUser, a_token_issued_before_tokens_not_before_is_refused) {
  User& u = store.add("user@example.com", "admin");
  u.tokens_not_before = 2'000;
  EXPECT_EQ(check(principal(u, "admin", 1'999)).error().code, ErrorCode::invalid_token);
  EXPECT_TRUE(check(principal(u, "admin", 2'000)));
}

TEST_F(CurrentUser, a_role_claim_above_the_current_role_is_refused_even_without_a_newer_not_before) {
  // A row changed by hand: no tokens_not_before, but the token must not lend the old power.
  User& u = store.add("demoted@example.com", "viewer");
  EXPECT_EQ(check(principal(u, "admin")).error().code, ErrorCode::invalid_token);
  EXPECT_EQ(check(principal(u, "editor")).error().code, ErrorCode::invalid_token);
  EXPECT_EQ(check(principal(u, "superuser")).error().code, ErrorCode::invalid_token);
}

}  // namespace
}  // namespace mercato::identity
