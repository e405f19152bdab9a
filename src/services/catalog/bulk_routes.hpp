#pragma once
// The bulk write and jobs routes of the catalog (bulk_routes.cpp).

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <cstddef>

#include "http/router.hpp"
#include "services/catalog/bulk_service.hpp"

namespace mercato::catalog {

/// POST /api/v1/products/bulk (editor or admin of the store, like every product write) and
/// GET /api/v1/jobs/{id} (a member of the job's store, or an admin). `max_items`: BULK_MAX_ITEMS.
void install_bulk_routes(http::Router& router, BulkService& bulk, std::size_t max_items);

}  // namespace mercato::catalog
