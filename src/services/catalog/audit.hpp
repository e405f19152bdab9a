#pragma once
// The audit trail: every catalog write adds one audit_log row (who, what, before and after) on
// the write's own transaction, so a write is never committed without its record, nor a record
// without its write.

#include <utility>

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/transaction.hpp"
#include "http/message.hpp"

namespace mercato::catalog {

struct AuditEntry {
  std::string store_id;
  std::string action;       // "product.update", "category.delete", …
  std::string entity_type;  // "product" | "category"
  std::string entity_id;
  std::optional<std::string> before;  // JSON representation; nullopt for a create
  std::optional<std::string> after;   // JSON representation
};

/// Adds the row, taking actor, request id and client address from `req` (the principal must
/// be set: writes run after auth::require_role).
boost::asio::awaitable<Status> record(db::Transaction& tx, const http::Request& req, const AuditEntry& e);

}  // namespace mercato::catalog
