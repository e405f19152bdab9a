// The Unix domain socket transport (HTTP_SOCKET on the server, HostPort::socket in the client)
// over real sockets in a scratch directory: the listener beside TCP, its file's life (mode,
// stale file, live owner, removal at shutdown), the pooled client over it, and who a peer on it
// is taken for (http/client_address.hpp).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio.hpp>

#include "http/client.hpp"
#include "http/client_address.hpp"
#include "http/server.hpp"

namespace mercato::http {
namespace {

namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// A fresh directory under TMPDIR, removed with its contents afterwards.
struct ScratchDir {
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "mercato-uds-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(std::string_view name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

/// Answers with who the server says the peer is, and who the client is when nobody but the
/// socket's peer is trusted.
Handler whoami() {
  return [](Request& req) -> asio::awaitable<Response> {
    Response r;
    r.content_type = "text/plain";
    r.body = req.remote_addr + "|" + client_address(req, TrustedProxies({})) + "|" +
             std::string(req.header("Host").value_or(""));
    co_return r;
  };
}

struct RunningServer {
  RunningServer(ServerOptions o, Handler h = whoami()) {
    server = std::make_unique<Server>(io, std::move(o), std::move(h));
    status = server->start();
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
  }
  ~RunningServer() { stop(); }
  /// Graceful shutdown, waited for; then the io thread ends.
  void stop() {
    if (!thread.joinable()) return;
    if (status.ok()) {
      std::promise<void> done;
      server->shutdown(2s, [&done] { done.set_value(); });
      done.get_future().wait();
    }
    work.reset();
    io.stop();
    thread.join();
  }
  asio::io_context io;
  std::unique_ptr<Server> server;
  Status status;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
};

ServerOptions with_socket(const std::string& path) {
  ServerOptions o;
  o.port = 0;
  o.socket_path = path;
  return o;
}

/// One blocking request/response on a fresh connection; returns the body ("" on failure).
template <class Socket>
std::string get(Socket& s, std::string_view extra_headers = {}) {
  std::string req = "GET /who HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) + "Connection: close\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  auto body = out.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : out.substr(body + 4);
}

std::string get_unix(const std::string& path, std::string_view extra_headers = {}) {
  asio::io_context io;
  local::socket s(io);
  s.connect(local::endpoint(path));
  return get(s, extra_headers);
}

std::string get_tcp(std::uint16_t port, std::string_view extra_headers = {}) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  return get(s, extra_headers);
}

// ---- the listener ----

TEST(UnixSocketServer, serves_the_api_on_the_socket_and_on_tcp) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  RunningServer s(with_socket(path));
  ASSERT_TRUE(s.status.ok()) << s.status.error().message;
  EXPECT_EQ(get_unix(path), "unix|unix|test");
  EXPECT_EQ(get_tcp(s.server->port()), "127.0.0.1|127.0.0.1|test");  // the TCP listener stays
}

TEST(UnixSocketServer, the_socket_file_is_for_the_owner_and_group_only) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  const mode_t old = ::umask(0);  // the widest umask: the server must not rely on the caller's
  RunningServer s(with_socket(path));
  ::umask(old);
  ASSERT_TRUE(s.status.ok()) << s.status.error().message;
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST(UnixSocketServer, the_file_is_removed_at_shutdown) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  RunningServer s(with_socket(path));
  ASSERT_TRUE(s.status.ok());
  ASSERT_TRUE(fs::exists(path));
  s.stop();
  EXPECT_FALSE(fs::exists(path));
}

TEST(UnixSocketServer, a_stale_socket_file_nobody_listens_on_is_replaced) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  {
    // What a killed process leaves: the file of a socket that no longer listens.
    asio::io_context io;
    local::acceptor dead(io, local::endpoint(path));
  }
  ASSERT_TRUE(fs::exists(path));
  RunningServer s(with_socket(path));
  ASSERT_TRUE(s.status.ok()) << s.status.error().message;
  EXPECT_EQ(get_unix(path), "unix|unix|test");
}

TEST(UnixSocketServer, a_socket_another_process_listens_on_is_not_taken_over) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  RunningServer first(with_socket(path));
  ASSERT_TRUE(first.status.ok());
  RunningServer second(with_socket(path));
  ASSERT_FALSE(second.status.ok());
  EXPECT_EQ(second.status.error().message, "cannot listen on HTTP_SOCKET " + path + ": another process listens on it");
  // The first still owns and serves it, and the failed start did not delete its file.
  EXPECT_EQ(get_unix(path), "unix|unix|test");
  second.stop();
  EXPECT_TRUE(fs::exists(path));
}

TEST(UnixSocketServer, a_path_that_is_no_socket_is_left_alone) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  std::ofstream(path) << "precious";
  RunningServer s(with_socket(path));
  ASSERT_FALSE(s.status.ok());
  EXPECT_EQ(s.status.error().message, "cannot listen on HTTP_SOCKET " + path + ": the file exists and is not a socket");
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

// ---- who the peer is ----

TEST(UnixSocketTrust, a_socket_peer_is_a_trusted_proxy_and_its_forwarded_for_is_believed) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  RunningServer s(with_socket(path));
  ASSERT_TRUE(s.status.ok());
  EXPECT_EQ(get_unix(path, "X-Forwarded-For: 203.0.113.7\r\n"), "unix|203.0.113.7|test");
}

TEST(UnixSocketTrust, a_tcp_peer_cannot_pass_for_a_socket_peer) {
  ScratchDir dir;
  const auto path = dir.file("api.sock");
  RunningServer s(with_socket(path));
  ASSERT_TRUE(s.status.ok());
  // The attacker on TCP names the socket's peer everywhere it can write: it stays itself.
  EXPECT_EQ(get_tcp(s.server->port(), "X-Forwarded-For: 203.0.113.7\r\n"), "127.0.0.1|127.0.0.1|test");
  EXPECT_EQ(get_tcp(s.server->port(), "X-Forwarded-For: unix\r\n"), "127.0.0.1|127.0.0.1|test");
  EXPECT_EQ(get_tcp(s.server->port(), "X-Forwarded-For: 203.0.113.7, unix\r\n"), "127.0.0.1|127.0.0.1|test");
  EXPECT_EQ(get_tcp(s.server->port(), "Forwarded: for=unix\r\n"), "127.0.0.1|127.0.0.1|test");
}

TEST(UnixSocketTrust, unix_in_a_forwarded_chain_stops_the_walk_like_any_non_address) {
  // A trusted TCP hop relays an X-Forwarded-For whose last entry says "unix": it is no IP
  // address, so nothing left of it is believed, and it is not taken for a trusted peer.
  Request req;
  req.remote_addr = "10.0.0.2";
  req.headers = {{"X-Forwarded-For", "198.51.100.1, unix"}};
  EXPECT_EQ(client_address(req, TrustedProxies({"10.0.0.2"})), "10.0.0.2");
  TrustedProxies none({});
  EXPECT_TRUE(none.contains(kUnixSocketPeer));
  EXPECT_FALSE(none.contains("127.0.0.1"));
}

// ---- the client over the socket ----

struct UnixClient : ::testing::Test {
  asio::io_context io;
  std::unique_ptr<Client> client = std::make_unique<Client>(io);

  Result<ClientResponse> send(Upstream& to, std::string_view target = "/who") {
    std::optional<Result<ClientResponse>> out;
    ClientRequest r;
    r.target = target;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { out.emplace(co_await client->send(to, r, Clock::now() + 2s)); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.restart();
    io.run();
    return std::move(*out);
  }
};

TEST_F(UnixClient, an_upstream_with_a_socket_is_reached_over_it_on_one_pooled_connection) {
  ScratchDir dir;
  const auto path = dir.file("catalog.sock");
  RunningServer up(with_socket(path));
  ASSERT_TRUE(up.status.ok());
  // The TCP address names the instance only: nothing listens there.
  Upstream& to = client->upstream({"127.0.0.2", 1, path});
  for (int i = 0; i < 3; ++i) {
    auto res = send(to);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "unix|unix|127.0.0.2:1");  // Host: the instance's host:port
  }
  EXPECT_EQ(client->idle_connections(to), 1u);
  EXPECT_EQ(up.server->active_connections(), 1u);
  EXPECT_EQ(upstream_label({"127.0.0.2", 1, path}), "unix:" + path);
  EXPECT_EQ(&client->upstream({"127.0.0.2", 1, path}), &to);
  EXPECT_NE(&client->upstream({"127.0.0.2", 1}), &to);  // the same host:port over TCP is another pool
}

TEST_F(UnixClient, no_listener_at_the_path_is_a_connect_failure) {
  ScratchDir dir;
  Upstream& to = client->upstream({"127.0.0.1", 8081, dir.file("absent.sock")});
  auto res = send(to);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(res.error().reason, upstream_failure::connect);
  EXPECT_NE(res.error().message.find("unix:" + dir.file("absent.sock")), std::string::npos) << res.error().message;
}

TEST_F(UnixClient, a_restarted_upstream_is_reached_again_on_a_new_connection) {
  ScratchDir dir;
  const auto path = dir.file("catalog.sock");
  Upstream& to = client->upstream({"127.0.0.1", 8081, path});
  {
    RunningServer up(with_socket(path));
    ASSERT_TRUE(up.status.ok());
    ASSERT_TRUE(send(to).ok());
    ASSERT_EQ(client->idle_connections(to), 1u);
  }  // stopped: the pooled connection is dead, the file gone
  auto down = send(to);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().reason, upstream_failure::connect);
  RunningServer again(with_socket(path));
  ASSERT_TRUE(again.status.ok());
  auto res = send(to);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, "unix|unix|127.0.0.1:8081");
}

TEST_F(UnixClient, a_pooled_connection_the_upstream_dropped_is_replaced_without_failing_the_request) {
  ScratchDir dir;
  const auto path = dir.file("catalog.sock");
  ServerOptions o = with_socket(path);
  o.idle_timeout = 50ms;  // the server closes the pooled connection while it sits idle
  o.request_start_timeout = 50ms;
  o.read_timeout = 1s;
  RunningServer up(o);
  ASSERT_TRUE(up.status.ok());
  Upstream& to = client->upstream({"127.0.0.1", 8081, path});
  ASSERT_TRUE(send(to).ok());
  ASSERT_EQ(client->idle_connections(to), 1u);
  for (int i = 0; i < 200 && up.server->active_connections() != 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(up.server->active_connections(), 0u);
  auto res = send(to);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
}

}  // namespace
}  // namespace mercato::http
