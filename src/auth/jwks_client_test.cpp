// The JWKS client against a real HTTP server on loopback (the server of src/http, in a thread
// of its own), standing in for identity.
#include "auth/jwks_client.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "auth/jwks.hpp"
#include "auth/test_support.hpp"
#include "auth/verifier.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"

namespace mercato::auth {
namespace {

using namespace std::chrono_literals;

/// A fake identity: serves whatever key set the test puts in, counts the fetches.
struct FakeIdentity {
  asio::io_context io;
  std::unique_ptr<http::Server> server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::mutex mu;
  KeySet published;
  std::atomic<int> hits{0};

  FakeIdentity() {
    http::ServerOptions o;
    o.port = 0;
    server = std::make_unique<http::Server>(io, o, [this](http::Request&) -> asio::awaitable<http::Response> {
      ++hits;
      std::lock_guard lock(mu);
      co_return http::ok(render_jwks(published));
    });
    EXPECT_TRUE(server->start().ok());
    work.emplace(io.get_executor());
    thread = std::thread([this] { io.run(); });
  }
  ~FakeIdentity() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    work.reset();
    io.stop();
    thread.join();
    server.reset();
  }
  void publish(const SigningKey& k) {
    std::lock_guard lock(mu);
    published.add(k.kid, k.public_key);
  }
  std::uint16_t port() const { return server->port(); }
};

/// A free loopback port below Linux's ephemeral range (32768–60999 by default). No outgoing
/// connection on this machine gets a source port there, so nothing can take the port while it
/// is free — neither another process's connections nor the client's own connect attempts,
/// which on an ephemeral port can connect to themselves (TCP simultaneous open) and hold it.
std::uint16_t free_port_below_ephemeral_range() {
  asio::io_context io;
  std::mt19937 rng{std::random_device{}()};
  for (int i = 0; i < 500; ++i) {
    const auto port = static_cast<std::uint16_t>(20000 + rng() % 12000);
    asio::ip::tcp::acceptor probe(io);
    boost::system::error_code ec;
    probe.open(asio::ip::tcp::v4(), ec);
    if (!ec) probe.bind({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return port;
  }
  ADD_FAILURE() << "no free port in 20000-31999";
  return 0;
}

JwksClient::Options options_for(std::uint16_t port) {
  JwksClient::Options o;
  o.upstreams = {{"127.0.0.1", port}};
  o.timeout = 1s;
  o.min_refetch = 300ms;
  return o;
}

TEST(JwksClient, fetches_and_keeps_the_keys_while_identity_is_down) {
  FakeIdentity idp;
  const auto a = SigningKey::generate(1);
  idp.publish(a);
  asio::io_context io;
  auto client = JwksClient::create(io, options_for(idp.port()));
  EXPECT_FALSE(client->has_keys());
  EXPECT_TRUE(testing::run(io, client->fetch()));
  ASSERT_TRUE(client->keys()->find(a.kid));

  idp.stop();
  EXPECT_FALSE(testing::run(io, client->fetch()));
  EXPECT_TRUE(client->keys()->find(a.kid)) << "a failed fetch must not drop the cached keys";
}

TEST(JwksClient, an_unknown_kid_refetches_at_most_once_per_interval) {
  FakeIdentity idp;
  const auto a = SigningKey::generate(1), b = SigningKey::generate(2);
  idp.publish(a);
  asio::io_context io;
  auto client = JwksClient::create(io, options_for(idp.port()));
  ASSERT_TRUE(testing::run(io, client->fetch()));
  const int after_first = idp.hits;

  idp.publish(b);  // identity rotated
  auto keys = testing::run(io, client->refresh_for(b.kid));
  EXPECT_FALSE(keys->find(b.kid)) << "too soon after the last fetch";
  EXPECT_EQ(idp.hits, after_first);

  std::this_thread::sleep_for(350ms);
  keys = testing::run(io, client->refresh_for(b.kid));
  EXPECT_TRUE(keys->find(b.kid));
  EXPECT_EQ(idp.hits, after_first + 1);

  // A flood of made-up kids right after costs identity nothing.
  for (int i = 0; i < 20; ++i) testing::run(io, client->refresh_for("forged-" + std::to_string(i)));
  EXPECT_EQ(idp.hits, after_first + 1);
}

TEST(JwksClient, keeps_retrying_in_the_background_until_identity_answers) {
  // Identity appears on this port only later.
  asio::io_context io;
  const auto port = free_port_below_ephemeral_range();
  auto client = JwksClient::create(io, options_for(port));
  client->start();
  io.run_for(500ms);
  EXPECT_FALSE(client->has_keys());

  const auto a = SigningKey::generate(1);
  asio::io_context idp_io;
  KeySet set;
  set.add(a.kid, a.public_key);
  http::ServerOptions o;
  o.port = port;
  http::Server server(idp_io, o,
                      [&](http::Request&) -> asio::awaitable<http::Response> { co_return http::ok(render_jwks(set)); });
  // The client keeps connecting to this port meanwhile, and may be mid-attempt: a few tries.
  bool started = false;
  for (int i = 0; i < 50 && !started; ++i) {
    started = server.start().ok();
    if (!started) io.run_for(20ms);
  }
  ASSERT_TRUE(started);
  std::thread t([&] { idp_io.run_for(5s); });
  for (int i = 0; i < 40 && !client->has_keys(); ++i) io.run_for(100ms);
  EXPECT_TRUE(client->has_keys());
  client->stop();
  io.run_for(1200ms);  // the loop notices stop() within a second
  idp_io.stop();
  t.join();
}

TEST(JwksClient, a_retired_key_stops_verifying_after_its_last_token_even_when_identity_is_gone) {
  FakeIdentity idp;
  const auto old_key = SigningKey::generate(1), current = SigningKey::generate(2);
  const std::int64_t last_token_ends = unix_now() + 3600;
  {
    std::lock_guard lock(idp.mu);
    idp.published.add(old_key.kid, old_key.public_key, last_token_ends);
    idp.published.add(current.kid, current.public_key);
  }
  asio::io_context io;
  auto client = JwksClient::create(io, options_for(idp.port()));
  ASSERT_TRUE(testing::run(io, client->fetch()));
  idp.stop();  // every refetch fails from now on
  client->drop_expired(last_token_ends - 1);
  EXPECT_TRUE(client->keys()->find(old_key.kid));
  client->drop_expired(last_token_ends);
  EXPECT_FALSE(client->keys()->find(old_key.kid)) << "a retired key outlived its last token";
  EXPECT_TRUE(client->keys()->find(current.kid)) << "the signing key stays while identity is down";
}

TEST(JwksClient, a_key_published_under_another_kid_is_not_trusted) {
  FakeIdentity idp;
  const auto a = SigningKey::generate(1), b = SigningKey::generate(2);
  {
    std::lock_guard lock(idp.mu);
    idp.published.add(a.kid, b.public_key);  // b's key under a's name
    idp.published.add(b.kid, b.public_key);
  }
  asio::io_context io;
  auto client = JwksClient::create(io, options_for(idp.port()));
  ASSERT_TRUE(testing::run(io, client->fetch()));
  EXPECT_FALSE(client->keys()->find(a.kid));
  EXPECT_TRUE(client->keys()->find(b.kid));
}

}  // namespace
}  // namespace mercato::auth
