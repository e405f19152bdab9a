#include "services/identity/refresh_tokens.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "services/identity/transaction_work.hpp"

namespace mercato::identity {

asio::awaitable<Result<std::optional<std::string>>> RefreshRotation::lock_family(const std::string& token_hash) {
  auto r = co_await tx_.query(
      "SELECT f.id::text FROM refresh_token_families f "
      "WHERE f.id = (SELECT family_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex')) FOR UPDATE",
      db::params(token_hash));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<std::string>{};
  co_return std::optional(db::RowReader(*r, 0).text());
}

asio::awaitable<Result<std::optional<StoredRefresh>>> RefreshRotation::read(const std::string& token_hash) {
  auto r = co_await tx_.query(
      "SELECT f.id::text, f.revoked_at IS NOT NULL, f.expires_at <= now(), "
      "       floor(extract(epoch FROM f.expires_at - now()))::bigint, "
      "       t.used_at IS NOT NULL, floor(extract(epoch FROM now() - t.used_at) * 1000)::bigint, "
      "       coalesce(t.used_by, ''), coalesce(encode(t.successor_sealed, 'hex'), ''), "
      "       s.token_hash IS NOT NULL AND s.used_at IS NULL, "
      "       u.id::text, u.email, u.name, u.role, u.store_id::text, u.active AND u.deleted_at IS NULL "
      "FROM refresh_tokens t "
      "JOIN refresh_token_families f ON f.id = t.family_id "
      "JOIN users u ON u.id = f.user_id "
      "LEFT JOIN refresh_tokens s ON s.token_hash = t.successor_hash "
      "WHERE t.token_hash = decode($1, 'hex')",
      db::params(token_hash));
  if (!r) co_return std::move(r).error();
  if (r->empty()) co_return std::optional<StoredRefresh>{};
  db::RowReader row(*r, 0);
  StoredRefresh t;
  t.family_id = row.text();
  // NULL or unreadable reads as the refusing value.
  t.state.family_revoked = row.boolean(true);
  t.state.family_expired = row.boolean(true);
  t.family_remaining = std::chrono::seconds(std::max<std::int64_t>(0, row.int64()));
  t.state.used = row.boolean(true);
  t.state.since_used = std::chrono::milliseconds(row.int64());
  t.state.used_by = row.text();
  t.sealed_successor = row.text();
  t.state.has_sealed_successor = !t.sealed_successor.empty();
  t.state.successor_unused = row.boolean();
  t.user.id = row.text();
  t.user.email = row.text();
  t.user.name = row.text();
  t.user.role = row.text();
  t.user.store_id = row.text();
  t.user.active = row.boolean();
  t.state.user_can_login = t.user.active;
  co_return std::optional(std::move(t));
}

asio::awaitable<Status> RefreshRotation::revoke_family(const std::string& family_id, std::string_view reason) {
  auto r = co_await tx_.query(
      "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 WHERE id = $1::uuid",
      db::params(family_id, reason));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> RefreshRotation::audit_reuse(const std::string& user_id, const std::string& family_id) {
  auto r = co_await tx_.query(
      "INSERT INTO audit_log (id, action, target_id, detail) VALUES ($1::uuid, 'token.reuse', $2::uuid, "
      "jsonb_build_object('family', $3::text))",
      db::params(ids::uuid_v7(), user_id, family_id));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> RefreshRotation::store_successor(const std::string& family_id, const std::string& token_hash,
                                                         const std::string& fingerprint,
                                                         const std::string& successor_hash,
                                                         const std::string& sealed_successor_hex) {
  std::vector<db::Statement> sts;
  sts.push_back(db::Statement::text(
      "INSERT INTO refresh_tokens (token_hash, family_id) VALUES (decode($1, 'hex'), $2::uuid)",
      db::params(successor_hash, family_id)));
  sts.push_back(db::Statement::text(
      "UPDATE refresh_tokens SET used_at = now(), used_by = $2, successor_hash = decode($3, 'hex'), "
      "successor_sealed = decode($4, 'hex') WHERE token_hash = decode($1, 'hex')",
      db::params(token_hash, fingerprint, successor_hash, sealed_successor_hex)));
  auto rs = co_await tx_.pipeline(std::move(sts));
  for (auto& r : rs)
    if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> RefreshTokens::start_family(const std::string& family_id, const std::string& user_id,
                                                    const std::string& token_hash, std::chrono::seconds lifetime,
                                                    trace::Scope scope) {
  // One round trip: both statements run as one implicit transaction.
  std::vector<db::Statement> sts;
  sts.push_back(
      db::Statement::text("INSERT INTO refresh_token_families (id, user_id, expires_at) "
                          "VALUES ($1::uuid, $2::uuid, now() + make_interval(secs => $3::bigint))",
                          db::params(family_id, user_id, static_cast<std::int64_t>(lifetime.count()))));
  sts.push_back(
      db::Statement::text("INSERT INTO refresh_tokens (token_hash, family_id) VALUES (decode($1, 'hex'), $2::uuid)",
                          db::params(token_hash, family_id)));
  auto rs = co_await pool_.until(scope).pipeline(std::move(sts));
  for (auto& r : rs)
    if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Status> RefreshTokens::rotation(trace::Scope scope, const RotationWork& work) {
  co_return co_await run_in_transaction<RefreshRotation>(pool_.until(scope), work);
}

asio::awaitable<Status> RefreshTokens::revoke_family_of(const std::string& token_hash, std::string_view reason,
                                                        trace::Scope scope) {
  auto r = co_await pool_.until(scope).query(
      "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 "
      "WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex')) AND revoked_at IS NULL",
      db::params(token_hash, reason));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

asio::awaitable<Result<std::int64_t>> RefreshTokens::delete_old() {
  auto r = co_await pool_.query(
      "DELETE FROM refresh_token_families WHERE expires_at < now() - interval '7 days' "
      "OR revoked_at < now() - interval '7 days'");
  if (!r) co_return std::move(r).error();
  co_return r->affected_rows();
}

}  // namespace mercato::identity
