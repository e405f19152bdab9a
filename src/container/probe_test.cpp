#include "container/probe.hpp"

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <map>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

namespace mercato::container {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

/// A listener on a free loopback port that answers one request with `response` and records
/// the request line.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), response_(std::move(response)) {
    thread_ = std::thread([this] {
      asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket);
      asio::streambuf buf;
      asio::read_until(socket, buf, "\r\n\r\n");
      std::istream in(&buf);
      std::getline(in, request_line_);
      asio::write(socket, asio::buffer(response_));
    });
  }
  ~OneShotServer() { thread_.join(); }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& request_line() const { return request_line_; }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::string response_;
  std::string request_line_;
  std::thread thread_;
};

TEST(ProbeTarget, wildcard_or_unset_host_is_probed_on_loopback_and_port_defaults_to_8080) {
  auto t = probe_target(env({{"HTTP_HOST", "0.0.0.0"}}), "/health/live");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->address.host, "127.0.0.1");
  EXPECT_EQ(t->address.port, 8080);
  EXPECT_EQ(t->path, "/health/live");
  EXPECT_EQ(probe_target(env({}), "/x")->address.host, "127.0.0.1");
  EXPECT_EQ(probe_target(env({{"HTTP_HOST", "::"}, {"HTTP_PORT", "8082"}}), "/x")->address.host, "::1");
  EXPECT_EQ(probe_target(env({{"HTTP_PORT", "8082"}}), "/x")->address.port, 8082);
}

TEST(ProbeTarget, bad_port_or_relative_path_is_an_error) {
  auto port = probe_target(env({{"HTTP_PORT", "80x"}}), "/health/live");
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().message, "HTTP_PORT=80x is not a port number");
  EXPECT_FALSE(probe_target(env({{"HTTP_PORT", "70000"}}), "/x"));
  EXPECT_FALSE(probe_target(env({}), "health/live"));
}

TEST(Probe, two_hundred_is_healthy_and_the_path_is_requested) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  auto st = probe({{"127.0.0.1", server.port()}, "/health/live"}, 2000ms);
  EXPECT_TRUE(st) << st.error().message;
  // The server thread has answered once probe() returned.
  EXPECT_EQ(server.request_line().rfind("GET /health/live HTTP/1.1", 0), 0u) << server.request_line();
}

TEST(Probe, five_hundred_three_is_unhealthy_naming_the_status) {
  OneShotServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  auto st = probe({{"127.0.0.1", server.port()}, "/health/live"}, 2000ms);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("HTTP 503"), std::string::npos) << st.error().message;
}

TEST(Probe, nothing_listening_is_unhealthy) {
  std::uint16_t port;
  {  // a port that was free a moment ago and is closed now
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  EXPECT_FALSE(probe({{"127.0.0.1", port}, "/health/live"}, 1000ms));
}

}  // namespace
}  // namespace mercato::container
