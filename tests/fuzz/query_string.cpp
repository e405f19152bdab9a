// Query strings as the list routes read them: the catalog's QueryParams with v1's page,
// v2's limit and the filters (products_routes.cpp, categories_routes.cpp) and the page meta
// built from them; identity's read_page_query. The input is the query (after '?').
#include <cstdint>
#include <string>

#include "check.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "services/catalog/pagination.hpp"
#include "services/catalog/validate.hpp"
#include "services/identity/validation.hpp"

using namespace mercato;

namespace {

void catalog_products(const http::Request& req) {
  using namespace catalog;
  QueryParams qp(req, {"page", "per_page", "limit", "cursor", "category_id", "q", "status", "sort"});
  if (auto id = qp.uuid("category_id")) FUZZ_CHECK(ids::is_uuid(*id));
  (void)qp.choice("status", {"draft", "active", "archived"});
  (void)qp.choice("sort", {"-created_at", "created_at", "price", "-price", "name"});
  if (auto q = qp.text("q", 100)) FUZZ_CHECK(valid_utf8(*q) && utf8_length(*q) <= 100);
  PageRequest p;
  p.page = qp.integer("page", 1, kMaxPage).value_or(1);
  p.per_page = qp.integer("per_page", 1, kMaxPerPage).value_or(kDefaultPerPage);
  const auto limit = qp.integer("limit", 1, kMaxPerPage).value_or(kDefaultPerPage);
  (void)req.query_param("cursor");
  if (!qp.ok()) {
    for (const auto& e : qp.errors()) FUZZ_CHECK(!e.field.empty() && !e.message.empty());
    return;
  }
  FUZZ_CHECK(p.page >= 1 && p.page <= kMaxPage && p.per_page >= 1 && p.per_page <= kMaxPerPage);
  FUZZ_CHECK(p.offset() >= 0);
  const auto total = bounded_total(p.offset() + p.per_page);
  FUZZ_CHECK(json::Document::parse(v1_meta(p, total)).ok());
  FUZZ_CHECK(json::Document::parse(v2_meta(limit, std::nullopt)).ok());
}

void identity_users(const http::Request& req) {
  auto q = identity::read_page_query(req);
  if (!q) {
    FUZZ_CHECK(q.error().code == ErrorCode::validation_failed && !q.error().details.empty());
    return;
  }
  FUZZ_CHECK(q->page >= 1 && q->page <= 1'000'000 && q->per_page >= 1 && q->per_page <= 100);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::Request req;
  req.target = "/api/v1/products?";
  req.target.append(reinterpret_cast<const char*>(data), size);
  catalog_products(req);
  identity_users(req);
  return 0;
}
