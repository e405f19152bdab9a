#include "services/catalog/export_routes.hpp"

#include <ctime>

#include "http/envelope.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/store_scope.hpp"

namespace mercato::catalog {
namespace {

/// products-<store>-<UTC yyyymmddThhmmss>.csv; the label is a slug or a UUID, so it needs no
/// quoting beyond the field's quotes.
std::string attachment(const std::string& store_label) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  const auto n = std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  return "attachment; filename=\"products-" + store_label + "-" + std::string(stamp, n) + ".csv\"";
}

}  // namespace

void install_export_routes(http::Router& router, ProductExport& exports) {
  router.get("/api/v1/products/export", [&exports](http::Request& req) -> asio::awaitable<http::Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    // The list's parameters, but not its paging: a file has no pages (cursor, limit, page and
    // per_page are unknown parameters here, so 422).
    QueryParams qp(req, {"category_id", "q", "status", "sort"});
    ProductFilter f = read_product_filter(qp, *store);
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    auto audience = audience_for_list(req, f);
    if (!audience) co_return http::error_response(audience.error());
    auto started = co_await exports.start(f, req.context.scope());
    if (!started) co_return http::error_response(started.error());
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.set_header("Content-Disposition", attachment(started->store_label));
    // A member's file holds drafts: no cache may keep it, shared or private.
    res.set_header("Cache-Control", "no-store");
    res.stream = std::move(started->body);
    co_return res;
  });
}

}  // namespace mercato::catalog
