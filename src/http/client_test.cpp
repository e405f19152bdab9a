// The upstream client against real sockets on loopback: an http::Server as the upstream
// where the real thing will do, and a small blocking socket server where a test needs an
// upstream that misbehaves on cue (closes a kept-alive connection, answers half a response).
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "http/server.hpp"
#include "http/server_test_support.hpp"

namespace mercato::http {
namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using test_support::UpstreamServer;

Handler echo() {
  return [](Request& req) -> asio::awaitable<Response> {
    if (auto wait = req.query_param("sleep_ms")) {
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(std::stoi(*wait)));
      co_await t.async_wait(asio::use_awaitable);
    }
    Response r;
    r.status = req.path() == "/created" ? 201 : 200;
    r.content_type = "text/plain";
    r.set_header("X-Method", std::string(method_name(req.method)));
    r.set_header("X-Seen-Host", std::string(req.header("Host").value_or("")));
    r.body = std::string(req.target) + "|" + std::string(req.header("X-Test").value_or("")) + "|" + req.body;
    co_return r;
  };
}

/// The local ports of ESTABLISHED IPv4 connections whose remote end is `port`: one entry per
/// client-side socket connected to that server, read from the kernel's table.
std::set<std::string> client_ports_connected_to(std::uint16_t port) {
  std::set<std::string> out;
  std::ifstream f("/proc/net/tcp");
  std::string line;
  std::getline(f, line);  // header
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state;
    in >> slot >> local >> remote >> state;
    if (state == "01" && remote.ends_with(want)) out.insert(local);
  }
  return out;
}

/// A Client on an io_context the test thread runs.
struct ClientFixture : ::testing::Test {
  asio::io_context io;
  std::unique_ptr<Client> client;

  void make_client(ClientOptions o = {}) { client = std::make_unique<Client>(io, o); }
  void SetUp() override { make_client(); }
  void TearDown() override { client.reset(); }

  Result<ClientResponse> send(Upstream& to, ClientRequest req, std::chrono::milliseconds timeout = 2000ms) {
    std::vector<ClientRequest> one{std::move(req)};
    return std::move(send_concurrently(to, std::move(one), timeout)[0]);
  }

  /// Several requests at once, all in flight together; returns when every one is answered.
  std::vector<Result<ClientResponse>> send_concurrently(Upstream& to, std::vector<ClientRequest> reqs,
                                                        std::chrono::milliseconds timeout = 5000ms) {
    std::vector<std::optional<Result<ClientResponse>>> slots(reqs.size());
    const auto deadline = Clock::now() + timeout;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      asio::co_spawn(
          io,
          [&, i]() -> asio::awaitable<void> { slots[i].emplace(co_await client->send(to, reqs[i], deadline)); },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
    }
    io.restart();
    io.run();
    std::vector<Result<ClientResponse>> out;
    for (auto& s : slots) out.push_back(std::move(*s));
    return out;
  }
};

ClientRequest req(Method method, std::string_view target,
                  std::vector<std::pair<std::string_view, std::string_view>> headers = {}, std::string_view body = {}) {
  ClientRequest r;
  r.method = method;
  r.target = target;
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed when `a` goes out of scope: nothing listens there
}

// ---- the pool ----

TEST_F(ClientFixture, sequential_requests_share_one_keep_alive_connection) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto r = send(to, req(Method::GET, "/x"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    auto now = client_ports_connected_to(up.server->port());
    seen.insert(now.begin(), now.end());
  }
  EXPECT_EQ(seen.size(), 1u) << "a new TCP connection was opened for some request";
  EXPECT_EQ(client->idle_connections(to), 1u);
  EXPECT_EQ(up.server->active_connections(), 1u);
}

TEST_F(ClientFixture, upstream_for_the_same_address_is_the_same_pool) {
  UpstreamServer up(echo());
  EXPECT_EQ(&client->upstream(up.address()), &client->upstream(up.address()));
}

TEST_F(ClientFixture, concurrent_requests_open_more_connections_and_the_pool_keeps_at_most_its_bound) {
  ClientOptions o;
  o.max_idle_per_upstream = 2;
  make_client(o);
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  std::vector<ClientRequest> reqs(6, req(Method::GET, "/x?sleep_ms=100"));
  for (auto& r : send_concurrently(to, reqs)) ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(client->idle_connections(to), 2u);
  // The two kept connections serve the next requests: no third one is opened.
  auto before = client_ports_connected_to(up.server->port());
  EXPECT_EQ(before.size(), 2u);
  for (auto& r : send_concurrently(to, std::vector<ClientRequest>(2, req(Method::GET, "/x?sleep_ms=50"))))
    ASSERT_TRUE(r.ok());
  EXPECT_EQ(client_ports_connected_to(up.server->port()), before);
}

TEST_F(ClientFixture, connection_the_server_closed_while_idle_is_replaced_without_an_error) {
  ServerOptions so;
  so.idle_timeout = 100ms;
  UpstreamServer up(echo(), so);
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/a")).ok());
  std::this_thread::sleep_for(300ms);  // the server closes the idle connection meanwhile
  auto r = send(to, req(Method::GET, "/b"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "/b||");
}

TEST_F(ClientFixture, close_idle_empties_the_pool) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/a")).ok());
  client->close_idle();
  EXPECT_EQ(client->idle_connections(to), 0u);
  EXPECT_TRUE(send(to, req(Method::GET, "/b")).ok());
}

TEST(ClientThreads, coroutines_on_several_threads_share_one_client) {
  UpstreamServer up(echo());
  asio::io_context io;
  ClientOptions o;
  o.max_idle_per_upstream = 4;
  auto client = std::make_unique<Client>(io, o);
  Upstream& to = client->upstream(up.address());
  constexpr int kWorkers = 8, kEach = 50;
  std::atomic<int> ok{0}, failed{0};
  for (int w = 0; w < kWorkers; ++w) {
    // Each on its own strand, as each server connection is.
    asio::co_spawn(
        asio::make_strand(io),
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < kEach; ++i) {
            auto r = co_await client->send(to, req(Method::GET, "/t"), Clock::now() + 5s);
            (r && r->body == "/t||" ? ok : failed)++;
          }
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kWorkers * kEach);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(client->idle_connections(to), 4u);
  EXPECT_LE(client_ports_connected_to(up.server->port()).size(), static_cast<std::size_t>(kWorkers));
  client.reset();
}

// ---- what goes over the wire ----

TEST_F(ClientFixture, request_and_response_pass_through_whole) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  auto r = send(to, req(Method::POST, "/created?q=1&b=%20", {{"X-Test", "value 1"}, {"Content-Type", "application/json"}},
                        R"({"a":1})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"(/created?q=1&b=%20|value 1|{"a":1})");
  EXPECT_EQ(r->header("x-method"), "POST");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("X-Seen-Host"), "127.0.0.1:" + std::to_string(up.server->port()));
}

TEST_F(ClientFixture, a_given_host_header_is_sent_instead_of_the_upstream_address) {
  UpstreamServer up(echo());
  auto r = send(client->upstream(up.address()), req(Method::GET, "/", {{"Host", "shop.example"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->header("X-Seen-Host"), "shop.example");
}

TEST_F(ClientFixture, head_response_is_read_without_a_body_and_the_connection_stays_usable) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  auto head = send(to, req(Method::HEAD, "/h"));
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_NE(head->header("Content-Length"), "0");
  auto next = send(to, req(Method::GET, "/after"));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->body, "/after||");
  EXPECT_EQ(client->idle_connections(to), 1u);
}

TEST_F(ClientFixture, header_with_a_line_break_is_refused_before_connecting) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  auto r = send(to, req(Method::GET, "/", {{"X-Test", "a\r\nX-Injected: 1"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, upstream_failure::invalid);
  EXPECT_TRUE(client_ports_connected_to(up.server->port()).empty());
}

// ---- the source address ----

/// An upstream that answers with the address it sees the request come from.
Handler peer_echo() {
  return [](Request& req) -> asio::awaitable<Response> {
    Response r;
    r.content_type = "text/plain";
    r.body = req.remote_addr;
    co_return r;
  };
}

TEST_F(ClientFixture, without_a_source_address_the_kernel_chooses_it) {
  UpstreamServer up(peer_echo());
  auto r = send(client->upstream(up.address()), req(Method::GET, "/"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "127.0.0.1");
}

TEST_F(ClientFixture, connections_are_opened_from_the_source_address) {
  // What the services behind the gateway see, and trust (their TRUSTED_PROXIES).
  make_client({.source_address = "127.0.0.4"});
  UpstreamServer up(peer_echo());
  Upstream& to = client->upstream(up.address());
  for (int i = 0; i < 2; ++i) {  // a new connection, then the pooled one
    auto r = send(to, req(Method::GET, "/"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "127.0.0.4");
  }
  // Several at once: each new connection is bound the same way.
  for (auto& r : send_concurrently(to, {req(Method::GET, "/a"), req(Method::GET, "/b"), req(Method::GET, "/c")})) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "127.0.0.4");
  }
}

TEST_F(ClientFixture, a_source_address_this_host_does_not_have_fails_to_connect_and_is_known_not_sent) {
  make_client({.source_address = "198.51.100.77"});  // TEST-NET-2: on no interface here
  UpstreamServer up(peer_echo());
  auto r = send(client->upstream(up.address()), req(Method::POST, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(r.error().reason, upstream_failure::connect);
  EXPECT_NE(r.error().message.find("198.51.100.77"), std::string::npos) << r.error().message;
  EXPECT_TRUE(never_sent(r.error()));
}

TEST_F(ClientFixture, a_source_address_of_the_other_family_fails_to_connect) {
  make_client({.source_address = "::1"});
  UpstreamServer up(peer_echo());
  auto r = send(client->upstream(up.address()), req(Method::GET, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, upstream_failure::connect);
  EXPECT_NE(r.error().message.find("::1"), std::string::npos) << r.error().message;
}

// ---- failures as values ----

TEST_F(ClientFixture, refused_connection_is_bad_gateway_and_known_not_sent) {
  auto start = Clock::now();
  auto r = send(client->upstream({"127.0.0.1", closed_port()}), req(Method::POST, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(r.error().reason, upstream_failure::connect);
  EXPECT_TRUE(never_sent(r.error()));
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST_F(ClientFixture, unresolvable_host_is_bad_gateway) {
  auto r = send(client->upstream({"no-such-host.invalid", 80}), req(Method::GET, "/"));
  ASSERT_FALSE(r.ok());
  // bad_gateway when resolution fails at once; gateway_timeout if no resolver answers.
  EXPECT_TRUE(r.error().code == ErrorCode::bad_gateway || r.error().code == ErrorCode::gateway_timeout);
  EXPECT_TRUE(never_sent(r.error()));
}

TEST_F(ClientFixture, slow_upstream_is_gateway_timeout_at_the_deadline) {
  UpstreamServer up(echo());
  Upstream& to = client->upstream(up.address());
  auto start = Clock::now();
  auto r = send(to, req(Method::GET, "/slow?sleep_ms=2000"), 200ms);
  auto took = Clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::gateway_timeout);
  EXPECT_EQ(r.error().reason, upstream_failure::timeout);
  EXPECT_FALSE(never_sent(r.error()));
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1000ms);
  EXPECT_EQ(client->idle_connections(to), 0u) << "a connection with a late answer coming must not be reused";
}

TEST_F(ClientFixture, deadline_already_passed_fails_without_waiting) {
  UpstreamServer up(echo());
  auto start = Clock::now();
  auto r = send(client->upstream(up.address()), req(Method::GET, "/"), 0ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::gateway_timeout);
  EXPECT_LT(Clock::now() - start, 200ms);
}

// ---- an upstream that misbehaves on cue ----

/// Blocking socket server: `script(socket, n, acceptor)` runs for the n-th accepted connection (from 0)
/// on the server's thread, one connection at a time.
struct FaultyUpstream {
  /// (connection, its index from 0, the listening socket, for a script that takes the whole
  /// server down)
  using Script = std::function<void(tcp::socket&, int, tcp::acceptor&)>;
  explicit FaultyUpstream(Script s) : script(std::move(s)), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    port = acceptor.local_endpoint().port();
    thread = std::thread([this] {
      for (int n = 0;; ++n) {
        tcp::socket sock(io);
        boost::system::error_code ec;
        acceptor.accept(sock, ec);
        if (ec || stopping) return;
        ++accepted;
        {
          std::lock_guard lock(mu);
          current = &sock;
        }
        script(sock, n, acceptor);
        std::lock_guard lock(mu);
        current = nullptr;
      }
    });
  }
  ~FaultyUpstream() {
    stopping = true;
    boost::system::error_code ec;
    {
      // A script blocked reading a connection the client keeps pooled wakes up on shutdown.
      std::lock_guard lock(mu);
      if (current) current->shutdown(tcp::socket::shutdown_both, ec);
    }
    tcp::socket wake(io);
    wake.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    thread.join();
  }
  config::HostPort address() const { return {"127.0.0.1", port}; }

  /// Reads one request head (the tests send no bodies); false when the peer closed.
  static bool read_request(tcp::socket& s) {
    std::string data;
    char buf[1024];
    while (data.find("\r\n\r\n") == std::string::npos) {
      boost::system::error_code ec;
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) return false;
      data.append(buf, n);
    }
    return true;
  }
  static void write(tcp::socket& s, std::string_view data) {
    boost::system::error_code ec;
    asio::write(s, asio::buffer(data), ec);
  }
  static constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  Script script;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::atomic<int> accepted{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  tcp::socket* current = nullptr;
  std::thread thread;
};

TEST_F(ClientFixture, pooled_connection_dropped_before_answering_is_retried_once_on_a_new_one) {
  // First connection: answers one request, then takes the next and closes without a byte,
  // as a server closing an idle connection does. Later connections answer normally.
  FaultyUpstream up([](tcp::socket& s, int n, tcp::acceptor&) {
    if (n == 0) {
      if (!FaultyUpstream::read_request(s)) return;
      FaultyUpstream::write(s, FaultyUpstream::kOk);
      FaultyUpstream::read_request(s);
      return;  // closed without answering the second request
    }
    while (FaultyUpstream::read_request(s)) FaultyUpstream::write(s, FaultyUpstream::kOk);
  });
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  auto r = send(to, req(Method::POST, "/2"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(up.accepted.load(), 2);
}

// The first connection answers one request and then closes its side (a process that died
// holding it idle); it still records whatever the client writes into it afterwards.
struct ClosedAfterOneAnswer {
  std::atomic<bool> written_after_close{false};
  FaultyUpstream::Script script() {
    return [this](tcp::socket& s, int n, tcp::acceptor&) {
      if (n == 0) {
        if (!FaultyUpstream::read_request(s)) return;
        FaultyUpstream::write(s, FaultyUpstream::kOk);
        boost::system::error_code ec;
        s.shutdown(tcp::socket::shutdown_send, ec);
        if (FaultyUpstream::read_request(s)) written_after_close = true;
        return;
      }
      while (FaultyUpstream::read_request(s)) FaultyUpstream::write(s, FaultyUpstream::kOk);
    };
  }
};

// A write sent into a connection the server has closed could not be sent anywhere else (it may
// have been read), so a write always checks a pooled connection first, however recently used.
TEST_F(ClientFixture, a_write_is_never_sent_into_a_pooled_connection_the_server_closed_a_moment_ago) {
  ClosedAfterOneAnswer fault;
  FaultyUpstream up(fault.script());
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  std::this_thread::sleep_for(30ms);  // the close has arrived; still well within kUncheckedReuse
  auto r = send(to, req(Method::POST, "/2"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(up.accepted.load(), 2);
  EXPECT_FALSE(fault.written_after_close.load()) << "the write went into the closed connection";
}

// A read on a connection used a moment ago skips the check (one system call per forwarded
// request, keep_alive.hpp); meeting a close, it is sent again on a new connection.
TEST_F(ClientFixture, a_read_on_a_just_used_connection_the_server_closed_is_sent_again_on_a_new_one) {
  ClosedAfterOneAnswer fault;
  FaultyUpstream up(fault.script());
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  std::this_thread::sleep_for(30ms);
  auto r = send(to, req(Method::GET, "/2"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(up.accepted.load(), 2);
  EXPECT_TRUE(fault.written_after_close.load()) << "unchecked reuse: the read went into the old connection first";
}

TEST_F(ClientFixture, stale_connection_retry_that_cannot_reconnect_reports_the_lost_connection) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor& listener) {
    if (!FaultyUpstream::read_request(s)) return;
    FaultyUpstream::write(s, FaultyUpstream::kOk);
    FaultyUpstream::read_request(s);
    boost::system::error_code ec;
    listener.close(ec);  // the whole server goes away, holding the second request
  });
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  auto r = send(to, req(Method::POST, "/2"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, upstream_failure::io);
  EXPECT_FALSE(never_sent(r.error())) << "the request was written once; it must not pass for never sent";
}

TEST_F(ClientFixture, new_connection_dropped_before_answering_is_not_retried) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor&) { FaultyUpstream::read_request(s); });
  auto r = send(client->upstream(up.address()), req(Method::GET, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(r.error().reason, upstream_failure::io);
  EXPECT_FALSE(never_sent(r.error()));
  EXPECT_EQ(up.accepted.load(), 1);
}

TEST_F(ClientFixture, pooled_connection_that_dies_mid_answer_is_not_retried) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor&) {
    if (!FaultyUpstream::read_request(s)) return;
    FaultyUpstream::write(s, FaultyUpstream::kOk);
    if (!FaultyUpstream::read_request(s)) return;
    FaultyUpstream::write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  });
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  auto r = send(to, req(Method::GET, "/2"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(r.error().reason, upstream_failure::io);
  EXPECT_EQ(up.accepted.load(), 1);
}

TEST_F(ClientFixture, malformed_response_is_bad_gateway) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor&) {
    FaultyUpstream::read_request(s);
    FaultyUpstream::write(s, "SMTP ready\r\n\r\n");
  });
  auto r = send(client->upstream(up.address()), req(Method::GET, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  EXPECT_EQ(r.error().reason, upstream_failure::protocol);
}

TEST_F(ClientFixture, connection_close_answer_is_not_pooled) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor&) {
    while (FaultyUpstream::read_request(s))
      FaultyUpstream::write(s, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
  });
  Upstream& to = client->upstream(up.address());
  ASSERT_TRUE(send(to, req(Method::GET, "/1")).ok());
  EXPECT_EQ(client->idle_connections(to), 0u);
  ASSERT_TRUE(send(to, req(Method::GET, "/2")).ok());
  EXPECT_EQ(up.accepted.load(), 2);
}

// The answer is parsed straight into the ClientResponse (client.cpp, AnswerParser): its status,
// every field in order and as spelled, and a chunked body joined whole; the connection is pooled.
TEST_F(ClientFixture, a_chunked_answer_arrives_whole_with_its_fields_in_order) {
  FaultyUpstream up([](tcp::socket& s, int, tcp::acceptor&) {
    while (FaultyUpstream::read_request(s))
      FaultyUpstream::write(s,
                            "HTTP/1.1 201 Created\r\nX-First: 1\r\nTransfer-Encoding: chunked\r\nx-second: two  \r\n"
                            "X-First: again\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n\r\n");
  });
  Upstream& to = client->upstream(up.address());
  for (int i = 0; i < 2; ++i) {
    auto r = send(to, req(Method::GET, "/c"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "hello world");
    const std::vector<std::pair<std::string, std::string>> want = {
        {"X-First", "1"}, {"Transfer-Encoding", "chunked"}, {"x-second", "two"}, {"X-First", "again"}};
    EXPECT_EQ(r->headers, want);
  }
  EXPECT_EQ(up.accepted.load(), 1);  // the connection was reused
}

TEST_F(ClientFixture, an_answer_over_the_body_limit_is_bad_gateway_chunked_or_not) {
  ClientOptions limited;
  limited.max_response_body = 1000;
  make_client(limited);
  for (const std::string& answer : std::vector<std::string>
       {std::string("HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\n") + std::string(2000, 'x'),
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n") + std::string(2000, 'x') + "\r\n0\r\n\r\n"}) {
    FaultyUpstream up([answer](tcp::socket& s, int, tcp::acceptor&) {
      FaultyUpstream::read_request(s);
      FaultyUpstream::write(s, answer);
    });
    auto r = send(client->upstream(up.address()), req(Method::GET, "/big"));
    ASSERT_FALSE(r.ok()) << answer.substr(0, 40);
    EXPECT_EQ(r.error().code, ErrorCode::bad_gateway);
  }
}

// The client sends a request at once where the socket takes it (http/send_now.hpp); a body the
// socket cannot take in one go (the upstream reads late) must still arrive whole and in order.
TEST_F(ClientFixture, a_request_body_larger_than_the_socket_takes_at_once_arrives_whole) {
  std::string body(8 << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7919) % 26);
  FaultyUpstream up([&body](tcp::socket& s, int, tcp::acceptor&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the client's socket fills meanwhile
    std::string data;
    std::vector<char> piece(1 << 16);
    std::size_t head_end = std::string::npos;
    while (head_end == std::string::npos || data.size() < head_end + 4 + body.size()) {
      boost::system::error_code ec;
      const std::size_t n = s.read_some(asio::buffer(piece), ec);
      if (ec) return;
      data.append(piece.data(), n);
      if (head_end == std::string::npos) head_end = data.find("\r\n\r\n");
    }
    const bool whole = data.size() == head_end + 4 + body.size() && data.compare(head_end + 4, body.size(), body) == 0;
    FaultyUpstream::write(s, whole ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwhole"
                                   : "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\naltered");
  });
  auto r = send(client->upstream(up.address()), req(Method::POST, "/upload", {}, body), 20000ms);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "whole");
}

}  // namespace
}  // namespace mercato::http
