#include "services/identity/users_repository.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "db/errors.hpp"

namespace mercato::identity {

namespace {

// RFC 3339 in UTC with milliseconds, formatted by PostgreSQL so the service never parses
// timestamps.
std::string utc(std::string_view column) {
  return "to_char(" + std::string(column) + R"( AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))";
}
const std::string kColumns = "id::text, email, name, role, store_id::text, active, password_hash, " +
                             utc("created_at") + ", " + utc("updated_at") + ", " + utc("password_changed_at") +
                             ", COALESCE(extract(epoch FROM tokens_not_before)::bigint, 0)";

User read_user(const db::QueryResult& r, int row) {
  User u;
  u.id = r.get(row, 0);
  u.email = r.get(row, 1);
  u.name = r.get(row, 2);
  u.role = r.get(row, 3);
  u.store_id = r.get(row, 4);
  u.active = r.get_bool(row, 5).value_or(false);
  u.password_hash = r.get(row, 6);
  u.created_at = r.get(row, 7);
  u.updated_at = r.get(row, 8);
  u.password_changed_at = r.get(row, 9);
  u.tokens_not_before = r.get_int64(row, 10).value_or(0);
  return u;
}

std::optional<User> first_user(const db::QueryResult& r) {
  if (r.empty()) return std::nullopt;
  return read_user(r, 0);
}

std::string audit_detail(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  for (const auto& [k, v] : kv) w.key(k).string(v);
  w.end_object();
  return out;
}

// Statements run inside transactions (plain SQL; the pool prepares nothing for them).
const std::string kLockActiveAdmins =
    // Locks every active admin row, so two requests demoting the last two admins at once
    // serialise here and the second sees only one left (READ COMMITTED re-checks the rows
    // it waited for). Served by users_active_admins_idx.
    "SELECT id::text FROM users WHERE role = 'admin' AND active AND deleted_at IS NULL ORDER BY id FOR UPDATE";
const std::string kLockUser =
    "SELECT " + kColumns + " FROM users WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE";
const std::string kLockUserByEmail =
    "SELECT " + kColumns + " FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL FOR UPDATE";
const std::string kRevokeFamilies =
    "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 "
    "WHERE user_id = $1::uuid AND revoked_at IS NULL";
const std::string kAudit =
    "INSERT INTO audit_log (id, actor_id, action, target_id, detail) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, "
    "$5::jsonb)";

Error last_admin_error() {
  return conflict("the last active admin cannot be demoted, deactivated or deleted; make another admin first");
}

/// The user's families revoked, and the change audited, in the caller's transaction.
asio::awaitable<Status> after_change(db::Transaction& tx, const std::string& user_id, const char* revoke_reason,
                                     const std::optional<std::string>& actor, std::string_view action,
                                     std::string detail) {
  if (revoke_reason) {
    auto r = co_await tx.query(kRevokeFamilies, db::params(user_id, revoke_reason));
    if (!r) co_return std::move(r).error();
  }
  auto a = co_await tx.query(kAudit, db::params(ids::uuid_v7(), actor, action, user_id, detail));
  if (!a) co_return std::move(a).error();
  co_return Status{};
}

}  // namespace

UsersRepository::UsersRepository(db::Pool& pool) : pool_(pool) {
  // Served by users_email_live_key. $1 is already normalize_email()'d, and compared as it
  // is: the login throttle counts exactly that spelling, so whatever lower() does to
  // non-ASCII letters in the database's locale, no other spelling reaches this account.
  pool_.prepare("user_by_email", "SELECT " + kColumns + " FROM users WHERE lower(email) = $1 AND deleted_at IS NULL");
  pool_.prepare("user_by_id", "SELECT " + kColumns + " FROM users WHERE id = $1::uuid AND deleted_at IS NULL");
  // Served by users_live_id_idx (an index scan in id order, stopping after LIMIT + OFFSET).
  pool_.prepare("users_page",
                "SELECT " + kColumns + " FROM users WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2");
  pool_.prepare("users_count", "SELECT count(*) FROM users WHERE deleted_at IS NULL");
  // Served by users_tokens_not_before_idx.
  pool_.prepare("users_recent_revocations",
                "SELECT id::text, extract(epoch FROM tokens_not_before)::bigint FROM users "
                "WHERE tokens_not_before IS NOT NULL AND tokens_not_before > now() - make_interval(secs => $1)");
  pool_.prepare("user_insert",
                "INSERT INTO users (id, email, name, role, password_hash) VALUES ($1::uuid, $2, $3, $4, $5) "
                "RETURNING " +
                    kColumns);
}

asio::awaitable<Result<std::optional<User>>> UsersRepository::by_email(std::string email) {
  auto r = co_await pool_.execute("user_by_email", db::params(email));
  if (!r) co_return std::move(r).error();
  co_return first_user(*r);
}

asio::awaitable<Result<std::optional<User>>> UsersRepository::by_id(std::string id) {
  auto r = co_await pool_.execute("user_by_id", db::params(id));
  if (!r) co_return std::move(r).error();
  co_return first_user(*r);
}

asio::awaitable<Result<UserPage>> UsersRepository::list(std::int64_t limit, std::int64_t offset) {
  std::vector<db::Statement> sts;
  sts.push_back(db::Statement::prepared("users_page", db::params(limit, offset)));
  sts.push_back(db::Statement::prepared("users_count"));
  auto rs = co_await pool_.pipeline(std::move(sts));
  for (auto& r : rs)
    if (!r) co_return std::move(r).error();
  UserPage page;
  for (int i = 0; i < rs[0]->rows(); ++i) page.users.push_back(read_user(*rs[0], i));
  page.total = rs[1]->get_int64(0, 0).value_or(0);
  co_return page;
}

asio::awaitable<Result<User>> UsersRepository::create(NewUser u, std::optional<std::string> actor) {
  auto work = [&](db::Transaction& tx) -> asio::awaitable<Result<User>> {
    auto r = co_await tx.execute("user_insert", db::params(ids::uuid_v7(), u.email, u.name, u.role, u.password_hash));
    if (!r) {
      if (r.error().reason == db::reason::unique_violation) co_return conflict("a user with this email already exists");
      co_return std::move(r).error();
    }
    User created = read_user(*r, 0);
    std::string detail = audit_detail({{"email", created.email}, {"role", created.role}});
    auto st = co_await after_change(tx, created.id, nullptr, actor, "user.create", std::move(detail));
    if (!st) co_return std::move(st).error();
    co_return created;
  };
  co_return co_await pool_.transaction(work);
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> UsersRepository::recent_revocations(
    std::int64_t horizon_seconds) {
  auto r = co_await pool_.execute("users_recent_revocations", db::params(horizon_seconds));
  if (!r) co_return std::move(r).error();
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0), r->get_int64(i, 1).value_or(0));
  co_return out;
}

asio::awaitable<Result<User>> UsersRepository::update(std::string id, UserChange change,
                                                      std::optional<std::string> actor, std::int64_t not_before) {
  auto work = [&](db::Transaction& tx) -> asio::awaitable<Result<User>> {
    auto admins = co_await tx.query(kLockActiveAdmins);
    if (!admins) co_return std::move(admins).error();
    auto target = co_await tx.query(kLockUser, db::params(id));
    if (!target) co_return std::move(target).error();
    if (target->empty()) co_return not_found("user not found");
    const User before = read_user(*target, 0);

    const bool role_changes = change.role && *change.role != before.role;
    const bool deactivates = change.active && !*change.active && before.active;
    const bool loses_admin = before.role == "admin" && before.active && (role_changes || deactivates);
    if (loses_admin && admins->rows() <= 1) co_return last_admin_error();
    // Every access token issued under the old role, password or active flag dies too.
    const bool revokes = role_changes || change.password_hash || (change.active && *change.active != before.active);

    auto r = co_await tx.query(
        "UPDATE users SET name = COALESCE($2::text, name), role = COALESCE($3::text, role), "
        "active = COALESCE($4::boolean, active), password_hash = COALESCE($5::text, password_hash), "
        "password_changed_at = CASE WHEN $5::text IS NULL THEN password_changed_at ELSE now() END, "
        "tokens_not_before = CASE WHEN $6::boolean THEN to_timestamp($7::bigint) ELSE tokens_not_before END, "
        "updated_at = now() WHERE id = $1::uuid RETURNING " +
            kColumns,
        db::params(id, change.name, change.role, change.active, change.password_hash, revokes, not_before));
    if (!r) co_return std::move(r).error();
    User after = read_user(*r, 0);

    // Whoever held a session under the old role, the old password or while active must
    // log in again: their refresh tokens die now, their access tokens within JWT_ACCESS_TTL.
    const char* reason = nullptr;
    if (deactivates)
      reason = "user_inactive";
    else if (role_changes || change.password_hash)
      reason = "user_changed";
    std::string changed;
    if (change.name) changed += "name ";
    if (change.role) changed += "role ";
    if (change.active) changed += "active ";
    if (change.password_hash) changed += "password ";
    std::string detail = audit_detail({{"changed", changed}, {"role", after.role}});
    auto st = co_await after_change(tx, after.id, reason, actor, "user.update", std::move(detail));
    if (!st) co_return std::move(st).error();
    co_return after;
  };
  co_return co_await pool_.transaction(work);
}

asio::awaitable<Status> UsersRepository::remove(std::string id, std::optional<std::string> actor,
                                                std::int64_t not_before) {
  auto work = [&](db::Transaction& tx) -> asio::awaitable<Result<bool>> {
    auto admins = co_await tx.query(kLockActiveAdmins);
    if (!admins) co_return std::move(admins).error();
    auto target = co_await tx.query(kLockUser, db::params(id));
    if (!target) co_return std::move(target).error();
    if (target->empty()) co_return not_found("user not found");
    const User before = read_user(*target, 0);
    if (before.role == "admin" && before.active && admins->rows() <= 1) co_return last_admin_error();
    auto r = co_await tx.query(
        "UPDATE users SET deleted_at = now(), active = false, tokens_not_before = to_timestamp($2::bigint), "
        "updated_at = now() WHERE id = $1::uuid",
        db::params(id, not_before));
    if (!r) co_return std::move(r).error();
    std::string detail = audit_detail({{"email", before.email}});
    auto st = co_await after_change(tx, id, "user_deleted", actor, "user.delete", std::move(detail));
    if (!st) co_return std::move(st).error();
    co_return true;
  };
  auto r = co_await pool_.transaction(work);
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<std::pair<User, bool>>> UsersRepository::upsert(NewUser u, bool keep_name,
                                                                      std::int64_t not_before) {
  auto work = [&](db::Transaction& tx) -> asio::awaitable<Result<std::pair<User, bool>>> {
    auto admins = co_await tx.query(kLockActiveAdmins);
    if (!admins) co_return std::move(admins).error();
    auto existing = co_await tx.query(kLockUserByEmail, db::params(u.email));
    if (!existing) co_return std::move(existing).error();
    if (existing->empty()) {
      auto r = co_await tx.execute("user_insert", db::params(ids::uuid_v7(), u.email, u.name, u.role, u.password_hash));
      if (!r) co_return std::move(r).error();
      User created = read_user(*r, 0);
      std::string detail = audit_detail({{"email", created.email}, {"role", created.role}, {"via", "cli"}});
      auto st = co_await after_change(tx, created.id, nullptr, std::nullopt, "user.create", std::move(detail));
      if (!st) co_return std::move(st).error();
      co_return std::pair<User, bool>{created, true};
    }
    const User before = read_user(*existing, 0);
    if (before.role == "admin" && before.active && u.role != "admin" && admins->rows() <= 1)
      co_return last_admin_error();
    auto r = co_await tx.query(
        "UPDATE users SET role = $2, name = CASE WHEN $3::boolean THEN name ELSE $4 END, password_hash = $5, "
        "active = true, password_changed_at = now(), tokens_not_before = to_timestamp($6::bigint), "
        "updated_at = now() WHERE id = $1::uuid RETURNING " +
            kColumns,
        db::params(before.id, u.role, keep_name, u.name, u.password_hash, not_before));
    if (!r) co_return std::move(r).error();
    User after = read_user(*r, 0);
    std::string detail = audit_detail({{"role", after.role}, {"via", "cli"}});
    auto st = co_await after_change(tx, after.id, "user_changed", std::nullopt, "user.reset", std::move(detail));
    if (!st) co_return std::move(st).error();
    co_return std::pair<User, bool>{after, false};
  };
  co_return co_await pool_.transaction(work);
}

}  // namespace mercato::identity
