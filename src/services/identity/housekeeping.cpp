#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include "services/identity/housekeeping.hpp"

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"

namespace mercato::identity {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> housekeeping(auth::LocalKeys& keys, RefreshTokens& refresh, const Schema& schema) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto next_cleanup = std::chrono::steady_clock::now() + 1min;
  for (;;) {
    timer.expires_after(2s);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    keys.reload();
    if (schema.ready() && std::chrono::steady_clock::now() >= next_cleanup) {
      next_cleanup = std::chrono::steady_clock::now() + 1h;
      if (auto n = co_await refresh.delete_old(); n && *n > 0)
        log::info("deleted old refresh families", {{"count", *n}});
    }
  }
}

}  // namespace

void start_housekeeping(asio::io_context& io, auth::LocalKeys& keys, RefreshTokens& refresh, const Schema& schema) {
  asio::co_spawn(io, housekeeping(keys, refresh, schema), asio::detached);
}

}  // namespace mercato::identity
