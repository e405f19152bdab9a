#pragma once
// Runs a hiredis async context on Boost.Asio. hiredis 0.14 ships adapters for libevent, libev,
// glib and others but not for Asio, so this one is written here.
//
// hiredis tells the adapter when it wants to read or write (addRead/delRead/addWrite/
// delWrite); the adapter waits for the socket on a posix::stream_descriptor and calls
// redisAsyncHandleRead/Write. hiredis owns the socket and may free the whole context from
// inside those calls (EOF, protocol error), so the adapter's state lives in a shared_ptr that
// hiredis holds until its cleanup hook, and every pending wait re-checks it.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

struct redisAsyncContext;

namespace mercato::cache::detail {

namespace asio = boost::asio;

using Strand = asio::strand<asio::io_context::executor_type>;

/// Called once, from inside hiredis, just before it frees the context (after a connection
/// error, EOF, or redisAsyncFree). `reason` is hiredis's error text, empty when the owner
/// freed the context itself. The context is still readable during the call, never after.
using ContextClosedFn = std::function<void(std::string reason)>;

/// Installs the event hooks on `ac` (its fd must be valid: check ac->err first). Every wait
/// completes on `strand`, which must be the one strand on which the owner makes all its own
/// hiredis calls: hiredis is not thread-safe.
void attach_asio(redisAsyncContext* ac, const Strand& strand, ContextClosedFn on_closed);

}  // namespace mercato::cache::detail
