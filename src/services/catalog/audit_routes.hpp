#pragma once
// GET /api/v1/audit: the audit trail, newest first (audit_trail.hpp: who reads what).

#include <utility>

#include "http/router.hpp"
#include "services/catalog/audit_repository.hpp"
#include "services/catalog/cursor.hpp"

namespace mercato::catalog {

/// `repo` and `cursors` are owned by main() and outlive the server.
void install_audit_routes(http::Router& router, AuditRepository& repo, const CursorSigner& cursors);

}  // namespace mercato::catalog
