#pragma once
// Runs a use-case's work, written against a repository's transaction view (UserWrites,
// RefreshRotation), in one database transaction bound by the request's deadline. Shared by
// UsersRepository::write and RefreshTokens::rotation.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <functional>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"

namespace mercato::identity {

/// A `View` (constructible from db::Transaction&, and a `Writes`) is built on the transaction and
/// handed to `work`. Commits when `work` succeeds; rolls back and passes its error on when it
/// fails.
template <class View, class Writes>
asio::awaitable<Status> run_in_transaction(db::PoolUntil pool, const std::function<asio::awaitable<Status>(Writes&)>& work) {
  auto in_tx = [&work](db::Transaction& tx) -> asio::awaitable<Result<bool>> {
    View view(tx);
    auto st = co_await work(view);
    if (!st) co_return std::move(st).error();
    co_return true;
  };
  auto r = co_await pool.transaction(in_tx);
  if (!r) co_return std::move(r).error();
  co_return Status{};
}

}  // namespace mercato::identity
