#pragma once
// The catalog's HTTP surface. A handler parses its input, authorizes, calls a use-case (writes:
// ProductsService, CategoriesService) or CatalogReads (reads), and answers; it never runs SQL
// or a transaction, never decides a rule, and never builds error JSON (http::error_response
// does). Layering: docs/architecture.md#adding-a-route.

#include <utility>

#include "http/router.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/http_caching.hpp"
#include "services/catalog/categories_service.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/etag.hpp"
#include "services/catalog/products_service.hpp"
#include "services/catalog/validate.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog {

/// What the handlers use; owned by main() and alive while the server runs.
struct CatalogContext {
  CatalogReads& reads;
  ProductsService& products;
  CategoriesService& categories;
  const CursorSigner& cursors;
  HttpCaching http_caching;  // what GET answers tell shared caches (http_caching.hpp)
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

/// What every write checks before it calls its use-case, in this order: the caller's role
/// (editor or admin), the store it writes to, If-Match when `conditional` (optional for API
/// clients: absent means "no precondition"; malformed is 400), and a JSON body when
/// `json_body`. The first failure is the answer. Also carries who asks and the request's scope.
Result<WriteRequest> begin_write(const http::Request& req, bool conditional, bool json_body);

/// The filter query parameters every product list reads (category_id, status, sort, q), for
/// `store`; problems are collected in `qp`. Shared by the v1 and v2 lists and the export.
ProductFilter read_product_filter(QueryParams& qp, const std::string& store);
/// Who reads the store's products, and the public's view of a list: active products only
/// (the filter's status is set to it), and a status filter of draft or archived only for
/// members (401 anonymous, 403 signed in). The lists' rule, and so the export's.
Result<Audience> audience_for_list(const http::Request& req, ProductFilter& f);

/// A successful write's answer: the item's JSON and its ETag; with `location_prefix`, a 201
/// with `Location: <prefix><id>` (a create).
http::Response written(std::string json, const std::string& id, std::int64_t version,
                       std::string_view location_prefix = {});

}  // namespace mercato::catalog
