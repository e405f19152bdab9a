#include "services/identity/users_service.hpp"

#include <initializer_list>

#include "core/json.hpp"
#include "services/identity/revocations.hpp"

namespace mercato::identity {

namespace {

std::string audit_detail(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  for (const auto& [k, v] : kv) w.key(k).string(v);
  w.end_object();
  return out;
}

bool is_active_admin(const User& u) { return u.role == "admin" && u.active; }

/// The last-admin rule: `before` would stop being an active admin while no other remains.
bool removes_last_admin(const User& before, bool stops_being_active_admin, std::int64_t active_admins) {
  return is_active_admin(before) && stops_being_active_admin && active_admins <= 1;
}

struct Locked {
  std::int64_t active_admins = 0;
  std::optional<User> user;  // nullopt: no such live user
};

/// The active admins' rows, then the target's, locked: always in that order, so two changes
/// never wait for each other's locks in opposite orders.
asio::awaitable<Result<Locked>> lock_admins_then_user(UserWrites& w, const std::string& key, bool by_email) {
  auto admins = co_await w.lock_active_admins();
  if (!admins) co_return std::move(admins).error();
  Result<std::optional<User>> user = std::optional<User>{};
  if (by_email)
    user = co_await w.lock_by_email(key);
  else
    user = co_await w.lock_by_id(key);
  if (!user) co_return std::move(user).error();
  co_return Locked{*admins, std::move(*user)};
}

}  // namespace

Error last_admin_error() {
  return conflict("the last active admin cannot be demoted, deactivated or deleted; make another admin first");
}

asio::awaitable<Result<UserPage>> UsersService::list(std::int64_t limit, std::int64_t offset, trace::Scope scope) {
  co_return co_await store_.list(limit, offset, scope);
}

asio::awaitable<Result<User>> UsersService::create(NewUser u, std::optional<std::string> actor, trace::Scope scope) {
  std::optional<User> created;
  UserStore::WriteWork work = [&](UserWrites& w) -> asio::awaitable<Status> {
    auto r = co_await w.insert(u);
    if (!r) co_return std::move(r).error();
    created = std::move(*r);
    AuditEntry entry{actor, "user.create", created->id, audit_detail({{"email", created->email}, {"role", created->role}})};
    co_return co_await w.audit(entry);
  };
  auto st = co_await store_.write(scope, work);
  if (!st) co_return std::move(st).error();
  co_return std::move(*created);
}

asio::awaitable<Result<User>> UsersService::update(std::string id, UserChange change, std::optional<std::string> actor,
                                                   trace::Scope scope) {
  const std::int64_t not_before = next_not_before();
  std::optional<User> after;
  bool revokes = false;
  UserStore::WriteWork work = [&](UserWrites& w) -> asio::awaitable<Status> {
    auto locked = co_await lock_admins_then_user(w, id, false);
    if (!locked) co_return std::move(locked).error();
    if (!locked->user) co_return not_found("user not found");
    const User& before = *locked->user;

    const bool role_changes = change.role && *change.role != before.role;
    const bool deactivates = change.active && !*change.active && before.active;
    if (removes_last_admin(before, role_changes || deactivates, locked->active_admins)) co_return last_admin_error();
    // Every access token issued under the old role, password or active flag dies too.
    revokes = role_changes || change.password_hash || (change.active && *change.active != before.active);

    const std::optional<std::int64_t> new_not_before = revokes ? std::optional(not_before) : std::nullopt;
    auto updated = co_await w.update(id, change, new_not_before);
    if (!updated) co_return std::move(updated).error();
    after = std::move(*updated);

    // Whoever held a session under the old role, the old password or while active must log
    // in again: their refresh tokens die now, their access tokens within JWT_ACCESS_TTL.
    const char* reason = deactivates ? "user_inactive" : (role_changes || change.password_hash) ? "user_changed" : nullptr;
    if (reason)
      if (auto st = co_await w.revoke_families(after->id, reason); !st) co_return st;
    std::string changed;
    if (change.name) changed += "name ";
    if (change.role) changed += "role ";
    if (change.active) changed += "active ";
    if (change.password_hash) changed += "password ";
    AuditEntry entry{actor, "user.update", after->id, audit_detail({{"changed", changed}, {"role", after->role}})};
    co_return co_await w.audit(entry);
  };
  auto st = co_await store_.write(scope, work);
  if (!st) co_return std::move(st).error();
  // Committed: now every verifier must stop trusting the user's older access tokens.
  if (revokes) {
    auth::Revocation revoked{after->id, not_before};  // named: docs/toolchain.md#coroutine-pitfalls
    co_await revocations_.publish(std::move(revoked));
  }
  // Every update changes what /auth/me answers (updated_at at least), revoking or not.
  co_await revocations_.user_changed(after->id);
  co_return std::move(*after);
}

asio::awaitable<Status> UsersService::remove(std::string id, std::optional<std::string> actor, trace::Scope scope) {
  const std::int64_t not_before = next_not_before();
  UserStore::WriteWork work = [&](UserWrites& w) -> asio::awaitable<Status> {
    auto locked = co_await lock_admins_then_user(w, id, false);
    if (!locked) co_return std::move(locked).error();
    if (!locked->user) co_return not_found("user not found");
    if (removes_last_admin(*locked->user, true, locked->active_admins)) co_return last_admin_error();
    if (auto st = co_await w.soft_delete(id, not_before); !st) co_return st;
    if (auto st = co_await w.revoke_families(id, "user_deleted"); !st) co_return st;
    AuditEntry entry{actor, "user.delete", id, audit_detail({{"email", locked->user->email}})};
    co_return co_await w.audit(entry);
  };
  auto st = co_await store_.write(scope, work);
  if (!st) co_return st;
  auth::Revocation revoked{id, not_before};
  co_await revocations_.publish(std::move(revoked));
  co_await revocations_.user_changed(std::move(id));
  co_return Status{};
}

asio::awaitable<Result<UsersService::Upserted>> UsersService::upsert(NewUser u, bool keep_name, trace::Scope scope) {
  const std::int64_t not_before = next_not_before();
  Upserted out;
  UserStore::WriteWork work = [&](UserWrites& w) -> asio::awaitable<Status> {
    auto locked = co_await lock_admins_then_user(w, u.email, true);
    if (!locked) co_return std::move(locked).error();
    if (!locked->user) {
      auto created = co_await w.insert(u);
      if (!created) co_return std::move(created).error();
      out = {std::move(*created), true};
      AuditEntry entry{std::nullopt, "user.create", out.user.id,
                       audit_detail({{"email", out.user.email}, {"role", out.user.role}, {"via", "cli"}})};
      co_return co_await w.audit(entry);
    }
    if (removes_last_admin(*locked->user, u.role != "admin", locked->active_admins)) co_return last_admin_error();
    auto reset = co_await w.reset(locked->user->id, u, keep_name, not_before);
    if (!reset) co_return std::move(reset).error();
    out = {std::move(*reset), false};
    if (auto st = co_await w.revoke_families(out.user.id, "user_changed"); !st) co_return st;
    AuditEntry entry{std::nullopt, "user.reset", out.user.id, audit_detail({{"role", out.user.role}, {"via", "cli"}})};
    co_return co_await w.audit(entry);
  };
  auto st = co_await store_.write(scope, work);
  if (!st) co_return std::move(st).error();
  if (!out.created) {
    auth::Revocation revoked{out.user.id, not_before};
    co_await revocations_.publish(std::move(revoked));
    co_await revocations_.user_changed(out.user.id);
  }
  co_return out;
}

}  // namespace mercato::identity
