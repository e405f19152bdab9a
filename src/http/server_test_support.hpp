#pragma once
// What tests that need a real HTTP server on a thread of its own share (client_test.cpp,
// the gateway's breaker_probes_test.cpp).

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config.hpp"
#include "http/server.hpp"

namespace mercato::http::test_support {

/// A real http::Server on a free loopback port, run by its own thread.
struct UpstreamServer {
  explicit UpstreamServer(Handler h, ServerOptions o = {}) {
    o.port = 0;
    server = std::make_unique<Server>(io, o, std::move(h));
    EXPECT_TRUE(server->start().ok());
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
  }
  ~UpstreamServer() {
    work.reset();
    io.stop();
    thread.join();
  }
  config::HostPort address() const { return {"127.0.0.1", server->port()}; }

  boost::asio::io_context io;
  std::unique_ptr<Server> server;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;
};

}  // namespace mercato::http::test_support
