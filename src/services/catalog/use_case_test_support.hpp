#pragma once
// Shared by the use-case unit tests (products_service_test.cpp, categories_service_test.cpp):
// run one use-case call to completion, the WriteRequest a route would build, and a record of
// the invalidations a use-case asked for.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog::test_support {

/// Runs `a` on `io` until it finishes and returns its result (exceptions rethrown).
template <class T>
T complete(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
  std::optional<T> out;
  auto body = [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(a)); };
  boost::asio::co_spawn(io, body(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  io.restart();
  return std::move(*out);
}

/// A write to `store` by an editor, with the If-Match header `if_match` (absent: nullopt) and
/// no deadline.
inline WriteRequest write_request(std::string_view store, std::optional<std::string_view> if_match = std::nullopt) {
  WriteRequest w;
  w.store = std::string(store);
  if (if_match) w.if_match = *parse_if_match(*if_match);
  w.actor = Actor{"user-1", "editor", "req-1", "127.0.0.10"};
  return w;
}

/// CatalogChanges that remembers what the use-cases reported after their commits.
class RecordingChanges final : public CatalogChanges {
 public:
  std::vector<std::vector<std::string>> products;  // the categories of each product_changed
  int categories = 0;                              // category_changed calls

  boost::asio::awaitable<void> product_changed(const std::string&, const std::string&,
                                               const std::vector<std::string>& categories_touched,
                                               trace::Scope) override {
    products.push_back(categories_touched);
    co_return;
  }
  boost::asio::awaitable<void> category_changed(const std::string&, const std::string&, trace::Scope) override {
    ++categories;
    co_return;
  }
};

}  // namespace mercato::catalog::test_support
