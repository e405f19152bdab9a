#pragma once
// The shape of everything that answers a request: a handler, and middleware wrapping one.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <functional>

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace mercato::http {

namespace asio = boost::asio;

using Handler = std::function<asio::awaitable<Response>(Request&)>;

/// Middleware gets the request and the rest of the chain; it may answer by itself (not
/// calling `next`), or call `next` and adjust the response on the way out.
using Next = std::function<asio::awaitable<Response>(Request&)>;
using Middleware = std::function<asio::awaitable<Response>(Request&, const Next& next)>;

}  // namespace mercato::http
