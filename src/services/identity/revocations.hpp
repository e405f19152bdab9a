#pragma once
// Identity's side of access-token revocation (src/auth/revocations.hpp has the contract):
// publishing (user id, not-before) on the Redis bus when a user's role, password or active
// flag changes or the user is deleted, and GET /internal/v1/revocations, the list of recent
// revocations verifiers read at start and after missing the bus. The list is internal: the
// gateway does not route it, and identity listens where only the services reach it.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "auth/revocations.hpp"
#include "cache/redis_client.hpp"
#include "core/config.hpp"
#include "http/router.hpp"
#include "services/identity/users_service.hpp"

namespace mercato::identity {

namespace asio = boost::asio;

class UserStore;
class Schema;

/// The not-before for a change made now: the next whole second. Token `iat`s are whole
/// seconds, so a token issued earlier in this second is revoked too, and identity issues no
/// token with an `iat` before it (issue_access_token).
std::int64_t next_not_before();

/// How long a revocation matters: the access-token lifetime plus the verifiers' leeway and
/// one second of rounding.
std::int64_t revocation_horizon_seconds(const config::Settings& s);

class RevocationPublisher final : public RevocationSink {
 public:
  RevocationPublisher(asio::io_context& io, cache::RedisClient& redis) : io_(io), redis_(redis) {}
  /// PUBLISHes once, awaited (so every subscribed verifier has it, give or take a
  /// millisecond, before the change is answered); when Redis cannot take it, keeps retrying
  /// in the background for 10 s. Verifiers that missed it read identity's list anyway.
  asio::awaitable<void> publish(auth::Revocation r) override;
  /// The same on auth::kUserChangedChannel. One that is never delivered leaves a gateway's
  /// copy of the user until its PRINCIPAL_CACHE_TTL (a gateway that lost the bus drops all).
  asio::awaitable<void> user_changed(std::string user) override;

 private:
  asio::io_context& io_;
  cache::RedisClient& redis_;
};

/// Best effort, for the command line (`user add` resetting a user): one blocking PUBLISH of
/// `message` on `channel` with a 2 s timeout. False when Redis could not be reached.
bool publish_blocking(const config::RedisSettings& redis, std::string_view channel, const std::string& message);

/// The command line's sink: publish_blocking(); `missed()` says whether one failed.
class BlockingRevocationSink final : public RevocationSink {
 public:
  explicit BlockingRevocationSink(const config::RedisSettings& redis) : redis_(redis) {}
  asio::awaitable<void> publish(auth::Revocation r) override;
  asio::awaitable<void> user_changed(std::string user) override;
  bool missed() const { return missed_; }

 private:
  const config::RedisSettings& redis_;
  bool missed_ = false;
};

/// GET /internal/v1/revocations (auth::render_revocations).
void install_revocations_route(http::Router& router, const config::Settings& settings, UserStore& users,
                               const Schema& schema);

}  // namespace mercato::identity
