#pragma once
// A coroutine's pause: the background loops (pollers, probes, upkeep) wait between rounds with it.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mercato {

/// Waits `d` on the calling coroutine's executor; a cancelled timer just ends the wait early.
inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}

}  // namespace mercato
