#pragma once
// Helpers for this folder's unit tests only.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace mercato::auth::testing {

/// Runs one coroutine to completion on `io` and returns its value.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
  std::optional<T> out;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(a)); }, boost::asio::detached);
  io.restart();
  io.run();
  return std::move(*out);
}

}  // namespace mercato::auth::testing
