#include "services/identity/refresh_tokens.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::identity {

namespace {

std::chrono::seconds seconds_of(std::optional<std::int64_t> v) {
  return std::chrono::seconds(std::max<std::int64_t>(0, v.value_or(0)));
}

}  // namespace

RefreshTokens::RefreshTokens(db::Pool& pool, std::chrono::milliseconds family_lifetime, std::chrono::milliseconds grace)
    : pool_(pool),
      lifetime_(family_lifetime),
      grace_(grace),
      reuse_detected_(
          metrics::Registry::global()
              .counter("token_reuse_detected_total", "used refresh tokens presented again (family revoked as stolen)")
              .with({})) {}

asio::awaitable<Result<IssuedRefresh>> RefreshTokens::start_family(const User& user, Deadline deadline) {
  IssuedRefresh out;
  out.token = auth::new_refresh_token();
  out.lifetime = std::chrono::duration_cast<std::chrono::seconds>(lifetime_);
  const std::string family = ids::uuid_v7();
  // One round trip: both statements run as one implicit transaction.
  std::vector<db::Statement> sts;
  sts.push_back(
      db::Statement::text("INSERT INTO refresh_token_families (id, user_id, expires_at) "
                          "VALUES ($1::uuid, $2::uuid, now() + make_interval(secs => $3::bigint))",
                          db::params(family, user.id, static_cast<std::int64_t>(out.lifetime.count()))));
  sts.push_back(
      db::Statement::text("INSERT INTO refresh_tokens (token_hash, family_id) VALUES (decode($1, 'hex'), $2::uuid)",
                          db::params(auth::refresh_token_hash(out.token), family)));
  auto rs = co_await pool_.until(deadline).pipeline(std::move(sts));
  for (auto& r : rs)
    if (!r) co_return std::move(r).error();
  co_return out;
}

asio::awaitable<Result<RefreshOutcome>> RefreshTokens::rotate(std::string token, std::string fingerprint,
                                                            Deadline deadline) {
  RefreshOutcome outcome;
  if (!auth::is_refresh_token_shape(token)) co_return outcome;  // reject: not worth a query
  const std::string hash = auth::refresh_token_hash(token);
  std::string family_seen, user_seen;  // for the reuse log line

  auto work = [&](db::Transaction& tx) -> asio::awaitable<Result<RefreshOutcome>> {
    RefreshOutcome out;
    // Lock the family first: two refreshes of one family (two tabs, or a thief racing the
    // user) are decided one after the other, and the second sees what the first did.
    auto fam = co_await tx.query(
        "SELECT f.id::text FROM refresh_token_families f "
        "WHERE f.id = (SELECT family_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex')) FOR UPDATE",
        db::params(hash));
    if (!fam) co_return std::move(fam).error();
    if (fam->empty()) co_return out;  // unknown token
    const std::string family_id(fam->get(0, 0));

    // A new statement, so (READ COMMITTED) it sees everything committed before the lock.
    auto st = co_await tx.query(
        "SELECT f.revoked_at IS NOT NULL, f.expires_at <= now(), "
        "       floor(extract(epoch FROM f.expires_at - now()))::bigint, "
        "       t.used_at IS NOT NULL, floor(extract(epoch FROM now() - t.used_at) * 1000)::bigint, "
        "       coalesce(t.used_by, ''), coalesce(encode(t.successor_sealed, 'hex'), ''), "
        "       s.token_hash IS NOT NULL AND s.used_at IS NULL, u.id::text "
        "FROM refresh_tokens t "
        "JOIN refresh_token_families f ON f.id = t.family_id "
        "JOIN users u ON u.id = f.user_id "
        "LEFT JOIN refresh_tokens s ON s.token_hash = t.successor_hash "
        "WHERE t.token_hash = decode($1, 'hex')",
        db::params(hash));
    if (!st) co_return std::move(st).error();
    if (st->empty()) co_return out;
    auth::RefreshState s;
    s.family_revoked = st->get_bool(0, 0).value_or(true);
    s.family_expired = st->get_bool(0, 1).value_or(true);
    const auto remaining = seconds_of(st->get_int64(0, 2));
    s.used = st->get_bool(0, 3).value_or(true);
    s.since_used = std::chrono::milliseconds(st->get_int64(0, 4).value_or(0));
    s.used_by = std::string(st->get(0, 5));
    const std::string sealed(st->get(0, 6));
    s.has_sealed_successor = !sealed.empty();
    s.successor_unused = st->get_bool(0, 7).value_or(false);
    const std::string user_id(st->get(0, 8));
    family_seen = family_id;
    user_seen = user_id;

    auto user = co_await tx.execute("user_by_id", db::params(user_id));
    if (!user) co_return std::move(user).error();
    // A deleted user is gone from user_by_id; an inactive one is there but may not log in.
    s.user_can_login = !user->empty() && user->get_bool(0, 5).value_or(false);

    out.action = auth::decide_refresh(s, fingerprint, grace_);
    switch (out.action) {
      case auth::RefreshAction::reject:
        co_return out;

      case auth::RefreshAction::revoke:
      case auth::RefreshAction::reuse_detected: {
        const bool reuse = out.action == auth::RefreshAction::reuse_detected;
        auto r = co_await tx.query(
            "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 WHERE id = $1::uuid",
            db::params(family_id, reuse ? "reuse" : "user_inactive"));
        if (!r) co_return std::move(r).error();
        if (reuse) {
          auto a = co_await tx.query(
              "INSERT INTO audit_log (id, action, target_id, detail) VALUES ($1::uuid, 'token.reuse', $2::uuid, "
              "jsonb_build_object('family', $3::text))",
              db::params(ids::uuid_v7(), user_id, family_id));
          if (!a) co_return std::move(a).error();
        }
        co_return out;  // committed: the revocation must stick although the request fails
      }

      case auth::RefreshAction::replay_successor: {
        auto successor = auth::open_successor(token, sealed);
        if (!successor) {
          // Cannot happen unless the row was altered; treat it as the theft it would be.
          out.action = auth::RefreshAction::reuse_detected;
          auto r = co_await tx.query(
              "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = 'reuse' WHERE id = $1::uuid",
              db::params(family_id));
          if (!r) co_return std::move(r).error();
          co_return out;
        }
        out.user = User{};
        out.refresh = {std::move(*successor), remaining};
        break;
      }

      case auth::RefreshAction::rotate: {
        auto next = auth::new_refresh_token();
        const auto next_hash = auth::refresh_token_hash(next);
        std::vector<db::Statement> sts;
        sts.push_back(db::Statement::text(
            "INSERT INTO refresh_tokens (token_hash, family_id) VALUES (decode($1, 'hex'), $2::uuid)",
            db::params(next_hash, family_id)));
        sts.push_back(db::Statement::text(
            "UPDATE refresh_tokens SET used_at = now(), used_by = $2, successor_hash = decode($3, 'hex'), "
            "successor_sealed = decode($4, 'hex') WHERE token_hash = decode($1, 'hex')",
            db::params(hash, fingerprint, next_hash, auth::seal_successor(token, next))));
        auto rs = co_await tx.pipeline(std::move(sts));
        for (auto& r : rs)
          if (!r) co_return std::move(r).error();
        out.user = User{};
        out.refresh = {std::move(next), remaining};
        break;
      }
    }
    // The user as the new access token must describe them (role, store) now.
    out.user->id = user_id;
    out.user->role = std::string(user->get(0, 3));
    out.user->store_id = std::string(user->get(0, 4));
    out.user->email = std::string(user->get(0, 1));
    out.user->name = std::string(user->get(0, 2));
    out.user->active = true;
    co_return out;
  };
  auto r = co_await pool_.until(deadline).transaction(work);
  if (r && r->action == auth::RefreshAction::reuse_detected) {
    reuse_detected_.inc();
    log::warn("refresh token reused: family revoked, its holders must log in again",
              {{"family", family_seen}, {"user", user_seen}, {"client", fingerprint.substr(0, 16)}});
  }
  co_return r;
}

asio::awaitable<Status> RefreshTokens::revoke_family(std::string token, std::string reason, Deadline deadline) {
  if (!auth::is_refresh_token_shape(token)) co_return Status{};
  auto r = co_await pool_.until(deadline).query(
      "UPDATE refresh_token_families SET revoked_at = now(), revoked_reason = $2 "
      "WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex')) AND revoked_at IS NULL",
      db::params(auth::refresh_token_hash(token), reason));
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
