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
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.categories(*store, p, audience, req.context.deadline);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.get("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    const std::string id(req.param("id"));
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.category(*store, id, audience, req.context.deadline);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.post("/api/v1/categories", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_category_create(req.body);
    if (!in) co_return http::error_response(in.error());
    const std::string id = ids::uuid_v7();
    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<CategoryRow>> {
      if (auto st = co_await CategoryRepository::insert(tx, w->store, id, *in); !st) co_return st.error();
      auto row = co_await CategoryRepository::reload(tx, w->store, id);
      if (!row) co_return row;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "category.create", "category", id, std::nullopt, category_json(*row)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return row;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error(), slug_taken()));
    co_await ctx.changes.category_changed(w->store, id);
    co_return written(category_json(*result), id, result->version, "/api/v1/categories/");
  });

  router.patch("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto patch = parse_category_patch(req.body);
    if (!patch) co_return http::error_response(patch.error());
    const std::string id(req.param("id"));
    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<CategoryRow>> {
      auto cur = co_await CategoryRepository::lock(tx, w->store, id);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("category not found");
      const CategoryRow& before = **cur;
      if (w->if_match && !w->if_match->matches(before.id, before.version)) co_return stale_version_error("category");
      CategoryInput merged{patch->name.value_or(before.name), patch->slug.value_or(before.slug),
                           patch->description.value_or(before.description)};
      if (auto st = co_await CategoryRepository::update(tx, w->store, id, merged); !st) co_return st.error();
      auto after = co_await CategoryRepository::reload(tx, w->store, id);
      if (!after) co_return after;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "category.update", "category", id, category_json(before), category_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return after;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error(), slug_taken()));
    co_await ctx.changes.category_changed(w->store, id);
    co_return written(category_json(*result), id, result->version);
  });

  router.del("/api/v1/categories/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<bool>> {
      auto cur = co_await CategoryRepository::lock(tx, w->store, id);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("category not found");
      if (w->if_match && !w->if_match->matches((*cur)->id, (*cur)->version)) co_return stale_version_error("category");
      auto busy = co_await CategoryRepository::has_live_products(tx, w->store, id);
      if (!busy) co_return busy.error();
      if (*busy) co_return conflict("category still holds live products: move or delete them first");
      if (auto st = co_await CategoryRepository::soft_delete(tx, w->store, id); !st) co_return st.error();
      auto after = co_await CategoryRepository::reload(tx, w->store, id);
      if (!after) co_return after.error();
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "category.delete", "category", id, category_json(**cur), category_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return true;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error()));
    co_await ctx.changes.category_changed(w->store, id);
    co_return http::no_content();
  });
}

}  // namespace mercato::catalog
