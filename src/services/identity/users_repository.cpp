#include "services/identity/users_repository.hpp"

#include "core/ids.hpp"
#include "db/errors.hpp"
#include "services/identity/transaction_work.hpp"

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

// Reads kColumns, in their order.
User read_user(const db::QueryResult& r, int i) {
  db::RowReader row(r, i);
  User u;
  u.id = row.text();
  u.email = row.text();
  u.name = row.text();
  u.role = row.text();
  u.store_id = row.text();
  u.active = row.boolean();
  u.password_hash = row.text();
  u.created_at = row.text();
  u.updated_at = row.text();
  u.password_changed_at = row.text();
  u.tokens_not_before = row.int64();
  return u;
}

std::optional<User> first_user(const db::QueryResult& r) {
  if (r.empty()) return std::nullopt;
  return read_user(r, 0);
}

const db::ConstraintMeaning kUserConstraints{"a user with this email already exists", {}, {}, {}};

// Statements run inside transactions (plain SQL; the pool prepares nothing for them).
const std::string kLockActiveAdmins =
    // READ COMMITTED re-checks the rows it waited for, so the second of two concurrent
    // demotions sees only one admin left. Served by users_active_admins_idx.
    "SELECT id::text FROM users WHERE role = 'admin' AND active AND deleted_at IS NULL ORDER BY id FOR UPDATE";
const std::string kLockUser =
    "SELECT " + kColumns + " FROM users WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE";
const std::string kLockUserByEmail =
    "SELECT " + kColumns + " FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL FOR UPDATE";
const std::string kUpdate =
    "UPDATE users SET name = COALESCE($2::text, name), role = COALESCE($3::text, role), "
    "active = COALESCE($4::boolean, active), password_hash = COALESCE($5::text, password_hash), "
    "password_changed_at = CASE WHEN $5::text IS NULL THEN password_changed_at ELSE now() END, "
    "tokens_not_before = COALESCE(to_timestamp($6::bigint), tokens_not_before), "
    "updated_at = now() WHERE id = $1::uuid AND deleted_at IS NULL RETURNING " +
    kColumns;
const std::string kReset =
    "UPDATE users SET role = $2, name = CASE WHEN $3::boolean THEN name ELSE $4 END, password_hash = $5, "
    "active = true, password_changed_at = now(), tokens_not_before = to_timestamp($6::bigint), "
    "updated_at = now() WHERE id = $1::uuid AND deleted_at IS NULL RETURNING " +
    kColumns;
const std::string kSoftDelete =
    "UPDATE users SET deleted_at = now(), active = false, tokens_not_before = to_timestamp($2::bigint), "
    "updated_at = now() WHERE id = $1::uuid AND deleted_at IS NULL";
const std::string kRevokeFamilies =
    "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 "
    "WHERE user_id = $1::uuid AND revoked_at IS NULL";
const std::string kAudit =
    "INSERT INTO audit_log (id, actor_id, action, target_id, detail) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, "
    "$5::jsonb)";

/// UserWrites on one PostgreSQL transaction.
class TransactionWrites final : public UserWrites {
 public:
  explicit TransactionWrites(db::Transaction& tx) : tx_(tx) {}

  asio::awaitable<Result<std::int64_t>> lock_active_admins() override {
    auto r = co_await tx_.query(kLockActiveAdmins);
    if (!r) co_return std::move(r).error();
    co_return static_cast<std::int64_t>(r->rows());
  }

  asio::awaitable<Result<std::optional<User>>> lock_by_id(const std::string& id) override {
    auto r = co_await tx_.query(kLockUser, db::params(id));
    if (!r) co_return std::move(r).error();
    co_return first_user(*r);
  }

  asio::awaitable<Result<std::optional<User>>> lock_by_email(const std::string& email) override {
    auto r = co_await tx_.query(kLockUserByEmail, db::params(email));
    if (!r) co_return std::move(r).error();
    co_return first_user(*r);
  }

  asio::awaitable<Result<User>> insert(const NewUser& u) override {
    auto r = co_await tx_.execute("user_insert", db::params(ids::uuid_v7(), u.email, u.name, u.role, u.password_hash));
    if (!r) co_return db::domain_error(std::move(r).error(), kUserConstraints);
    co_return read_user(*r, 0);
  }

  asio::awaitable<Result<User>> update(const std::string& id, const UserChange& c,
                                       std::optional<std::int64_t> not_before) override {
    auto r = co_await tx_.query(kUpdate, db::params(id, c.name, c.role, c.active, c.password_hash, not_before));
    if (!r) co_return db::domain_error(std::move(r).error(), kUserConstraints);
    if (r->empty()) co_return not_found("user not found");
    co_return read_user(*r, 0);
  }

  asio::awaitable<Result<User>> reset(const std::string& id, const NewUser& u, bool keep_name,
                                      std::int64_t not_before) override {
    auto r = co_await tx_.query(kReset, db::params(id, u.role, keep_name, u.name, u.password_hash, not_before));
    if (!r) co_return db::domain_error(std::move(r).error(), kUserConstraints);
    if (r->empty()) co_return not_found("user not found");
    co_return read_user(*r, 0);
  }

  asio::awaitable<Status> soft_delete(const std::string& id, std::int64_t not_before) override {
    auto r = co_await tx_.query(kSoftDelete, db::params(id, not_before));
    if (!r) co_return std::move(r).error();
    if (r->affected_rows() == 0) co_return not_found("user not found");
    co_return Status{};
  }

  asio::awaitable<Status> revoke_families(const std::string& user_id, std::string_view reason) override {
    auto r = co_await tx_.query(kRevokeFamilies, db::params(user_id, reason));
    if (!r) co_return std::move(r).error();
    co_return Status{};
  }

  asio::awaitable<Status> audit(const AuditEntry& e) override {
    auto r = co_await tx_.query(kAudit, db::params(ids::uuid_v7(), e.actor_id, e.action, e.target_id, e.detail));
    if (!r) co_return std::move(r).error();
    co_return Status{};
  }

 private:
  db::Transaction& tx_;
};

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

asio::awaitable<Result<std::optional<User>>> UsersRepository::by_email(std::string email, trace::Scope scope) {
  auto r = co_await pool_.until(scope).execute("user_by_email", db::params(email));
  if (!r) co_return std::move(r).error();
  co_return first_user(*r);
}

asio::awaitable<Result<std::optional<User>>> UsersRepository::by_id(std::string id, trace::Scope scope) {
  auto r = co_await pool_.until(scope).execute("user_by_id", db::params(id));
  if (!r) co_return std::move(r).error();
  co_return first_user(*r);
}

asio::awaitable<Result<UserPage>> UsersRepository::list(std::int64_t limit, std::int64_t offset, trace::Scope scope) {
  std::vector<db::Statement> sts;
  sts.push_back(db::Statement::prepared("users_page", db::params(limit, offset)));
  sts.push_back(db::Statement::prepared("users_count"));
  auto rs = co_await pool_.until(scope).pipeline(std::move(sts));
  for (auto& r : rs)
    if (!r) co_return std::move(r).error();
  UserPage page;
  for (int i = 0; i < rs[0]->rows(); ++i) page.users.push_back(read_user(*rs[0], i));
  page.total = db::RowReader(*rs[1], 0).int64();
  co_return page;
}

asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> UsersRepository::recent_revocations(
    std::int64_t horizon_seconds, trace::Scope scope) {
  auto r = co_await pool_.until(scope).execute("users_recent_revocations", db::params(horizon_seconds));
  if (!r) co_return std::move(r).error();
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (int i = 0; i < r->rows(); ++i) {
    db::RowReader row(*r, i);
    std::string user = row.text();
    out.emplace_back(std::move(user), row.int64());
  }
  co_return out;
}

asio::awaitable<Status> UsersRepository::write(trace::Scope scope, const WriteWork& work) {
  co_return co_await run_in_transaction<TransactionWrites>(pool_.until(scope), work);
}

}  // namespace mercato::identity
