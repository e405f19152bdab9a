#include "auth/roles.hpp"
#include "core/ids.hpp"
#include "db/errors.hpp"
#include "http/envelope.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/etag.hpp"
#include "services/catalog/routes.hpp"
#include "services/catalog/store_scope.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {

namespace {
using http::Request;
using http::Response;

std::vector<FieldError> slug_taken() { return {{"slug", "is already used by another category of this store"}}; }
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
    auto r = co_await ctx.reads.categories(*store, p);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.get("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    const std::string id(req.param("id"));
    auto r = co_await ctx.reads.category(*store, id);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.post("/api/v1/categories", [&ctx](Request& req) -> asio::awaitable<Response> {
    if (auto st = auth::require_role(req, auth::Role::editor); !st) co_return http::error_response(st.error());
    auto store = store_for_write(req);
    if (!store) co_return http::error_response(store.error());
    if (auto st = require_json(req); !st) co_return http::error_response(st.error());
    auto in = parse_category_create(req.body);
    if (!in) co_return http::error_response(in.error());
    const std::string id = ids::uuid_v7();
    auto result = co_await ctx.pool.transaction([&](db::Transaction& tx) -> asio::awaitable<Result<CategoryRow>> {
      if (auto st = co_await CategoryRepository::insert(tx, *store, id, *in); !st) co_return st.error();
      auto row = co_await CategoryRepository::reload(tx, *store, id);
      if (!row) co_return row;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{*store, "category.create", "category", id, std::nullopt, category_json(*row)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return row;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error(), slug_taken()));
    co_await ctx.changes.category_changed(*store, id);
    auto resp = http::ok(category_json(*result), 201);
    resp.set_header("Location", "/api/v1/categories/" + id);
    resp.set_header("ETag", make_etag(id, result->version));
    co_return resp;
  });

  router.patch("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    if (auto st = auth::require_role(req, auth::Role::editor); !st) co_return http::error_response(st.error());
    auto store = store_for_write(req);
    if (!store) co_return http::error_response(store.error());
    auto if_match = parse_if_match(req.header("If-Match"));
    if (!if_match) co_return http::error_response(if_match.error());
    if (auto st = require_json(req); !st) co_return http::error_response(st.error());
    auto patch = parse_category_patch(req.body);
    if (!patch) co_return http::error_response(patch.error());
    const std::string id(req.param("id"));
    auto result = co_await ctx.pool.transaction([&](db::Transaction& tx) -> asio::awaitable<Result<CategoryRow>> {
      auto cur = co_await CategoryRepository::lock(tx, *store, id);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("category not found");
      const CategoryRow& before = **cur;
      if (*if_match && !(*if_match)->matches(before.id, before.version)) co_return stale_version_error("category");
      CategoryInput merged{patch->name.value_or(before.name), patch->slug.value_or(before.slug),
                           patch->description.value_or(before.description)};
      if (auto st = co_await CategoryRepository::update(tx, *store, id, merged); !st) co_return st.error();
      auto after = co_await CategoryRepository::reload(tx, *store, id);
      if (!after) co_return after;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{*store, "category.update", "category", id, category_json(before), category_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return after;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error(), slug_taken()));
    co_await ctx.changes.category_changed(*store, id);
    auto resp = http::ok(category_json(*result));
    resp.set_header("ETag", make_etag(id, result->version));
    co_return resp;
  });

  router.del("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    if (auto st = auth::require_role(req, auth::Role::editor); !st) co_return http::error_response(st.error());
    auto store = store_for_write(req);
    if (!store) co_return http::error_response(store.error());
    auto if_match = parse_if_match(req.header("If-Match"));
    if (!if_match) co_return http::error_response(if_match.error());
    const std::string id(req.param("id"));
    auto result = co_await ctx.pool.transaction([&](db::Transaction& tx) -> asio::awaitable<Result<bool>> {
      auto cur = co_await CategoryRepository::lock(tx, *store, id);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("category not found");
      if (*if_match && !(*if_match)->matches((*cur)->id, (*cur)->version)) co_return stale_version_error("category");
      auto busy = co_await CategoryRepository::has_live_products(tx, *store, id);
      if (!busy) co_return busy.error();
      if (*busy) co_return conflict("category still holds live products: move or delete them first");
      if (auto st = co_await CategoryRepository::soft_delete(tx, *store, id); !st) co_return st.error();
      auto after = co_await CategoryRepository::reload(tx, *store, id);
      if (!after) co_return after.error();
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{*store, "category.delete", "category", id, category_json(**cur), category_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return true;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error()));
    co_await ctx.changes.category_changed(*store, id);
    co_return http::no_content();
  });
}

}  // namespace mercato::catalog
