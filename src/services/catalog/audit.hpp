#pragma once
// The audit trail: every catalog write adds one audit_log row (who, what, before and after) on
// the write's own transaction, so a write is never committed without its record, nor a record
// without its write. The use-cases (products_service.cpp, categories_service.cpp) call it; this
// file is the row's SQL.

#include <utility>

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/transaction.hpp"

namespace mercato::catalog {

/// Who asks for a write, as the audit row names them; the route fills it from the request
/// (principal, request id, client address).
struct Actor {
  std::string subject;  // the token's `sub`, or "unknown"
  std::string role;
  std::string request_id;
  std::string client_address;
};

struct AuditEntry {
  std::string store_id;
  std::string action;       // "product.update", "category.delete", …
  std::string entity_type;  // "product" | "category"
  std::string entity_id;
  std::optional<std::string> before;  // JSON representation; nullopt for a create
  std::optional<std::string> after;   // JSON representation
};

/// Adds the row on `tx`.
boost::asio::awaitable<Status> record(db::Transaction& tx, const Actor& actor, const AuditEntry& e);

}  // namespace mercato::catalog
