#include "services/catalog/routes.hpp"

#include "auth/roles.hpp"
#include "http/envelope.hpp"
#include "services/catalog/etag.hpp"
#include "services/catalog/store_scope.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {

http::Response rendered(const Rendered& r, int status) {
  auto resp = http::ok(r.data, status, r.meta);
  if (!r.etag.empty()) resp.set_header("ETag", r.etag);
  return resp;
}

http::Response rendered(const http::Request& req, const Rendered& r) {
  cache::ValuePtr sealed = r.sealed;
  if (!sealed) sealed = std::make_shared<const cache::CachedValue>(seal(r));
  http::Response resp;
  resp.set_header("ETag", sealed->etag);
  if (auto inm = req.header("If-None-Match"); inm && if_none_match_matches(*inm, sealed->etag)) {
    resp.status = 304;
    resp.content_type.clear();
    return resp;
  }
  resp.body = sealed->body;
  return resp;
}

Result<WriteRequest> begin_write(const http::Request& req, bool conditional, bool json_body) {
  if (auto st = auth::require_role(req, auth::Role::editor); !st) return st.error();
  auto store = store_for_write(req);
  if (!store) return store.error();
  WriteRequest w;
  w.store = std::move(*store);
  if (conditional) {
    auto if_match = parse_if_match(req.header("If-Match"));
    if (!if_match) return if_match.error();
    w.if_match = std::move(*if_match);
  }
  if (json_body)
    if (auto st = require_json(req); !st) return st.error();
  w.actor = Actor{req.principal ? req.principal->subject : std::string("unknown"),
                  req.principal ? req.principal->role : std::string(), req.request_id, req.client_address};
  w.scope = req.context.scope();
  return w;
}

http::Response written(std::string json, const std::string& id, std::int64_t version,
                       std::string_view location_prefix) {
  auto resp = http::ok(std::move(json), location_prefix.empty() ? 200 : 201);
  if (!location_prefix.empty()) resp.set_header("Location", std::string(location_prefix) + id);
  resp.set_header("ETag", make_etag(id, version));
  return resp;
}

ProductFilter read_product_filter(QueryParams& qp, const std::string& store) {
  ProductFilter f;
  f.store = store;
  f.category_id = qp.uuid("category_id");
  f.status = qp.choice("status", {"draft", "active", "archived"});
  if (auto s = qp.choice("sort", {"-created_at", "created_at", "price", "-price", "name"})) f.sort = *parse_sort(*s);
  if (auto q = qp.text("q", 100)) {
    // Trigram search needs three characters to narrow anything down.
    if (utf8_length(*q) < 3) qp.add("q", "must be at least 3 characters");
    else f.q = std::move(q);
  }
  return f;
}

Result<Audience> audience_for_list(const http::Request& req, ProductFilter& f) {
  if (is_member(req, f.store)) return Audience::member;
  if (f.status && *f.status != "active") {
    if (!req.principal)
      return Error{ErrorCode::auth_required, "sign in as a member of this store to list its " + *f.status + " products"};
    return Error{ErrorCode::forbidden, "only this store's members may list its " + *f.status + " products"};
  }
  f.status = "active";
  return Audience::public_reader;
}

namespace {

using http::Request;
using http::Response;

/// What v1 and v2 lists share: the store, the filter and the audience. `read_own(qp, q)`
/// reads the version's own parameters between the filter and the check, so one 422 lists every
/// bad parameter.
template <class ReadOwn>
Result<ProductListQuery> list_query(const Request& req, std::initializer_list<std::string_view> allowed,
                                    ReadOwn read_own) {
  auto store = store_for_read(req);
  if (!store) return store.error();
  QueryParams qp(req, allowed);
  ProductListQuery q;
  q.filter = read_product_filter(qp, *store);
  read_own(qp, q);
  if (!qp.ok()) return validation_failed(std::move(qp.errors()), "invalid query parameters");
  auto audience = audience_for_list(req, q.filter);
  if (!audience) return audience.error();
  q.audience = *audience;
  return q;
}

}  // namespace

void install_product_routes(http::Router& router, CatalogContext& ctx) {
  // ---- reads: public ----

  router.get("/api/v1/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto q = list_query(req, {"page", "per_page", "category_id", "q", "status", "sort"},
                        [](QueryParams& qp, ProductListQuery& q) {
                          q.page.page = qp.integer("page", 1, kMaxPage).value_or(1);
                          q.page.per_page = qp.integer("per_page", 1, kMaxPerPage).value_or(kDefaultPerPage);
                        });
    if (!q) co_return http::error_response(q.error());
    auto r = co_await ctx.reads.products_v1(*q, req.context.scope());
    if (!r) co_return http::error_response(r.error());
    auto res = rendered(req, *r);
    mark_cacheable(res, ctx.http_caching, q->audience == Audience::public_reader && kept(*r),
                   product_list_tags(q->filter.store));
    co_return res;
  });

  router.get("/api/v2/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto q = list_query(req, {"limit", "cursor", "category_id", "q", "status", "sort"},
                        [](QueryParams& qp, ProductListQuery& q) {
                          q.limit = qp.integer("limit", 1, kMaxPerPage).value_or(kDefaultPerPage);
                        });
    if (!q) co_return http::error_response(q.error());
    // After the audience: a public cursor is bound to the filter with status "active".
    if (auto cursor = req.query_param("cursor")) {
      auto pos = ctx.cursors.decode(*cursor, q->filter.canonical());
      if (!pos) co_return http::error_response(pos.error());
      q->after = std::move(*pos);
    }
    auto r = co_await ctx.reads.products_v2(*q, req.context.scope());
    if (!r) co_return http::error_response(r.error());
    auto res = rendered(req, *r);
    mark_cacheable(res, ctx.http_caching, q->audience == Audience::public_reader && kept(*r),
                   product_list_tags(q->filter.store));
    co_return res;
  });

  router.get("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    QueryParams qp(req, {});
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    const std::string id(req.param("id"));
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.product(*store, id, audience, req.context.scope());
    if (!r) co_return http::error_response(r.error());
    auto res = rendered(req, *r);
    mark_cacheable(res, ctx.http_caching, audience == Audience::public_reader, product_tags(*store, id));
    co_return res;
  });

  // ---- writes: editor or admin (the use-cases: products_service.hpp) ----

  router.post("/api/v1/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_product_create(req.body);
    if (!in) co_return http::error_response(in.error());
    auto row = co_await ctx.products.create(*w, *in);
    if (!row) co_return http::error_response(row.error());
    co_return written(product_json(*row), row->id, row->version, "/api/v1/products/");
  });

  router.patch("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto patch = parse_product_patch(req.body);
    if (!patch) co_return http::error_response(patch.error());
    const std::string id(req.param("id"));
    auto row = co_await ctx.products.update(*w, id, *patch);
    if (!row) co_return http::error_response(row.error());
    co_return written(product_json(*row), id, row->version);
  });

  router.del("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    if (auto st = co_await ctx.products.remove(*w, id); !st) co_return http::error_response(st.error());
    co_return http::no_content();
  });

  router.post("/api/v1/products/{id:uuid}/restore", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    auto row = co_await ctx.products.restore(*w, id);
    if (!row) co_return http::error_response(row.error());
    co_return written(product_json(*row), id, row->version);
  });
}

}  // namespace mercato::catalog
