#pragma once
// The admins' operations endpoints (the dashboard's operations view), answered by the gateway
// itself from the stack's Prometheus and its own record of slow requests:
//
//   GET /api/v1/admin/ops/series?panel=<name>[,<name>…]&range=<seconds>   panels of ops_panels.cpp
//   GET /api/v1/admin/ops/alerts                                          firing and pending alerts
//   GET /api/v1/admin/ops/slow-requests                                   the slowest recent requests
//
// Admins only: no token → 401 auth_required, another role → 403 forbidden (the gateway's token
// check has verified the token and its revocation; a demotion revokes the user's tokens).
// Prometheus is never reachable through them with a query of the caller's.

#include "http/router.hpp"
#include "services/gateway/ops_view.hpp"

namespace mercato::gateway {

void install_ops_routes(http::Router& router, OpsView& view);

}  // namespace mercato::gateway
