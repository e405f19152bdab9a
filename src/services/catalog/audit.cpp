#include "services/catalog/audit.hpp"

#include "core/ids.hpp"

namespace mercato::catalog {

boost::asio::awaitable<Status> record(db::Transaction& tx, const Actor& actor, const AuditEntry& e) {
  auto r = co_await tx.query(
      "INSERT INTO audit_log (id, store_id, actor, actor_role, action, entity_type, entity_id, before, after, "
      "request_id, client_address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)",
      db::params(ids::uuid_v7(), e.store_id, actor.subject, actor.role, e.action, e.entity_type, e.entity_id,
                 e.before, e.after, actor.request_id, actor.client_address));
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

}  // namespace mercato::catalog
