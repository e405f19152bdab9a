#include "services/catalog/audit_routes.hpp"

#include <algorithm>


#include "core/ids.hpp"
#include "http/envelope.hpp"
#include "services/catalog/pagination.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

using http::Request;
using http::Response;

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// Words of lower-case letters and underscores around one dot, the shape audit_log's CHECK
/// allows: product.update, category.delete …
bool action_shaped(std::string_view a) {
  const auto dot = a.find('.');
  auto word = [](std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  };
  return dot != std::string_view::npos && word(a.substr(0, dot)) && word(a.substr(dot + 1));
}

/// An RFC 3339 time parameter, or nothing (the problem collected in `qp`).
std::optional<std::int64_t> time_param(QueryParams& qp, std::string_view name) {
  auto text = qp.text(name, 40);
  if (!text) return std::nullopt;
  auto t = parse_rfc3339(*text);
  if (!t) {
    qp.add(name, t.error().message);
    return std::nullopt;
  }
  return *t;
}

struct AuditQuery {
  AuditFilter filter;
  std::int64_t limit = kAuditDefaultLimit;
};

/// The caller's filter, in the order the answers are decided: who asks (401, 403), a malformed
/// X-Store-ID (400), the parameters (one 422 naming each bad one), the store (403).
Result<AuditQuery> read_query(const Request& req) {
  if (auto st = audit_scope(req, std::nullopt); !st) return st.error();
  std::optional<std::string> header_store;
  if (auto h = req.header("X-Store-ID")) {
    if (!ids::is_uuid(*h)) return bad_request("X-Store-ID must be a store id (UUID)");
    header_store = lower(std::string(*h));
  }
  QueryParams qp(req, {"limit", "cursor", "store_id", "user_id", "entity_type", "entity_id", "action", "since", "until"});
  AuditQuery q;
  q.limit = qp.integer("limit", 1, kAuditMaxLimit).value_or(kAuditDefaultLimit);
  auto store = qp.uuid("store_id");
  if (store && header_store && *store != *header_store) qp.add("store_id", "names another store than X-Store-ID");
  AuditFilter& f = q.filter;
  f.user_id = qp.uuid("user_id");
  f.entity_type = qp.choice("entity_type", {"product", "category"});
  f.entity_id = qp.uuid("entity_id");
  if (f.entity_type && !f.entity_id && !req.query_param("entity_id"))
    qp.add("entity_type", "narrows entity_id: give entity_id too (to follow one kind of change, filter by action)");
  if (auto action = qp.text("action", 64)) {
    if (action_shaped(*action)) f.action = std::move(action);
    else qp.add("action", "must look like product.update");
  }
  f.since = time_param(qp, "since");
  f.until = time_param(qp, "until");
  if (f.since && f.until && *f.since > *f.until) qp.add("until", "must not be before since");
  if (!qp.ok()) return validation_failed(std::move(qp.errors()), "invalid query parameters");
  auto scope = audit_scope(req, store ? store : header_store);
  if (!scope) return scope.error();
  f.store = std::move(*scope);
  return q;
}

}  // namespace

void install_audit_routes(http::Router& router, AuditRepository& repo, const CursorSigner& cursors) {
  router.get("/api/v1/audit", [&repo, &cursors](Request& req) -> asio::awaitable<Response> {
    auto q = read_query(req);
    if (!q) co_return http::error_response(q.error());
    // Bound to the whole filter, the scope included: a cursor of one store's trail, or of
    // another caller's wider view, is refused rather than continued.
    std::optional<CursorPosition> after;
    const std::string canonical = q->filter.canonical();
    if (auto cursor = req.query_param("cursor")) {
      auto pos = cursors.decode(*cursor, canonical);
      if (!pos) co_return http::error_response(pos.error());
      after = std::move(*pos);
    }
    // One row more than the page says whether another page follows.
    auto rows = co_await repo.page(q->filter, after, q->limit + 1, req.context.scope());
    if (!rows) co_return http::error_response(rows.error());
    std::optional<std::string> next;
    if (static_cast<std::int64_t>(rows->size()) > q->limit) {
      rows->resize(static_cast<std::size_t>(q->limit));
      next = cursors.encode(canonical, AuditRepository::position_of(rows->back()));
    }
    std::string data = "[";
    for (std::size_t i = 0; i < rows->size(); ++i) data += (i ? "," : "") + audit_row_json((*rows)[i]);
    data += "]";
    co_return http::ok(data, 200, v2_meta(q->limit, next));
  });
}

}  // namespace mercato::catalog
