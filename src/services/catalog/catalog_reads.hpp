#pragma once
// The seam the tiered cache (issue 5) wraps. Every public read goes through CatalogReads, which
// answers with the already-serialized `data` and `meta` JSON (and an ETag for single items):
// exactly the bytes a cache keeps, so a cached hit never touches JSON. Every write reports
// what it changed to CatalogChanges after it commits, and awaits it, so an invalidation can
// finish before the write's response is sent.
//
// The cache implements CatalogReads by wrapping DbCatalogReads, and CatalogChanges to
// invalidate; main.cpp is the one place that chooses which ones are used.

#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include <boost/asio/awaitable.hpp>

#include "cache/tiered_cache.hpp"

#include "cache/l1_cache.hpp"
#include "core/bulkhead.hpp"
#include "core/error.hpp"
#include "db/replicas.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/pagination.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

struct Rendered {
  std::string data;  // JSON for the envelope's "data"
  std::string meta;  // JSON for "meta", or empty
  std::string etag;  // for single items ("<id>.<version>", what If-Match compares), else empty
  /// The finished response (envelope bytes and representation ETag) when it came from the
  /// cache; then data, meta and etag are empty.
  cache::ValuePtr sealed;
};

/// Whether a shared cache may keep this answer: false for one the catalog's cache loaded for
/// a first request and did not keep (a search asked once: cache::Lookup::admit_on_repeat),
/// which the gateway's cache and a CDN should not keep either.
inline bool kept(const Rendered& r) { return !r.sealed || !r.sealed->transient; }

/// The response body and the ETag a GET sends, built once and kept by the cache:
///   single items: "<id>.<version>.<h>" — If-Match still compares the "<id>.<version>" part
///     (etag.hpp), while <h> changes with every byte of the representation (a product's body
///     also shows its category's name, a category's its product_count, neither of which
///     changes the row's version), so If-None-Match never answers 304 for changed bytes;
///   lists: "l<h>".
/// <h>: 16 hex digits of a 64-bit FNV-1a over data and meta.
cache::CachedValue seal(const Rendered& r);

/// Who reads, which decides whether drafts and archived products are visible (store_scope.hpp,
/// is_member), and whether a category's product_count counts them. A public list's filter always carries status "active" (the route sets it), so
/// its cache key says what it holds; a public detail of a product that is not active is
/// not_found. Only public answers are ever cached: a member's detail of an active product is
/// the public entry (the same bytes); every other member read (drafts, archived, lists and
/// counts that include them) goes straight to the database, so no cached value can hold a
/// draft, and no key spelling can ever hand a member's answer to the public.
enum class Audience { public_reader, member };

struct ProductListQuery {
  ProductFilter filter;
  Audience audience = Audience::public_reader;
  PageRequest page;                     // v1
  std::int64_t limit = kDefaultPerPage;  // v2
  std::optional<CursorPosition> after;  // v2: nullopt for the first page
  /// Everything that selects the answer, as stable text (for cache keys).
  std::string key_v1() const;
  std::string key_v2() const;
};

class CatalogReads {
 public:
  virtual ~CatalogReads() = default;
  /// not_found when absent or deleted, and for the public when not active.
  // `scope`: the request's (req.context.scope()). Every statement a read runs is bounded
  // by its deadline and traced under it; a read whose budget is spent is db::deadline_error() (504 gateway_timeout).
  virtual asio::awaitable<Result<Rendered>> product(const std::string& store, const std::string& id,
                                                    Audience audience, trace::Scope scope) = 0;
  virtual asio::awaitable<Result<Rendered>> products_v1(const ProductListQuery& q, trace::Scope scope) = 0;
  virtual asio::awaitable<Result<Rendered>> products_v2(const ProductListQuery& q, trace::Scope scope) = 0;
  /// A category's product_count counts, for the public, active products only.
  virtual asio::awaitable<Result<Rendered>> category(const std::string& store, const std::string& id,
                                                     Audience audience, trace::Scope scope) = 0;
  virtual asio::awaitable<Result<Rendered>> categories(const std::string& store, const PageRequest& p,
                                                       Audience audience, trace::Scope scope) = 0;
};

/// What a committed write changed. The default does nothing (no cache).
class CatalogChanges {
 public:
  virtual ~CatalogChanges() = default;
  /// `categories`: the product's category before and after the write (those lists changed too).
  /// `scope`: the writing request's (its trace gets the invalidation's spans).
  virtual asio::awaitable<void> product_changed(const std::string& store, const std::string& id,
                                                const std::vector<std::string>& categories, trace::Scope scope);
  virtual asio::awaitable<void> category_changed(const std::string& store, const std::string& id,
                                                 trace::Scope scope);
  /// A bulk write's chunk: every product of `ids` changed, `categories` the lists they left or
  /// entered. One invalidation (one bus message) for all of them.
  virtual asio::awaitable<void> products_changed(const std::string& store, const std::vector<std::string>& ids,
                                                 const std::vector<std::string>& categories, trace::Scope scope);
};

/// Reads through the tiered cache (src/cache): L1 → Redis → `db`; and invalidates what each
/// committed write changed, in every process, before the write answers. Key names and the
/// invalidation rules: cache_keys.hpp.
class CachedCatalogReads final : public CatalogReads, public CatalogChanges {
 public:
  /// `cursor_key_id`: CursorSigner::key_id(), part of v2 keys. `replicas`: when reads may
  /// come from replicas, each invalidation carries the write's WAL position as its fence
  /// (cache/tiered_cache.hpp), so no fill stores a replica's copy from before the write.
  CachedCatalogReads(CatalogReads& db, cache::TieredCache& cache, const config::CacheSettings& ttl,
                     std::string cursor_key_id, db::ReplicaSet* replicas = nullptr)
      : db_(db), cache_(cache), ttl_(ttl), cursor_key_id_(std::move(cursor_key_id)), replicas_(replicas) {}

  asio::awaitable<Result<Rendered>> product(const std::string& store, const std::string& id, Audience audience,
                                            trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> products_v1(const ProductListQuery& q, trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> products_v2(const ProductListQuery& q, trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> category(const std::string& store, const std::string& id, Audience audience,
                                             trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> categories(const std::string& store, const PageRequest& p, Audience audience,
                                               trace::Scope scope) override;

  asio::awaitable<void> product_changed(const std::string& store, const std::string& id,
                                        const std::vector<std::string>& categories, trace::Scope scope) override;
  asio::awaitable<void> category_changed(const std::string& store, const std::string& id,
                                         trace::Scope scope) override;
  asio::awaitable<void> products_changed(const std::string& store, const std::vector<std::string>& ids,
                                         const std::vector<std::string>& categories, trace::Scope scope) override;

 private:
  /// Loads from the database under the scope it is given. Takes it as an argument rather
  /// than capturing it, so a list read's loader (the query and `this`) stays within
  /// std::function's 16-byte small buffer: no allocation per request, hit or miss.
  using Load = std::function<asio::awaitable<Result<Rendered>>(const trace::Scope&)>;
  asio::awaitable<Result<Rendered>> read(cache::Lookup q, Load load, std::string_view absent_message,
                                         trace::Scope scope);

  /// The fence of a committed write: the primary's position now (0 without replicas; the
  /// highest when it cannot be read, so fills of the keys read the primary until it expires).
  asio::awaitable<std::uint64_t> write_fence(const trace::Scope& scope);

  CatalogReads& db_;
  cache::TieredCache& cache_;
  const config::CacheSettings& ttl_;
  std::string cursor_key_id_;
  db::ReplicaSet* replicas_;
};

/// Reads straight from PostgreSQL.
/// The reads themselves, from PostgreSQL. A list with a search term (`q`) first takes a place in
/// `searches` (when given): a search costs PostgreSQL milliseconds where a product or a page
/// costs a fraction of one, and anyone may send them, so a burst of searches waits in line
/// here (SEARCH_MAX_WAITING, then 503) instead of holding every pooled connection while the
/// cheap reads queue behind it (tests/integration/test_catalog_search_bulkhead.py). Only
/// what reaches the database waits: a cached search never gets here.
class DbCatalogReads final : public CatalogReads {
 public:
  DbCatalogReads(ProductRepository& products, CategoryRepository& categories, const CursorSigner& cursors,
                 Bulkhead* searches = nullptr)
      : products_(products), categories_(categories), cursors_(cursors), searches_(searches) {}

  asio::awaitable<Result<Rendered>> product(const std::string& store, const std::string& id, Audience audience,
                                            trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> products_v1(const ProductListQuery& q, trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> products_v2(const ProductListQuery& q, trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> category(const std::string& store, const std::string& id, Audience audience,
                                             trace::Scope scope) override;
  asio::awaitable<Result<Rendered>> categories(const std::string& store, const PageRequest& p, Audience audience,
                                               trace::Scope scope) override;

 private:
  // A place in searches_ for a search (a permit that does nothing otherwise), or why not.
  asio::awaitable<Result<Bulkhead::Permit>> place_for(const ProductListQuery& q, const trace::Scope& scope);

  ProductRepository& products_;
  CategoryRepository& categories_;
  const CursorSigner& cursors_;
  Bulkhead* searches_;
};

}  // namespace mercato::catalog
