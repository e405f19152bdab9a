#pragma once
// What the gateway's upstream tests share (proxy_test.cpp, breaker_probes_test.cpp): an
// address nobody listens on.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/config.hpp"

namespace mercato::gateway::test_support {

/// A loopback port that was free a moment ago and is closed again: connecting is refused.
inline config::HostPort refused_address() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return {"127.0.0.1", a.local_endpoint().port()};
}

}  // namespace mercato::gateway::test_support
