#pragma once
// Redis pub/sub on a connection of its own (a subscribed connection can carry nothing else).
// The cache uses it for cross-process invalidation: every process subscribes, and a write
// publishes what it changed. Messages published while this connection is down are lost
// (pub/sub has no replay), so after every outage the subscriber says so through on_reconnect,
// and the cache drops what it holds in L1.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "core/config.hpp"

namespace mercato::cache {

namespace asio = boost::asio;

namespace detail {
class RedisConnection;
}

/// Threads: the member functions are safe from any thread. Every callback (message handlers,
/// on_reconnect, on_disconnect) runs on the subscriber's own strand, one at a time, so it
/// must be quick and must not block; an exception it throws is logged and swallowed.
class RedisSubscriber {
 public:
  using MessageHandler = std::function<void(std::string_view channel, std::string_view message)>;

  RedisSubscriber(asio::io_context& io, const config::RedisSettings& settings, std::string name = "redis-sub");
  /// Stops (see stop()).
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  /// Adds `handler` for `channel` (exact name, binary-safe). Takes effect at once when
  /// connected (asynchronously: PUBSUB NUMSUB tells when Redis has it) and is renewed on
  /// every reconnect. Several handlers per channel all run, in the order they were added.
  void subscribe(std::string channel, MessageHandler handler);

  /// Called each time subscriptions are active again after a time without them: after a
  /// lost connection came back, and after a first connection that did not succeed at the
  /// first attempt. Not called when the very first attempt succeeds. Set before start();
  /// several callbacks (one per user of the connection) all run, in the order added.
  void on_reconnect(std::function<void()> callback);
  /// Called when an active connection is lost (not when stop() closes it). Set before
  /// start(); several all run, in the order added.
  void on_disconnect(std::function<void()> callback);

  /// Connects in the background and keeps reconnecting, as RedisClient does.
  void start();
  /// Unsubscribes for good by closing the connection. Returns at once.
  void stop();
  /// Connected with every subscription confirmed by Redis.
  bool connected() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::shared_ptr<detail::RedisConnection> connection_;
};

}  // namespace mercato::cache
