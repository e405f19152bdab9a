#pragma once
// Small timing helpers shared by the two clients that poll identity in the background
// (JwksClient for keys, RevocationFeed for revoked users).

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mercato::auth::poll {

namespace asio = boost::asio;

/// Milliseconds on the steady clock: comparable only with other values of this function.
inline std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Waits `d` on the calling coroutine's executor; a cancelled timer just ends the wait early.
inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace mercato::auth::poll
