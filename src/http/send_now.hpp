#pragma once
// Sending without a trip through the reactor. An asynchronous write whose bytes the socket
// takes at once still posts its completion and resumes the coroutine through the scheduler
// (with beast::basic_stream, also arms and cancels a timer): ~1,000 instructions of a cached
// gateway answer's ~28,000 (callgrind). The server and the client send an exchange's bytes with
// send_now() first and wait asynchronously only for what a full socket did not take (the rest
// as a beast::buffers_suffix of the same buffers).
#include <array>
#include <cstddef>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/generic/stream_protocol.hpp>

namespace mercato::http {

namespace asio = boost::asio;

using StreamSocket = asio::generic::stream_protocol::socket;
using TwoBuffers = std::array<asio::const_buffer, 2>;

/// Puts `socket` in non-blocking mode for send_now() (one system call: once per connection).
inline void allow_send_now(StreamSocket& socket, boost::system::error_code& ec) {
  if (!socket.non_blocking()) socket.non_blocking(true, ec);
}

/// Writes what the socket takes of `buffers` now, never waiting (allow_send_now() first); the
/// count sent. A full socket is not an error: `ec` stays clear and the count is short.
inline std::size_t send_now(StreamSocket& socket, const TwoBuffers& buffers, boost::system::error_code& ec) {
  std::size_t sent = socket.write_some(buffers, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    sent = 0;
  }
  return sent;
}

}  // namespace mercato::http
