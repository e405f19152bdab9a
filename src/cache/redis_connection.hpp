#pragma once
// One Redis connection that keeps itself alive: it connects in the background, authenticates,
// selects the database, and reconnects with capped exponential backoff whenever the connection
// is lost. RedisClient (commands) and RedisSubscriber (pub/sub) each own one. Internal to
// src/cache: callers use those two classes.
//
// Threads: all hiredis calls, and all state below marked "strand", happen on strand(); the
// public member functions are safe from any thread.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "cache/hiredis_asio.hpp"
#include "cache/redis_reply.hpp"
#include "cache/sentinel.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::metrics {
class Counter;
class Gauge;
}  // namespace mercato::metrics

namespace mercato::cache::detail {

using Duration = config::Duration;
using Commands = std::vector<std::vector<std::string>>;
using Replies = std::vector<RedisReply>;
/// hiredis's redisCallbackFn, spelled without including hiredis here.
using RawCallback = void (*)(redisAsyncContext*, void* reply, void* privdata);

/// The transport errors of the cache layer: Redis unreachable, or too slow to answer.
Error redis_unavailable(std::string reason);
Error redis_timed_out();

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  struct Hooks {
    /// Runs on the strand after the handshake, before the connection counts as ready. An
    /// error closes the connection and the next attempt follows the backoff. `after_outage` is
    /// false only for the first attempt after start(): otherwise there was a time without this
    /// connection, and whatever it would have received then is lost.
    std::function<asio::awaitable<Status>(RedisConnection&, bool after_outage)> on_ready;
    /// Runs on the strand when a connection that was ready is lost (not after stop()).
    std::function<void()> on_lost;
  };

  static std::shared_ptr<RedisConnection> create(asio::io_context& io, const config::RedisSettings& settings,
                                                 std::string name, Hooks hooks = {});
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Starts connecting in the background. Once; later calls do nothing.
  void start();
  /// Closes the connection for good: commands in flight fail as unavailable, no reconnect.
  void stop();
  /// Handshake done and not lost since: commands can be sent.
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  const Strand& strand() const { return strand_; }
  const std::string& name() const { return name_; }
  Duration command_timeout() const { return command_timeout_; }
  Duration connect_timeout() const { return connect_timeout_; }

  /// Sends `commands` in one write (pipelined) and completes with their replies in order, on
  /// the caller's executor, signature void(Result<Replies>). Fails at once with
  /// redis_unavailable("disconnected") when not ready; with redis_timed_out() when the last
  /// reply has not come within `timeout` (replies that come later are dropped). Each command
  /// must not be a (P)SUBSCRIBE, (P)UNSUBSCRIBE or MONITOR (RedisClient refuses those).
  /// `stall_signal`: whether a timeout says the connection may be dead (it counts toward the
  /// reconnect after 5 in a row); false when `timeout` is a request's remaining budget,
  /// shorter than the command timeout, which says nothing about the server.
  template <class Token>
  auto async_exchange(Commands commands, Duration timeout, bool stall_signal, Token&& token);

  // --- strand only ---
  /// Sends one command whose replies all go to `fn` (pub/sub, where one SUBSCRIBE brings
  /// many replies). `fn` gets a null reply once when the context is freed. False when there
  /// is no open context.
  bool send_raw(const std::vector<std::string>& args, RawCallback fn, void* privdata);
  /// A context exists (possibly still in its handshake).
  bool is_open() const { return ctx_ != nullptr; }

 private:
  struct Batch;
  using Completion = std::function<void(Result<Replies>)>;

  RedisConnection(asio::io_context& io, const config::RedisSettings& settings, std::string name, Hooks hooks);

  // The core of async_exchange, on the strand. `require_ready` is false only for the
  // handshake, which runs before the connection counts as ready.
  void start_exchange(Commands commands, Duration timeout, bool require_ready, bool stall_signal, Completion done);
  // async_exchange for the handshake: called and completed on the strand.
  asio::awaitable<Result<Replies>> exchange_on_strand(Commands commands, Duration timeout);
  asio::awaitable<void> supervise();
  asio::awaitable<Status> open();
  // With sentinels: while connected, asks them every second where the master is, and closes
  // the connection once the answer is not the address it is connected to. Returns when the
  // connection is gone.
  asio::awaitable<void> follow_master();
  // A READONLY reply on context `context`: the server was demoted under us (strand).
  void on_demoted(std::uint64_t context);
  void close(std::string_view reason);
  void on_context_closed(std::string reason);
  void on_batch_timeout(Batch& batch);
  void set_ready(bool ready);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);

  Strand strand_;
  const config::RedisSettings settings_;
  const std::string name_;
  const std::string client_name_;  // name_ as CLIENT SETNAME accepts it
  const Duration command_timeout_;
  const Duration connect_timeout_;
  Hooks hooks_;
  std::atomic<bool> ready_{false};
  metrics::Gauge& connected_gauge_;
  metrics::Counter& reconnects_;

  // strand
  redisAsyncContext* ctx_ = nullptr;
  std::uint64_t context_id_ = 0;  // counts contexts, so a late READONLY closes only its own
  config::HostPort address_;      // where ctx_ is connected (the master the sentinels named)
  sentinel::Rotation sentinels_;
  std::string close_reason_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer closed_signal_;  // its wait ends when the context goes away
  asio::steady_timer retry_timer_;
  bool started_ = false;
  bool stopping_ = false;
  int consecutive_timeouts_ = 0;
};

template <class Token>
auto RedisConnection::async_exchange(Commands commands, Duration timeout, bool stall_signal, Token&& token) {
  return asio::async_initiate<Token, void(Result<Replies>)>(
      [self = shared_from_this()](auto handler, Commands commands, Duration timeout, bool stall_signal) {
        // Completion runs on the caller's executor, posted, never inline on the strand: the
        // caller then does not hold up other traffic of this connection while it works.
        auto executor = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        Completion done = [executor, shared](Result<Replies> result) {
          asio::post(executor, [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); });
        };
        if (!self->ready()) return done(redis_unavailable("disconnected"));
        asio::post(self->strand_,
                   [self, commands = std::move(commands), timeout, stall_signal, done = std::move(done)]() mutable {
                     self->start_exchange(std::move(commands), timeout, /*require_ready=*/true, stall_signal,
                                          std::move(done));
                   });
      },
      token, std::move(commands), timeout, stall_signal);
}

}  // namespace mercato::cache::detail
