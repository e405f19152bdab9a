#pragma once
// The catalog's HTTP surface. Handlers check, then call a repository (writes) or CatalogReads
// (reads); they never build error JSON (http::error_response does) and never write SQL.

#include <utility>

#include "db/pool.hpp"
#include "http/router.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

/// What the handlers use; owned by main() and alive while the server runs.
struct CatalogContext {
  db::Pool& pool;
  ProductRepository& products;
  CategoryRepository& categories;
  CatalogReads& reads;
  CatalogChanges& changes;
  const CursorSigner& cursors;
};

/// /api/v1/products…, /api/v2/products
void install_product_routes(http::Router& router, CatalogContext& ctx);
/// /api/v1/categories…
void install_category_routes(http::Router& router, CatalogContext& ctx);

// Shared by both route files.
http::Response rendered(const Rendered& r, int status = 200);
/// A GET's answer: the sealed body and its representation ETag (catalog_reads.hpp, seal), or
/// 304 without a body when If-None-Match names that ETag (RFC 9110 §13.1.2, weak comparison).
http::Response rendered(const http::Request& req, const Rendered& r);
/// Turns a failed write into the client's error: unique violations become 409 with the
/// offending fields (`conflict_details`), a missing store 404.
Error write_error(Error e, std::vector<FieldError> conflict_details = {});
Error stale_version_error(std::string_view what);

}  // namespace mercato::catalog
