#pragma once
// Finding the Redis master through Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER).
//
// hiredis 0.14 has no Sentinel client, so the discovery is written here by hand, after the
// "guidelines for Redis clients with support for Redis Sentinel" in Redis's documentation:
//   1. ask the sentinels in turn `SENTINEL get-master-addr-by-name <name>`, each with a short
//      deadline, starting with the one that answered last;
//   2. connect to the address the first one gives, and check that `ROLE` says master there
//      (RedisConnection's handshake): a sentinel may still hand out the old master during a
//      switch, and a demoted master must not take writes;
//   3. while connected, ask again every second and drop the connection when the answer moves
//      (RedisConnection::supervise), and drop it on a READONLY reply.
// The sentinels themselves are asked over a plain socket per question: the question is rare
// (once a second per connection) and the socket is gone before the next one, so there is no
// second long-lived hiredis context to keep alive.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <cstddef>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cache/hiredis_asio.hpp"
#include "cache/redis_reply.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::cache::sentinel {

namespace asio = boost::asio;
using config::Duration;
using detail::Strand;
using config::HostPort;

/// The address in a reply to SENTINEL get-master-addr-by-name: an array of host and port.
/// A nil reply (the sentinel monitors no master of that name) or an error reply is an error
/// naming `master`.
Result<HostPort> parse_master_address(const RedisReply& reply, std::string_view master);

/// A reply to ROLE says this server is a master. Otherwise an error naming the role
/// ("slave", "sentinel"), for the handshake to refuse the connection.
Status check_master_role(const RedisReply& reply);

/// A master name Sentinel can take: not empty, no spaces or control characters.
bool valid_master_name(std::string_view name);

/// Which sentinel to ask first. The one that answered last goes first next time (it is the
/// most likely to answer again); the others follow in their configured order, wrapping, so
/// that every sentinel is tried once per round.
class Rotation {
 public:
  explicit Rotation(std::size_t count) : count_(count) {}
  /// Indexes into the sentinel list, in the order to ask them.
  std::vector<std::size_t> order() const;
  /// Sentinel `index` gave an answer.
  void answered(std::size_t index) {
    if (index < count_) first_ = index;
  }

 private:
  std::size_t count_;
  std::size_t first_ = 0;
};

/// Asks the sentinels of `settings` in the rotation's order for the master's address; the
/// first answer wins. Each sentinel gets `per_sentinel` for connect, question and answer.
/// Fails with service_unavailable when none answers, its reason listing each one's failure.
/// Runs on `strand` (the caller's, which it must be running on).
asio::awaitable<Result<HostPort>> ask_master(const Strand& strand, const config::RedisSettings& settings,
                                             Rotation& rotation, Duration per_sentinel);

/// The same, blocking (hiredis's synchronous API with timeouts), for start-up checks and
/// command-line tools that have no io_context running.
Result<HostPort> ask_master_blocking(const config::RedisSettings& settings, Duration per_sentinel);

/// `settings` with host and port of the current master when it names sentinels (asked with
/// ask_master_blocking); unchanged otherwise. For the blocking clients (login check, CLI).
Result<config::RedisSettings> resolve_blocking(const config::RedisSettings& settings);

}  // namespace mercato::cache::sentinel
