#pragma once
// /api/v1/imports…: CSV import of products (import_service.hpp; docs/importing.md).

#include "http/router.hpp"
#include "services/catalog/import_service.hpp"

namespace mercato::catalog {

void install_import_routes(http::Router& router, ImportService& imports);

}  // namespace mercato::catalog
