// The readiness probes of instances whose breaker is open, against real servers on loopback.
#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "services/gateway/breaker_probes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include <boost/asio.hpp>

#include "http/server_test_support.hpp"
#include "services/gateway/upstream_test_support.hpp"

namespace mercato::gateway {
namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using State = CircuitBreaker::State;

/// An instance on its own thread: GET /health/ready answers `ready_status`, counted.
struct ReadyServer {
  config::HostPort address() const { return upstream.address(); }

  std::atomic<int> ready_status{200};
  std::atomic<int> probes{0};
  http::test_support::UpstreamServer upstream{[this](http::Request& req) -> asio::awaitable<http::Response> {
    http::Response r;
    if (req.path() == kReadinessPath) {
      ++probes;
      r.status = ready_status.load();
    }
    co_return r;
  }};
};

using test_support::refused_address;

/// The gateway's side: one group whose breakers' cool-down (60 s) outlasts every test, and the
/// probes, run on the test thread.
struct Gateway {
  explicit Gateway(std::vector<config::HostPort> hosts,
                   BreakerProbes::Options options = {.interval = 20ms, .timeout = 500ms, .max_interval = 60s})
      : client(io),
        group("catalog", hosts, client, {.failure_threshold = 5, .cool_down = 60s}),
        probes(client, {&group}, options) {}

  void open(std::size_t i) {
    for (int n = 0; n < 5; ++n) group.record(*group.instances()[i], false);
    ASSERT_EQ(state(i), State::open);
  }
  State state(std::size_t i) const { return group.instances()[i]->breaker.state(); }

  ~Gateway() { stop(); }

  /// Runs the probes (started at the first call) until `done` or `limit`.
  void run(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    if (!started) probes.start(io.get_executor());
    started = true;
    const auto until = Clock::now() + limit;
    while (!done() && Clock::now() < until) {
      io.restart();
      io.run_for(5ms);
    }
  }
  /// Stops the probes and runs until they ended: run_for returns early only once nothing is
  /// left to run, so the loops ended too.
  void stop() {
    if (!started) return;
    started = false;
    bool stopped = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      co_await probes.stop();
      stopped = true;
    }, asio::detached);
    io.restart();
    const auto start = Clock::now();
    io.run_for(5s);
    EXPECT_TRUE(stopped);
    EXPECT_LT(Clock::now() - start, 5s) << "a loop outlived stop()";
  }

  bool started = false;
  asio::io_context io;
  http::Client client;
  UpstreamGroup group;
  BreakerProbes probes;
};

// A rolling restart: the instance came back and says it is ready, but its breaker, opened while
// it was down, would shut it out for the rest of a 60 s cool-down. The next instance to stop
// would then leave the service with no admitted instance, and its requests would be 503s.
TEST(BreakerProbes, an_open_breaker_closes_once_the_instance_says_it_is_ready) {
  ReadyServer back;
  Gateway gw({back.address()});
  gw.open(0);
  const auto start = Clock::now();
  gw.run([&] { return gw.state(0) == State::closed; }, 5s);
  EXPECT_EQ(gw.state(0), State::closed);
  EXPECT_LT(Clock::now() - start, 5s) << "long before the cool-down";
  EXPECT_GE(back.probes.load(), 1);
  EXPECT_NE(gw.group.pick(), nullptr);
}

TEST(BreakerProbes, an_instance_that_is_not_ready_or_refuses_stays_shut_out) {
  ReadyServer draining;  // a draining instance answers its readiness route 503
  draining.ready_status = 503;
  Gateway gw({draining.address(), refused_address()});
  gw.open(0);
  gw.open(1);
  gw.run([&] { return draining.probes.load() >= 3; }, 5s);
  EXPECT_GE(draining.probes.load(), 3) << "probed again and again while open";
  EXPECT_EQ(gw.state(0), State::open);
  EXPECT_EQ(gw.state(1), State::open);
  EXPECT_EQ(gw.group.pick(), nullptr);
}

TEST(BreakerProbes, an_instance_whose_breaker_is_closed_is_never_probed) {
  ReadyServer up;
  Gateway gw({up.address()});
  gw.run([] { return false; }, 200ms);
  EXPECT_EQ(up.probes.load(), 0) << "requests themselves tell how a closed instance does";
}

TEST(BreakerProbes, an_instance_that_becomes_ready_later_is_readmitted_then) {
  ReadyServer starting;
  starting.ready_status = 503;  // its database is not there yet
  Gateway gw({starting.address()});
  gw.open(0);
  gw.run([&] { return starting.probes.load() >= 2; }, 5s);
  ASSERT_EQ(gw.state(0), State::open);
  starting.ready_status = 200;
  gw.run([&] { return gw.state(0) == State::closed; }, 5s);
  EXPECT_EQ(gw.state(0), State::closed);
}

// An instance that says it is ready but whose requests all fail: each readmission is undone by
// its next five failures (here at once, by the test). Probed every 20 ms without a back-off, it
// would be readmitted ~50 times a second, each time fed five doomed requests.
TEST(BreakerProbes, an_instance_ready_but_failing_its_requests_is_readmitted_less_and_less_often) {
  ReadyServer liar;
  Gateway gw({liar.address()}, {.interval = 20ms, .timeout = 500ms, .max_interval = 60s, .hold = 60s});
  gw.open(0);
  int readmissions = 0;
  gw.run([&] {
    if (gw.state(0) == State::closed) {
      ++readmissions;
      gw.open(0);  // its next requests fail
    }
    return false;
  }, 1s);
  // Waits of 20, 40, 80, 160, 320, 640 ms between a shutting out and the next probe: ~5 in 1 s.
  EXPECT_GE(readmissions, 2) << "still readmitted: it may recover";
  EXPECT_LE(readmissions, 10) << "readmitted at every interval";
}

TEST(BreakerProbes, a_readmission_that_holds_starts_the_waits_over) {
  ReadyServer flaky;
  Gateway gw({flaky.address()}, {.interval = 20ms, .timeout = 500ms, .max_interval = 60s, .hold = 100ms});
  gw.open(0);
  int readmissions = 0;
  gw.run([&] {
    if (gw.state(0) == State::closed && readmissions < 5) {
      ++readmissions;
      gw.open(0);
    }
    return readmissions == 5;
  }, 5s);
  ASSERT_EQ(readmissions, 5);  // the wait is now 640 ms
  gw.run([&] { return gw.state(0) == State::closed; }, 5s);
  ASSERT_EQ(gw.state(0), State::closed);
  gw.run([] { return false; }, 300ms);  // the readmission holds past `hold`

  // A new outage: probed at the first interval again, not after the last wait.
  flaky.ready_status = 503;
  const int before = flaky.probes.load();
  gw.open(0);
  gw.run([] { return false; }, 400ms);
  EXPECT_GE(flaky.probes.load() - before, 5);
}

TEST(BreakerProbes, stopping_ends_every_loop_even_with_a_probe_in_flight) {
  // Accepts and never answers: a probe waits for its whole timeout.
  asio::io_context other;
  tcp::acceptor silent(other, {asio::ip::make_address("127.0.0.1"), 0});
  silent.listen();
  Gateway gw({{"127.0.0.1", silent.local_endpoint().port()}});
  gw.open(0);
  gw.run([] { return false; }, 100ms);
  gw.stop();  // expects every loop ended
  EXPECT_EQ(gw.state(0), State::open);
}

}  // namespace
}  // namespace mercato::gateway
