#pragma once
// The catalog's HTTP surface. Handlers check, then call a repository (writes) or CatalogReads
// (reads); they never build error JSON (http::error_response does) and never write SQL.

#include <utility>

#include "db/pool.hpp"
#include "http/router.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/etag.hpp"
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

/// What every write checks before it touches the database, in this order: the caller's role
/// (editor or admin), the store it writes to, If-Match when `conditional` (optional for API
/// clients: absent means "no precondition"), and a JSON body when `json_body`. The first
/// failure is the answer.
struct WritePreamble {
  std::string store;
  std::optional<IfMatch> if_match;
};
Result<WritePreamble> begin_write(const http::Request& req, bool conditional, bool json_body);

/// A successful write's answer: the item's JSON and its ETag; with `location_prefix`, a 201
/// with `Location: <prefix><id>` (a create).
http::Response written(std::string json, const std::string& id, std::int64_t version,
                       std::string_view location_prefix = {});

}  // namespace mercato::catalog
