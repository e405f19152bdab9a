#pragma once
// The key source of every service but identity: identity's public keys, fetched from
//   http://USER_SERVICE_HOST:USER_SERVICE_PORT/api/v1/.well-known/jwks.json
// and kept in memory.
//
// - At start it fetches in the background, retrying (0.2 s doubling to 5 s) until it has
//   keys; until then every token is refused as invalid_token (and public reads still work).
// - A token naming an unknown kid triggers one refetch, at most once per `min_refetch`
//   (5 s), so a flood of forged kids cannot turn into a flood of requests to identity.
// - It also refetches every `refresh_every` (60 s), which drops keys identity retired.
// - While identity is down it keeps verifying with the keys it has: a failed fetch never
//   replaces them. A retiring key (one identity publishes with "exp", the end of its last
//   token) is dropped at that time all the same, so a retired key that leaked cannot sign
//   for this service however long identity stays away.
// - A key whose kid is not its RFC 7638 thumbprint is ignored (and logged once per kid).

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "auth/identity_poll.hpp"
#include "auth/key_source.hpp"
#include "core/config.hpp"

namespace mercato::http {
class Client;
}

namespace mercato::auth {

class JwksClient : public KeySource, public std::enable_shared_from_this<JwksClient> {
 public:
  struct Options : poll::IdentityEndpoint {
    Options() : IdentityEndpoint{{}, "/api/v1/.well-known/jwks.json", std::chrono::milliseconds(2000)} {}
    std::chrono::milliseconds min_refetch{5000};
    std::chrono::milliseconds refresh_every{60000};
  };
  static Options options_from(const config::Settings& s) { return poll::options_from<Options>(s); }

  /// Must be destroyed before `io`.
  static std::shared_ptr<JwksClient> create(asio::io_context& io, Options options);
  ~JwksClient() override;

  /// Starts the background fetching (returns at once).
  void start();
  /// Ends the background loop at its next wake-up (within a second).
  void stop() { stopped_ = true; }
  /// True once a fetch has brought at least one key.
  bool has_keys() const { return !keys_.load()->empty(); }

  std::shared_ptr<const KeySet> keys() const override { return keys_.load(); }
  asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string kid) override;

  /// One fetch now (tries each upstream); true when it brought a key set, which replaced
  /// the current one. For the loop, refresh_for() and tests.
  asio::awaitable<bool> fetch();

  /// Forgets the retiring keys whose last token has expired by `now` (Unix seconds), whether
  /// or not identity can be reached: the loop calls it every second.
  void drop_expired(std::int64_t now);

 private:
  JwksClient(asio::io_context& io, Options options);
  asio::awaitable<void> run();

  asio::io_context& io_;
  Options options_;
  std::unique_ptr<http::Client> client_;
  std::atomic<std::shared_ptr<const KeySet>> keys_;
  std::atomic<std::int64_t> last_fetch_ms_{0};  // steady clock; start of the last fetch
  std::atomic<bool> fetching_{false};
  std::atomic<bool> stopped_{false};
  std::mutex warned_mu_;
  std::vector<std::string> warned_kids_;  // mismatched kids already logged (bounded)
};

}  // namespace mercato::auth
