#pragma once
// The rules every catalog write follows, shared by the product and category use-cases
// (products_service.hpp, categories_service.hpp): what a write is asked with, the If-Match
// precondition, and how a constraint the database refused reads to the client. Routes never
// see a SQLSTATE: a use-case returns these typed errors and http::error_response answers them.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/etag.hpp"

namespace mercato::catalog {

/// Everything a write use-case takes from its route besides the body: the store it writes to
/// (store_for_write), the If-Match precondition (nullopt: the header was absent, the write is
/// unconditional, as the contract allows API clients), who asks (for the audit row) and when the
/// answer is due and the trace its statements join (req.context.scope(): the transaction runs
/// through pool.until(scope)).
struct WriteRequest {
  std::string store;
  std::optional<IfMatch> if_match;
  Actor actor;
  trace::Scope scope;  // the request's deadline and trace (req.context.scope())
};

/// The If-Match rule (RFC 9110 §13.1.1, api/openapi.yaml `IfMatch`): no header → no
/// precondition; `*` → any current version; otherwise one strong tag must name `version` of
/// `id` (etag.hpp: "<id>.<version>" from a write or "<id>.<version>.<hash>" from a GET; weak
/// tags never match). A mismatch is 412 precondition_failed naming `what` ("product").
Status check_if_match(const std::optional<IfMatch>& if_match, std::string_view id, std::int64_t version,
                      std::string_view what);

/// A write the database refused, as the client reads it: the catalog's meanings for
/// db::domain_error (src/db/errors.hpp, where every service's SQLSTATEs become domain errors):
/// a unique violation → 409 conflict with `conflict_details` (which fields clash), a
/// foreign-key violation → 404 (the store is gone), a CHECK violation → 422. `reason` keeps
/// the SQLSTATE; any other error passes unchanged.
Error write_error(Error e, std::vector<FieldError> conflict_details = {});

/// Runs `work(store)` in one transaction of `pool` whose statements all end by the scope's deadline
/// (Pool::until), `store` being a TxStore (ProductTxRepository, CategoryTxRepository) on that
/// transaction: commits when `work` returns ok, rolls back and passes its error on otherwise.
template <class TxStore, class Work>
boost::asio::awaitable<Status> in_transaction(db::Pool& pool, trace::Scope scope,
                                              const Work& work) {
  // Named, not temporaries in the co_await: g++ 12 destroys such temporaries twice
  // (docs/toolchain.md#coroutine-pitfalls).
  db::PoolUntil bound = pool.until(scope);
  auto body = [&work](db::Transaction& tx) -> boost::asio::awaitable<Status> {
    TxStore store(tx);
    co_return co_await work(store);
  };
  co_return co_await bound.transaction(body);
}

/// The categories whose lists a product write changed: before and after, each once, none empty.
std::vector<std::string> categories_of(const std::string& before, const std::string& after = {});

}  // namespace mercato::catalog
