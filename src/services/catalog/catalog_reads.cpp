#include "services/catalog/catalog_reads.hpp"

#include "services/catalog/cache_keys.hpp"
#include "core/fnv1a.hpp"
#include "core/json.hpp"
#include "db/errors.hpp"
#include "http/envelope.hpp"
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

namespace {

// The representation's hash: its data and meta, told apart by a record separator.
std::uint64_t representation_hash(std::string_view data, std::string_view meta) {
  return fnv1a(meta, fnv1a(std::string_view("\x1e", 1), fnv1a(data)));
}

std::string hex16(std::uint64_t v) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = hex[v & 15];
  return out;
}

}  // namespace

cache::CachedValue seal(const Rendered& r) {
  cache::CachedValue v;
  v.body = http::ok(r.data, 200, r.meta).body;
  const std::string h = hex16(representation_hash(r.data, r.meta));
  if (!r.etag.empty() && r.etag.size() >= 2) {
    v.etag = r.etag.substr(0, r.etag.size() - 1);  // without its closing quote
    v.etag += '.';
    v.etag += h;
    v.etag += '"';
  } else {
    v.etag = "\"l" + h + "\"";
  }
  return v;
}

// ---- through the cache ----

asio::awaitable<Result<Rendered>> CachedCatalogReads::read(cache::Lookup q, Load load, std::string_view absent_message,
                                                            trace::Scope scope) {
  // Named, not temporaries in the co_await: g++ 12 destroys such temporaries twice.
  // The cache calls the loader with the lookup's scope, under the lookup's span, so the
  // statements of a load hang under the lookup that made it.
  const cache::Loader loader = [&load](const trace::Scope& inner) -> asio::awaitable<Result<cache::CachedValue>> {
    auto r = co_await load(inner);
    if (!r) {
      if (r.error().code == ErrorCode::not_found) {
        cache::CachedValue absent;
        absent.absent = true;
        co_return absent;
      }
      co_return std::move(r).error();
    }
    co_return seal(*r);
  };
  q.scope = scope;
  auto v = co_await cache_.get(q, loader);
  // A load serves every request that joined it (single flight) but runs under the deadline of
  // the request that started it: when that one ran out, a joiner with time left loads again
  // (leading or joining a new flight) rather than answer 504 for a budget that was not its own.
  while (!v && v.error().reason == db::reason::deadline && std::chrono::steady_clock::now() < scope.deadline)
    v = co_await cache_.get(q, loader);
  if (!v) co_return std::move(v).error();
  if ((*v)->absent) co_return not_found(std::string(absent_message));
  Rendered out;
  out.sealed = std::move(*v);
  co_return out;
}

asio::awaitable<Result<Rendered>> CachedCatalogReads::product(const std::string& store, const std::string& id,
                                                              Audience audience, trace::Scope scope) {
  cache::Lookup q{"product", keys::product(store, id), keys::gen_category_names(store),
                  ttl_.ttl_product_detail};
  Load load = [this, &store, &id](const trace::Scope& s) { return db_.product(store, id, Audience::public_reader, s); };
  auto pub = co_await read(std::move(q), std::move(load), "product not found", scope);
  // A member's view of an active product is byte for byte the public one (product_json does
  // not depend on the audience), so staff reads share the public entry and its invalidation.
  // Only what the public may not see (a draft, an archived product: cached as absent) goes to
  // the database for a member, so no cached value ever holds a draft.
  // That read goes to the primary: the entry said absent as of its key's fence (a fill reads
  // past the last write's position), and a replica behind that write would answer an older
  // state, such as a product just deleted still alive, to every member without the writer's
  // position. (Members' reads of what the public may not see are few: staff, drafts.)
  if (audience == Audience::member && !pub && pub.error().code == ErrorCode::not_found) {
    trace::Scope fresh = scope;
    fresh.read_after = db::kPrimaryOnly;
    co_return co_await db_.product(store, id, audience, fresh);
  }
  co_return pub;
}

namespace {
std::string list_gen(const ProductFilter& f) {
  return f.category_id ? keys::gen_category_products(f.store, *f.category_id) : keys::gen_products(f.store);
}

// A search's page is stored on its second request, not its first (cache/doorkeeper.hpp): in
// the mix benchmark nearly every search URL was asked once, and their ~50 KB pages, stored on
// the first request, took ~92 % of the cache Redis from the details (docs/capacity.md).
bool searched(const ProductListQuery& lq) { return lq.filter.q.has_value(); }
}  // namespace

asio::awaitable<Result<Rendered>> CachedCatalogReads::products_v1(const ProductListQuery& lq, trace::Scope scope) {
  if (lq.audience == Audience::member) co_return co_await db_.products_v1(lq, scope);
  cache::Lookup q{"product_list", keys::product_list(lq.filter.store, "v1", lq.key_v1()), list_gen(lq.filter),
                  ttl_.ttl_product_list};
  q.admit_on_repeat = searched(lq);
  Load load = [this, &lq](const trace::Scope& s) { return db_.products_v1(lq, s); };
  co_return co_await read(std::move(q), std::move(load), "not found", scope);
}

asio::awaitable<Result<Rendered>> CachedCatalogReads::products_v2(const ProductListQuery& lq, trace::Scope scope) {
  if (lq.audience == Audience::member) co_return co_await db_.products_v2(lq, scope);
  // v2 pages hold cursors signed with this deployment's key: another key, another entry.
  cache::Lookup q{"product_list", keys::product_list(lq.filter.store, "v2." + cursor_key_id_, lq.key_v2()),
                  list_gen(lq.filter), ttl_.ttl_product_list};
  q.admit_on_repeat = searched(lq);
  Load load = [this, &lq](const trace::Scope& s) { return db_.products_v2(lq, s); };
  co_return co_await read(std::move(q), std::move(load), "not found", scope);
}

asio::awaitable<Result<Rendered>> CachedCatalogReads::category(const std::string& store, const std::string& id,
                                                               Audience audience, trace::Scope scope) {
  if (audience == Audience::member) co_return co_await db_.category(store, id, audience, scope);
  cache::Lookup q{"category", keys::category(store, id), keys::gen_categories(store),
                  ttl_.ttl_category_list};
  Load load = [this, &store, &id](const trace::Scope& s) { return db_.category(store, id, Audience::public_reader, s); };
  co_return co_await read(std::move(q), std::move(load), "category not found", scope);
}

asio::awaitable<Result<Rendered>> CachedCatalogReads::categories(const std::string& store, const PageRequest& p,
                                                                 Audience audience, trace::Scope scope) {
  if (audience == Audience::member) co_return co_await db_.categories(store, p, audience, scope);
  const std::string page = "p" + std::to_string(p.page) + "n" + std::to_string(p.per_page);
  cache::Lookup q{"category_list", keys::category_list(store, page), keys::gen_categories(store),
                  ttl_.ttl_category_list};
  Load load = [this, &store, &p](const trace::Scope& s) { return db_.categories(store, p, Audience::public_reader, s); };
  co_return co_await read(std::move(q), std::move(load), "not found", scope);
}

// `scope` gives the invalidation its span (script, publish, acknowledgement wait); the cache
// does not end it at the deadline: an invalidation is delivered or replayed, never given up.
asio::awaitable<void> CachedCatalogReads::product_changed(const std::string& store, const std::string& id,
                                                          const std::vector<std::string>& categories,
                                                          trace::Scope scope) {
  auto inv = keys::product_written(store, id, categories);
  inv.fence = co_await write_fence(scope);
  co_await cache_.invalidate(std::move(inv), std::move(scope));
}

asio::awaitable<void> CachedCatalogReads::category_changed(const std::string& store, const std::string& id,
                                                           trace::Scope scope) {
  auto inv = keys::category_written(store, id);
  inv.fence = co_await write_fence(scope);
  co_await cache_.invalidate(std::move(inv), std::move(scope));
}

asio::awaitable<void> CachedCatalogReads::products_changed(const std::string& store,
                                                           const std::vector<std::string>& ids,
                                                           const std::vector<std::string>& categories,
                                                           trace::Scope scope) {
  auto inv = keys::products_written(store, ids, categories);
  inv.fence = co_await write_fence(scope);
  co_await cache_.invalidate(std::move(inv), std::move(scope));
}

asio::awaitable<std::uint64_t> CachedCatalogReads::write_fence(const trace::Scope& scope) {
  if (replicas_ == nullptr || replicas_->replica_count() == 0) co_return 0;
  auto lsn = co_await replicas_->wal_position(scope);
  co_return lsn ? *lsn : ~std::uint64_t{0};
}

asio::awaitable<void> CatalogChanges::product_changed(const std::string&, const std::string&,
                                                      const std::vector<std::string>&, trace::Scope) {
  co_return;
}

asio::awaitable<void> CatalogChanges::products_changed(const std::string&, const std::vector<std::string>&,
                                                       const std::vector<std::string>&, trace::Scope) {
  co_return;
}

asio::awaitable<void> CatalogChanges::category_changed(const std::string&, const std::string&, trace::Scope) {
  co_return;
}

asio::awaitable<Result<Rendered>> DbCatalogReads::product(const std::string& store, const std::string& id,
                                                          Audience audience, trace::Scope scope) {
  auto row = co_await products_.find_live(store, id, scope);
  if (!row) co_return std::move(row).error();
  // The same answer as for an absent id: the public does not learn that a draft exists.
  if (!*row || (audience == Audience::public_reader && (*row)->status != "active"))
    co_return not_found("product not found");
  co_return Rendered{product_json(**row), {}, make_etag((*row)->id, (*row)->version)};
}

asio::awaitable<Result<Bulkhead::Permit>> DbCatalogReads::place_for(const ProductListQuery& q,
                                                                      const trace::Scope& scope) {
  if (searches_ == nullptr || !q.filter.q) co_return Bulkhead::Permit();
  auto permit = co_await searches_->enter(scope.deadline);
  // Out of time in line: the request's deadline, not the bulkhead, is what ran out (504).
  if (!permit && permit.error().reason == Bulkhead::kTimeout) co_return db::deadline_error();
  co_return permit;
}

asio::awaitable<Result<Rendered>> DbCatalogReads::products_v1(const ProductListQuery& q, trace::Scope scope) {
  auto place = co_await place_for(q, scope);
  if (!place) co_return std::move(place).error();
  auto page = co_await products_.page_offset(q.filter, q.page, scope);
  if (!page) co_return std::move(page).error();
  Rendered out;
  json::Writer w(out.data);
  w.begin_array();
  for (const auto& p : page->rows) write_product(w, p, ApiVersion::v1);
  w.end_array();
  out.meta = v1_meta(q.page, page->total);
  co_return out;
}

asio::awaitable<Result<Rendered>> DbCatalogReads::products_v2(const ProductListQuery& q, trace::Scope scope) {
  auto place = co_await place_for(q, scope);
  if (!place) co_return std::move(place).error();
  // One row more than asked says whether another page exists, without a count.
  auto rows = co_await products_.page_after(q.filter, q.after, q.limit + 1, scope);
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

asio::awaitable<Result<Rendered>> DbCatalogReads::category(const std::string& store, const std::string& id,
                                                           Audience audience, trace::Scope scope) {
  auto row = co_await categories_.find_live(store, id, audience == Audience::public_reader, scope);
  if (!row) co_return std::move(row).error();
  if (!*row) co_return not_found("category not found");
  co_return Rendered{category_json(**row), {}, make_etag((*row)->id, (*row)->version)};
}

asio::awaitable<Result<Rendered>> DbCatalogReads::categories(const std::string& store, const PageRequest& p,
                                                             Audience audience, trace::Scope scope) {
  auto page = co_await categories_.page(store, p, audience == Audience::public_reader, scope);
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
