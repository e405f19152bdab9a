#pragma once
// The identity service's signing keys, one file per key under JWT_KEYS_DIR:
//   <kid>.jwk   mode 0600, a private JWK {"kty":"OKP","crv":"Ed25519","kid","x","d","created_ms"}
// in a directory of mode 0700, both created on first start. created_ms is when a key starts
// signing: the newest key whose time has come signs; a key whose time is still to come (`keys
// rotate --activate-in`) is published and verifies already, so every identity instance and
// every verifier knows it before any token signed with it exists (a rollout of the key to many
// pods closes without a 401); an older key stays published (and verifying) until every token
// it signed has expired: for the access-token lifetime plus the clock leeway after its
// successor started signing.
//
// Rotation is `mercato-identity keys rotate`, which only adds a file: running identity
// processes pick it up on their next reload (LocalKeys), so every instance sharing the
// directory agrees on the keys without talking to each other.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/key_source.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"

namespace mercato::auth {

/// Every key in `dir`, oldest first. Error for a missing directory or a file that is not a
/// valid key (its kid must be the thumbprint of its key), naming the file. Tightens a
/// directory or file readable by others back to 0700/0600 (and logs it).
Result<std::vector<SigningKey>> load_keys(const std::string& dir);

/// Writes a new key into `dir` (created 0700 if missing) and returns it.
Result<SigningKey> create_key(const std::string& dir, std::int64_t now_ms);

/// load_keys(), creating the directory and a first key when there is none. Processes
/// starting together create only one key (an flock on `dir/.lock`).
Result<std::vector<SigningKey>> open_keys(const std::string& dir, std::int64_t now_ms);

/// Which of `all` (oldest first, non-empty) signs at `now_ms`: the newest whose created_ms has
/// come; the oldest when every key's is still to come.
std::size_t signing_index(const std::vector<SigningKey>& all, std::int64_t now_ms);

/// The keys that verify at `now_ms`: the newest, each still to come, and each older one whose
/// successor started signing less than `overlap` ago (the access-token lifetime plus leeway).
std::vector<SigningKey> live_keys(const std::vector<SigningKey>& all, std::int64_t now_ms,
                                  std::chrono::milliseconds overlap);

/// Deletes key files no longer live (see live_keys), keeping `overlap` of extra margin.
void prune_keys(const std::string& dir, const std::vector<SigningKey>& all, std::int64_t now_ms,
                std::chrono::milliseconds overlap);

std::int64_t unix_now_ms();

/// identity_signing_key_created_timestamp_seconds: set by LocalKeys whenever it installs keys.
metrics::Gauge& signing_key_created_gauge();

/// The identity service's KeySource: signs with the key signing_index() picks, verifies
/// with the live ones, and renders the JWKS. reload() re-reads the directory (call it on a
/// timer); refresh_for() re-reads at most once a second.
class LocalKeys : public KeySource {
 public:
  /// Loads (creating on first start) the keys of `dir`.
  static Result<std::shared_ptr<LocalKeys>> open(std::string dir, std::chrono::milliseconds overlap);

  std::shared_ptr<const KeySet> keys() const override;
  asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string kid) override;

  struct Snapshot {
    SigningKey signer;
    std::shared_ptr<const KeySet> verify;
    std::string jwks;  // render_jwks(*verify)
  };
  std::shared_ptr<const Snapshot> snapshot() const { return snap_.load(); }

  /// Re-reads the directory; keeps the current keys (and logs) if it cannot.
  Status reload();

 private:
  LocalKeys(std::string dir, std::chrono::milliseconds overlap) : dir_(std::move(dir)), overlap_(overlap) {}
  void install(const std::vector<SigningKey>& all);

  std::string dir_;
  std::chrono::milliseconds overlap_;
  std::atomic<std::shared_ptr<const Snapshot>> snap_;
  std::atomic<std::int64_t> last_reload_ms_{0};
};

}  // namespace mercato::auth
