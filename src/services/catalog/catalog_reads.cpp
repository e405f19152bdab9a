#include "services/catalog/catalog_reads.hpp"

#include "core/json.hpp"
#include "services/catalog/etag.hpp"

namespace mercato::catalog {

std::string ProductListQuery::key_v1() const {
  return filter.canonical() + "|p" + std::to_string(page.page) + "|n" + std::to_string(page.per_page);
}

std::string ProductListQuery::key_v2() const {
  std::string k = filter.canonical() + "|l" + std::to_string(limit);
  if (after) {
    std::string pos;
    json::Writer w(pos);
    w.begin_array().string(after->key).string(after->id).end_array();
    k += "|a" + pos;
  }
  return k;
}

asio::awaitable<void> CatalogChanges::product_changed(const std::string&, const std::string&,
                                                      const std::vector<std::string>&) {
  co_return;
}

asio::awaitable<void> CatalogChanges::category_changed(const std::string&, const std::string&) { co_return; }

asio::awaitable<Result<Rendered>> DbCatalogReads::product(const std::string& store, const std::string& id) {
  auto row = co_await products_.find_live(store, id);
  if (!row) co_return std::move(row).error();
  if (!*row) co_return not_found("product not found");
  co_return Rendered{product_json(**row), {}, make_etag((*row)->id, (*row)->version)};
}

asio::awaitable<Result<Rendered>> DbCatalogReads::products_v1(const ProductListQuery& q) {
  auto page = co_await products_.page_offset(q.filter, q.page);
  if (!page) co_return std::move(page).error();
  Rendered out;
  json::Writer w(out.data);
  w.begin_array();
  for (const auto& p : page->rows) write_product(w, p, ApiVersion::v1);
  w.end_array();
  out.meta = v1_meta(q.page, page->total);
  co_return out;
}

asio::awaitable<Result<Rendered>> DbCatalogReads::products_v2(const ProductListQuery& q) {
  // One row more than asked says whether another page exists, without a count.
  auto rows = co_await products_.page_after(q.filter, q.after, q.limit + 1);
  if (!rows) co_return std::move(rows).error();
  const bool more = static_cast<std::int64_t>(rows->size()) > q.limit;
  if (more) rows->pop_back();
  Rendered out;
  json::Writer w(out.data);
  w.begin_array();
  for (const auto& p : *rows) write_product(w, p, ApiVersion::v2);
  w.end_array();
  std::optional<std::string> next;
  if (more && !rows->empty())
    next = cursors_.encode(q.filter.canonical(), ProductRepository::position_of(rows->back(), q.filter.sort));
  out.meta = v2_meta(q.limit, next);
  co_return out;
}

asio::awaitable<Result<Rendered>> DbCatalogReads::category(const std::string& store, const std::string& id) {
  auto row = co_await categories_.find_live(store, id);
  if (!row) co_return std::move(row).error();
  if (!*row) co_return not_found("category not found");
  co_return Rendered{category_json(**row), {}, make_etag((*row)->id, (*row)->version)};
}

asio::awaitable<Result<Rendered>> DbCatalogReads::categories(const std::string& store, const PageRequest& p) {
  auto page = co_await categories_.page(store, p);
  if (!page) co_return std::move(page).error();
  Rendered out;
  json::Writer w(out.data);
  w.begin_array();
  for (const auto& c : page->rows) write_category(w, c);
  w.end_array();
  out.meta = v1_meta(p, Total{page->total, true});
  co_return out;
}

}  // namespace mercato::catalog
