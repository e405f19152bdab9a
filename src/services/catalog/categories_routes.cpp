#include "auth/roles.hpp"
#include "http/envelope.hpp"
#include "services/catalog/etag.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/store_scope.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {

namespace {
using http::Request;
using http::Response;
}  // namespace

void install_category_routes(http::Router& router, CatalogContext& ctx) {
  router.get("/api/v1/categories", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    QueryParams qp(req, {"page", "per_page"});
    PageRequest p;
    p.page = qp.integer("page", 1, kMaxPage).value_or(1);
    // The dashboard loads a store's categories for its pickers: a full page by default.
    p.per_page = qp.integer("per_page", 1, kMaxPerPage).value_or(kMaxPerPage);
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.categories(*store, p, audience, req.context.scope());
    if (!r) co_return http::error_response(r.error());
    auto res = rendered(req, *r);
    mark_cacheable(res, ctx.http_caching, audience == Audience::public_reader, category_list_tags(*store));
    co_return res;
  });

  router.get("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    const std::string id(req.param("id"));
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.category(*store, id, audience, req.context.scope());
    if (!r) co_return http::error_response(r.error());
    auto res = rendered(req, *r);
    mark_cacheable(res, ctx.http_caching, audience == Audience::public_reader, category_tags(*store, id));
    co_return res;
  });

  // ---- writes: editor or admin (the use-cases: categories_service.hpp) ----

  router.post("/api/v1/categories", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_category_create(req.body);
    if (!in) co_return http::error_response(in.error());
    auto row = co_await ctx.categories.create(*w, *in);
    if (!row) co_return http::error_response(row.error());
    co_return written(category_json(*row), row->id, row->version, "/api/v1/categories/");
  });

  router.patch("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto patch = parse_category_patch(req.body);
    if (!patch) co_return http::error_response(patch.error());
    const std::string id(req.param("id"));
    auto row = co_await ctx.categories.update(*w, id, *patch);
    if (!row) co_return http::error_response(row.error());
    co_return written(category_json(*row), id, row->version);
  });

  router.del("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    if (auto st = co_await ctx.categories.remove(*w, id); !st) co_return http::error_response(st.error());
    co_return http::no_content();
  });
}

}  // namespace mercato::catalog
