#pragma once
// A response body produced while it is sent (Response::stream): a CSV export of a million rows
// must not be held in memory whole, so the server pulls it piece by piece.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"

namespace mercato::http {

/// The producer of a streamed body. The server (server.cpp) calls next() only after the
/// previous piece was written to the socket (back-pressure: a slow reader slows the producer,
/// nothing queues up), always from the connection's executor, one call at a time.
///
/// Stopping: the server destroys the stream when the body ended, when a write failed or timed
/// out (the client went away or stopped reading), or at shutdown. The destructor is the
/// producer's signal to release what it holds (database connection, upstream connection);
/// next() is never called again after a failed write.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  /// Appends the next piece of the body to `out` (empty on entry); leaves `out` empty at the
  /// end of the body. An Error means the body cannot be completed: the server then closes
  /// the connection without the last chunk, so the client sees a truncated transfer, never a
  /// short body that looks whole.
  virtual boost::asio::awaitable<Status> next(std::string& out) = 0;
};

}  // namespace mercato::http
