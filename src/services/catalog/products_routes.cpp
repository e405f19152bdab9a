#include "services/catalog/routes.hpp"

#include "auth/roles.hpp"
#include "core/ids.hpp"
#include "db/errors.hpp"
#include "http/envelope.hpp"
#include "services/catalog/audit.hpp"
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

Error write_error(Error e, std::vector<FieldError> conflict_details) {
  if (e.reason == db::reason::unique_violation) {
    Error c = conflict("another live item of this store already uses one of these values");
    c.details = std::move(conflict_details);
    return c;
  }
  if (e.reason == db::reason::foreign_key_violation) return not_found("store not found");
  if (e.reason == "23514") return validation_failed({}, "a value is outside what the catalog can store");
  return e;
}

Error stale_version_error(std::string_view what) {
  return Error{ErrorCode::precondition_failed,
               "the " + std::string(what) + " changed since you read it: fetch it again and retry with its new ETag"};
}

Result<WritePreamble> begin_write(const http::Request& req, bool conditional, bool json_body) {
  if (auto st = auth::require_role(req, auth::Role::editor); !st) return st.error();
  auto store = store_for_write(req);
  if (!store) return store.error();
  WritePreamble w{std::move(*store), std::nullopt};
  if (conditional) {
    auto if_match = parse_if_match(req.header("If-Match"));
    if (!if_match) return if_match.error();
    w.if_match = std::move(*if_match);
  }
  if (json_body)
    if (auto st = require_json(req); !st) return st.error();
  return w;
}

http::Response written(std::string json, const std::string& id, std::int64_t version,
                       std::string_view location_prefix) {
  auto resp = http::ok(std::move(json), location_prefix.empty() ? 200 : 201);
  if (!location_prefix.empty()) resp.set_header("Location", std::string(location_prefix) + id);
  resp.set_header("ETag", make_etag(id, version));
  return resp;
}

namespace {

using http::Request;
using http::Response;

/// Common query parameters of v1 and v2 lists; errors collected in `qp`.
ProductFilter read_filter(QueryParams& qp, const std::string& store) {
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

/// Who reads the store's products, and the public's view of a list: active products only, and
/// a status filter of draft or archived only for members (401 anonymous, 403 signed in).
Result<Audience> audience_for_list(const Request& req, ProductFilter& f) {
  if (is_member(req, f.store)) return Audience::member;
  if (f.status && *f.status != "active") {
    if (!req.principal)
      return Error{ErrorCode::auth_required, "sign in as a member of this store to list its " + *f.status + " products"};
    return Error{ErrorCode::forbidden, "only this store's members may list its " + *f.status + " products"};
  }
  f.status = "active";
  return Audience::public_reader;
}

std::vector<std::string> categories_of(const std::string& a, const std::string& b) {
  std::vector<std::string> out;
  if (!a.empty()) out.push_back(a);
  if (!b.empty() && b != a) out.push_back(b);
  return out;
}

struct Written {
  ProductRow row;
  std::string category_before;
};

}  // namespace

void install_product_routes(http::Router& router, CatalogContext& ctx) {
  // ---- reads: public ----

  router.get("/api/v1/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    QueryParams qp(req, {"page", "per_page", "category_id", "q", "status", "sort"});
    ProductListQuery q;
    q.filter = read_filter(qp, *store);
    q.page.page = qp.integer("page", 1, kMaxPage).value_or(1);
    q.page.per_page = qp.integer("per_page", 1, kMaxPerPage).value_or(kDefaultPerPage);
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    auto audience = audience_for_list(req, q.filter);
    if (!audience) co_return http::error_response(audience.error());
    q.audience = *audience;
    auto r = co_await ctx.reads.products_v1(q, req.context.deadline);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.get("/api/v2/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    QueryParams qp(req, {"limit", "cursor", "category_id", "q", "status", "sort"});
    ProductListQuery q;
    q.filter = read_filter(qp, *store);
    q.limit = qp.integer("limit", 1, kMaxPerPage).value_or(kDefaultPerPage);
    auto cursor = req.query_param("cursor");
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    // Before the cursor: a public cursor is bound to the filter with status "active".
    auto audience = audience_for_list(req, q.filter);
    if (!audience) co_return http::error_response(audience.error());
    q.audience = *audience;
    if (cursor) {
      auto pos = ctx.cursors.decode(*cursor, q.filter.canonical());
      if (!pos) co_return http::error_response(pos.error());
      q.after = std::move(*pos);
    }
    auto r = co_await ctx.reads.products_v2(q, req.context.deadline);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  router.get("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto store = store_for_read(req);
    if (!store) co_return http::error_response(store.error());
    QueryParams qp(req, {});
    if (!qp.ok()) co_return http::error_response(validation_failed(std::move(qp.errors()), "invalid query parameters"));
    const std::string id(req.param("id"));
    const Audience audience = is_member(req, *store) ? Audience::member : Audience::public_reader;
    auto r = co_await ctx.reads.product(*store, id, audience, req.context.deadline);
    if (!r) co_return http::error_response(r.error());
    co_return rendered(req, *r);
  });

  // ---- writes: editor or admin ----

  router.post("/api/v1/products", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto in = parse_product_create(req.body);
    if (!in) co_return http::error_response(in.error());
    const std::string id = ids::uuid_v7();

    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<ProductRow>> {
      if (in->category_id && !in->category_id->empty()) {
        auto held = co_await ProductRepository::hold_category(tx, w->store, *in->category_id);
        if (!held) co_return held.error();
        if (!*held) co_return validation_failed({{"category_id", "no such category in this store"}});
      }
      if (auto st = co_await ProductRepository::insert(tx, w->store, id, *in); !st) co_return st.error();
      if (in->images && !in->images->empty())
        if (auto st = co_await ProductRepository::replace_images(tx, id, *in->images, false); !st) co_return st.error();
      auto row = co_await ProductRepository::reload(tx, w->store, id);
      if (!row) co_return row;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "product.create", "product", id, std::nullopt, product_json(*row)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return row;
    });
    if (!result) {
      std::vector<FieldError> details;
      if (result.error().reason == db::reason::unique_violation)
        details = co_await ctx.products.explain_conflict(w->store, id, *in->sku, *in->slug, req.context.deadline);
      co_return http::error_response(write_error(std::move(result).error(), std::move(details)));
    }
    const auto changed = categories_of(result->category_id, {});
    co_await ctx.changes.product_changed(w->store, id, changed);
    co_return written(product_json(*result), id, result->version, "/api/v1/products/");
  });

  router.patch("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/true);
    if (!w) co_return http::error_response(w.error());
    auto patch = parse_product_patch(req.body);
    if (!patch) co_return http::error_response(patch.error());
    const std::string id(req.param("id"));
    ProductInput merged;

    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<Written>> {
      auto cur = co_await ProductRepository::lock(tx, w->store, id, false);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("product not found");
      const ProductRow& before = **cur;
      if (w->if_match && !w->if_match->matches(before.id, before.version)) co_return stale_version_error("product");
      merged = merge_patch(before, *patch);
      if (patch->category_id && !patch->category_id->empty() && *patch->category_id != before.category_id) {
        auto held = co_await ProductRepository::hold_category(tx, w->store, *patch->category_id);
        if (!held) co_return held.error();
        if (!*held) co_return validation_failed({{"category_id", "no such category in this store"}});
      }
      if (auto st = co_await ProductRepository::update(tx, w->store, id, merged); !st) co_return st.error();
      if (patch->images)
        if (auto st = co_await ProductRepository::replace_images(tx, id, *patch->images, true); !st)
          co_return st.error();
      auto after = co_await ProductRepository::reload(tx, w->store, id);
      if (!after) co_return after.error();
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "product.update", "product", id, product_json(before), product_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return Written{std::move(*after), before.category_id};
    });
    if (!result) {
      std::vector<FieldError> details;
      if (result.error().reason == db::reason::unique_violation)
        details = co_await ctx.products.explain_conflict(w->store, id, *merged.sku, *merged.slug, req.context.deadline);
      co_return http::error_response(write_error(std::move(result).error(), std::move(details)));
    }
    const auto changed = categories_of(result->category_before, result->row.category_id);
    co_await ctx.changes.product_changed(w->store, id, changed);
    co_return written(product_json(result->row), id, result->row.version);
  });

  router.del("/api/v1/products/{id:uuid}", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/true, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));

    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<ProductRow>> {
      auto cur = co_await ProductRepository::lock(tx, w->store, id, false);
      if (!cur) co_return cur.error();
      if (!*cur) co_return not_found("product not found");
      if (w->if_match && !w->if_match->matches((*cur)->id, (*cur)->version)) co_return stale_version_error("product");
      if (auto st = co_await ProductRepository::soft_delete(tx, w->store, id); !st) co_return st.error();
      auto after = co_await ProductRepository::reload(tx, w->store, id);
      if (!after) co_return after;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "product.delete", "product", id, product_json(**cur), product_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return after;
    });
    if (!result) co_return http::error_response(write_error(std::move(result).error()));
    const auto changed = categories_of(result->category_id, {});
    co_await ctx.changes.product_changed(w->store, id, changed);
    co_return http::no_content();
  });

  router.post("/api/v1/products/{id:uuid}/restore", [&ctx](Request& req) -> asio::awaitable<Response> {
    auto w = begin_write(req, /*conditional=*/false, /*json_body=*/false);
    if (!w) co_return http::error_response(w.error());
    const std::string id(req.param("id"));
    ProductRow deleted;

    auto result = co_await ctx.pool.until(req.context.deadline).transaction([&](db::Transaction& tx) -> asio::awaitable<Result<ProductRow>> {
      auto cur = co_await ProductRepository::lock(tx, w->store, id, true);
      if (!cur) co_return cur.error();
      if (!*cur) {
        auto live = co_await ProductRepository::lock(tx, w->store, id, false);
        if (!live) co_return live.error();
        if (*live) co_return conflict("product is not deleted");
        co_return not_found("product not found");
      }
      deleted = **cur;
      if (auto st = co_await ProductRepository::restore(tx, w->store, id); !st) co_return st.error();
      auto after = co_await ProductRepository::reload(tx, w->store, id);
      if (!after) co_return after;
      // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
      const AuditEntry audit{w->store, "product.restore", "product", id, product_json(deleted), product_json(*after)};
      if (auto st = co_await record(tx, req, audit); !st)
        co_return st.error();
      co_return after;
    });
    if (!result) {
      std::vector<FieldError> details;
      if (result.error().reason == db::reason::unique_violation)
        details = co_await ctx.products.explain_conflict(w->store, id, deleted.sku, deleted.slug, req.context.deadline);
      co_return http::error_response(write_error(std::move(result).error(), std::move(details)));
    }
    const auto changed = categories_of(deleted.category_id, result->category_id);
    co_await ctx.changes.product_changed(w->store, id, changed);
    co_return written(product_json(*result), id, result->version);
  });
}

}  // namespace mercato::catalog
