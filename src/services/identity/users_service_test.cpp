// The user rules with an in-memory UserStore: no PostgreSQL. The PostgreSQL store itself is
// covered by tests/integration/test_identity_users.py.
#include "services/identity/users_service.hpp"

#include <gtest/gtest.h>

#include "services/identity/memory_user_store.hpp"

namespace mercato::identity {
namespace {

using fakes::MemoryStore;
using fakes::RecordedRevocations;
using fakes::run;

class UsersRules : public ::testing::Test {
 protected:
  MemoryStore store;
  RecordedRevocations revocations;
  UsersService service{store, revocations};

  Result<User> change(const std::string& id, UserChange c) {
    return run(service.update(id, std::move(c), std::string("actor"), kNoDeadline));
  }
  Status remove(const std::string& id) { return run(service.remove(id, std::string("actor"), kNoDeadline)); }

  static void expect_last_admin(const Error& e) {
    EXPECT_EQ(e.code, ErrorCode::conflict);
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_EQ(e.message, last_admin_error().message);
  }
};

UserChange role(std::string r) { return UserChange{std::nullopt, std::move(r), std::nullopt, std::nullopt}; }
UserChange active(bool a) { return UserChange{std::nullopt, std::nullopt, a, std::nullopt}; }

TEST_F(UsersRules, the_last_active_admin_cannot_be_demoted_deactivated_or_deleted) {
  const std::string admin = store.add("admin@example.com", "admin").id;
  store.add("editor@example.com", "editor");
  auto demoted = change(admin, role("editor"));
  ASSERT_FALSE(demoted);
  expect_last_admin(demoted.error());
  auto deactivated = change(admin, active(false));
  ASSERT_FALSE(deactivated);
  expect_last_admin(deactivated.error());
  auto deleted = remove(admin);
  ASSERT_FALSE(deleted);
  expect_last_admin(deleted.error());
  // Nothing changed, nothing was audited, revoked or published.
  EXPECT_EQ(store.get(admin).role, "admin");
  EXPECT_TRUE(store.get(admin).active);
  EXPECT_FALSE(store.rows.at(admin).deleted);
  EXPECT_TRUE(store.audit.empty());
  EXPECT_TRUE(store.revoked_families.empty());
  EXPECT_TRUE(revocations.published.empty());
}

TEST_F(UsersRules, an_inactive_admin_does_not_count_as_the_other_admin) {
  const std::string admin = store.add("admin@example.com", "admin").id;
  store.add("dormant@example.com", "admin", /*active=*/false);
  auto demoted = change(admin, role("viewer"));
  ASSERT_FALSE(demoted);
  expect_last_admin(demoted.error());
}

TEST_F(UsersRules, with_two_active_admins_one_may_go_then_the_other_is_the_last) {
  const std::string first = store.add("first@example.com", "admin").id;
  const std::string second = store.add("second@example.com", "admin").id;
  // An admin may change their own role while another admin remains (the routes pass the
  // caller as actor, and no rule refuses actor == target).
  auto r = run(service.update(first, role("editor"), first, kNoDeadline));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->role, "editor");
  auto again = remove(second);
  ASSERT_FALSE(again);
  expect_last_admin(again.error());
}

TEST_F(UsersRules, an_admin_may_be_deleted_or_deactivated_while_another_remains) {
  const std::string a = store.add("a@example.com", "admin").id;
  const std::string b = store.add("b@example.com", "admin").id;
  const std::string c = store.add("c@example.com", "admin").id;
  ASSERT_TRUE(change(a, active(false)));
  ASSERT_TRUE(remove(b));
  EXPECT_FALSE(store.get(a).active);
  EXPECT_TRUE(store.rows.at(b).deleted);
  expect_last_admin(change(c, active(false)).error());
}

TEST_F(UsersRules, a_non_admin_may_always_be_demoted_deactivated_or_deleted) {
  store.add("admin@example.com", "admin");
  const std::string editor = store.add("editor@example.com", "editor").id;
  EXPECT_TRUE(change(editor, role("viewer")));
  EXPECT_TRUE(change(editor, active(false)));
  EXPECT_TRUE(remove(editor));
}

TEST_F(UsersRules, unknown_users_are_not_found) {
  store.add("admin@example.com", "admin");
  EXPECT_EQ(change("00000000-0000-0000-0000-000000000000", role("viewer")).error().code, ErrorCode::not_found);
  EXPECT_EQ(remove("00000000-0000-0000-0000-000000000000").error().code, ErrorCode::not_found);
}

TEST_F(UsersRules, role_password_and_active_changes_revoke_sessions_and_a_name_change_does_not) {
  store.add("admin@example.com", "admin");
  const std::string u = store.add("user@example.com", "viewer").id;

  auto renamed = change(u, UserChange{std::string("New name"), std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->tokens_not_before, 0);
  EXPECT_TRUE(store.revoked_families.empty());
  EXPECT_TRUE(revocations.published.empty());
  // Nothing revoked, but the gateway's copy of the user must go (/auth/me shows the name).
  EXPECT_EQ(revocations.changed, std::vector<std::string>{u});

  auto promoted = change(u, role("editor"));
  ASSERT_TRUE(promoted);
  EXPECT_GT(promoted->tokens_not_before, 0);
  ASSERT_EQ(store.revoked_families.size(), 1u);
  EXPECT_EQ(store.revoked_families.back(), (std::pair<std::string, std::string>(u, "user_changed")));
  ASSERT_EQ(revocations.published.size(), 1u);
  EXPECT_EQ(revocations.published.back().user, u);
  EXPECT_EQ(revocations.published.back().not_before, promoted->tokens_not_before);

  ASSERT_TRUE(change(u, active(false)));
  EXPECT_EQ(store.revoked_families.back().second, "user_inactive");
  EXPECT_EQ(revocations.published.size(), 2u);

  // Re-activation moves tokens_not_before (tokens from before the deactivation stay dead) but
  // there are no live families left to revoke.
  ASSERT_TRUE(change(u, active(true)));
  EXPECT_EQ(store.revoked_families.size(), 2u);
  EXPECT_EQ(revocations.published.size(), 3u);

  auto repassworded = change(u, UserChange{std::nullopt, std::nullopt, std::nullopt, std::string("$argon2id$x")});
  ASSERT_TRUE(repassworded);
  EXPECT_EQ(store.revoked_families.back().second, "user_changed");
  EXPECT_EQ(revocations.published.size(), 4u);
  EXPECT_EQ(revocations.changed.size(), 5u);  // every committed update, revoking or not

  ASSERT_TRUE(remove(u));
  EXPECT_EQ(revocations.published.size(), 5u);
  EXPECT_EQ(revocations.changed, std::vector<std::string>(6, u));
}

TEST_F(UsersRules, every_change_is_audited_with_its_actor) {
  auto created = run(service.create(NewUser{"new@example.com", "New", "viewer", "h"}, std::string("actor"), kNoDeadline));
  ASSERT_TRUE(created);
  ASSERT_TRUE(change(created->id, role("editor")));
  ASSERT_TRUE(remove(created->id));
  ASSERT_EQ(store.audit.size(), 3u);
  EXPECT_EQ(store.audit[0].action, "user.create");
  EXPECT_EQ(store.audit[0].detail, R"({"email":"new@example.com","role":"viewer"})");
  EXPECT_EQ(store.audit[1].action, "user.update");
  EXPECT_EQ(store.audit[1].detail, R"({"changed":"role ","role":"editor"})");
  EXPECT_EQ(store.audit[2].action, "user.delete");
  for (const auto& e : store.audit) {
    EXPECT_EQ(e.actor_id, std::optional<std::string>("actor"));
    EXPECT_EQ(e.target_id, created->id);
  }
  EXPECT_EQ(store.revoked_families.back(), (std::pair<std::string, std::string>(created->id, "user_deleted")));
  EXPECT_EQ(revocations.published.back().user, created->id);
}

TEST_F(UsersRules, a_taken_email_is_a_conflict_and_changes_nothing) {
  store.add("taken@example.com", "viewer");
  auto r = run(service.create(NewUser{"taken@example.com", "", "viewer", "h"}, std::string("actor"), kNoDeadline));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(store.rows.size(), 1u);
  EXPECT_TRUE(store.audit.empty());
}

TEST_F(UsersRules, the_command_line_creates_then_resets_but_never_demotes_the_last_admin) {
  auto created = run(service.upsert(NewUser{"cli@example.com", "Cli", "admin", "h1"}, false, kNoDeadline));
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->created);
  EXPECT_TRUE(revocations.published.empty());

  auto reset = run(service.upsert(NewUser{"cli@example.com", "", "admin", "h2"}, true, kNoDeadline));
  ASSERT_TRUE(reset);
  EXPECT_FALSE(reset->created);
  EXPECT_EQ(reset->user.name, "Cli");  // kept
  EXPECT_EQ(reset->user.password_hash, "h2");
  ASSERT_EQ(revocations.published.size(), 1u);
  EXPECT_EQ(store.audit.back().action, "user.reset");

  auto demoted = run(service.upsert(NewUser{"cli@example.com", "", "viewer", "h3"}, true, kNoDeadline));
  ASSERT_FALSE(demoted);
  expect_last_admin(demoted.error());
  EXPECT_EQ(store.get(created->user.id).role, "admin");
}

}  // namespace
}  // namespace mercato::identity
