#pragma once
// The shape of everything that answers a request: a handler, and middleware wrapping one.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <functional>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace mercato::http {

namespace asio = boost::asio;

using Handler = std::function<asio::awaitable<Response>(Request&)>;

/// Middleware gets the request and the rest of the chain; it may answer by itself (not
/// calling `next`), or call `next` and adjust the response on the way out.
using Next = std::function<asio::awaitable<Response>(Request&)>;
using Middleware = std::function<asio::awaitable<Response>(Request&, const Next& next)>;

/// Middleware that never waits: it looks at the request on the way in (and may answer it
/// there) and adjusts the response on the way out. The pipeline runs consecutive hooks in one
/// coroutine frame; a coroutine layer costs every request a frame, an std::function call and
/// a resumption (~60 ns on the reference machine, bench/results.md), so a layer that never
/// suspends is written as hooks. What `before` knows and `after` needs travels in the Request.
struct Hooks {
  /// Runs on the way in. An answer given here is the response: the inner layers and this
  /// hook's own `after` do not run; the `after` of every hook outside it does.
  std::function<std::optional<Response>(Request&)> before;
  /// Runs on the way out, once the inner layers answered (not when they threw).
  std::function<void(Request&, Response&)> after;

  /// The hooks as a middleware of their own (one frame): for a test, or a chain of one.
  asio::awaitable<Response> operator()(Request& req, const Next& next) const;
};

}  // namespace mercato::http
