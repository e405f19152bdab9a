#pragma once
// GET /api/v1/products/export (export_routes.cpp).

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "http/router.hpp"
#include "services/catalog/export_service.hpp"

namespace mercato::catalog {

/// The list's filters (category_id, status, q; sort is accepted and changes nothing: the file
/// is always in id order) and the list's audience rule, answered as a streamed CSV attachment.
void install_export_routes(http::Router& router, ProductExport& exports);

}  // namespace mercato::catalog
