#pragma once
// Keeps a verifier's RevocationList complete (revocations.hpp), in catalog and gateway:
//
// - The bus: main.cpp subscribes kRevocationChannel on its RedisSubscriber and hands each
//   message to on_message() — identity's revocations land everywhere within milliseconds.
// - Identity's list (GET /internal/v1/revocations on USER_SERVICE_HOST:PORT) is the source of
//   truth, read from identity's database: at start (so a catalog started after a revocation
//   refuses the revoked token too: pub/sub has no memory, and Redis may have restarted),
//   every `resync_every` (60 s) as a safety net, every `poll_while_deaf` (1 s) while the bus
//   is down (a revocation still reaches this process within about a second), and right after
//   the bus comes back (messages published while it was away are lost).
// - Until such a sync has succeeded — at start, and from a bus reconnect until identity
//   answered — the list is not current(): the authentication middleware then asks for a sync
//   before it trusts any token, cached verification or not, and answers 503 when identity
//   cannot be asked. The same happens when the bus is down and identity has not answered for
//   2 × poll_while_deaf. Failing closed only needs both Redis and identity to be unreachable
//   at once; failing open would let a deactivated editor write for a whole token lifetime.
//
// Why ask identity rather than keep the list in Redis: the revocation must survive exactly
// the failures that lose bus messages (Redis down or restarted without persistence), and
// identity's database is where the change itself is committed.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "auth/identity_poll.hpp"
#include "auth/revocations.hpp"
#include "core/config.hpp"

namespace mercato::http {
class Client;
}

namespace mercato::auth {

class RevocationFeed : public std::enable_shared_from_this<RevocationFeed> {
 public:
  struct Options : poll::IdentityEndpoint {
    Options() : IdentityEndpoint{{}, "/internal/v1/revocations", std::chrono::milliseconds(1000)} {}
    std::chrono::milliseconds resync_every{60000};
    std::chrono::milliseconds poll_while_deaf{1000};
  };
  static Options options_from(const config::Settings& s) { return poll::options_from<Options>(s); }

  /// Registers itself as `list`'s resync. Must be destroyed before `io`.
  static std::shared_ptr<RevocationFeed> create(asio::io_context& io, Options options,
                                                std::shared_ptr<RevocationList> list);
  ~RevocationFeed();

  /// How to tell whether the bus is subscribed right now (RedisSubscriber::connected).
  /// Without it the feed polls identity as if the bus were down. Set before start().
  void bus_state(std::function<bool()> connected) { bus_connected_ = std::move(connected); }
  /// A message of kRevocationChannel (malformed ones are logged and ignored).
  void on_message(std::string_view message);
  /// The bus is subscribed again after a time without it: messages may have been missed.
  void on_bus_reconnect();

  /// Starts the background loop (returns at once); stop() ends it within 100 ms.
  void start();
  void stop() { stopped_ = true; }

  /// Syncs with identity now, or waits for the sync under way; at most `wait`. True when
  /// the list is current afterwards.
  asio::awaitable<bool> sync(std::chrono::milliseconds wait);

 private:
  RevocationFeed(asio::io_context& io, Options options, std::shared_ptr<RevocationList> list);
  asio::awaitable<void> run();
  /// One fetch from identity, merged into the list; true on success.
  asio::awaitable<bool> fetch();

  asio::io_context& io_;
  Options options_;
  std::shared_ptr<RevocationList> list_;
  std::unique_ptr<http::Client> client_;
  std::function<bool()> bus_connected_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> fetching_{false};
  // Bumped by every bus reconnect: a fetch that began before one cannot make the list current.
  std::atomic<std::uint64_t> epoch_{0};
  std::atomic<std::int64_t> last_ok_ms_{0};  // steady clock, last successful fetch
  std::atomic<int> failures_{0};
};

}  // namespace mercato::auth
