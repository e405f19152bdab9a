#pragma once
// Passwords: the policy, and argon2id (libsodium crypto_pwhash_str) run on a bounded pool
// of worker threads. One hash or verification costs ~85 ms and 64 MiB at libsodium's
// INTERACTIVE limits (docs/toolchain.md#argon2id-cost), so it must never run on an event-loop thread, and the
// number waiting must be bounded: past `capacity` a caller gets service_unavailable at once
// instead of a queue that grows until every login times out.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/error.hpp"
#include "trace/scope.hpp"

namespace mercato::metrics {
class Counter;
class Gauge;
class Histogram;
}

namespace mercato::auth {

namespace asio = boost::asio;

inline constexpr std::size_t kMinPasswordBytes = 12;
inline constexpr std::size_t kMaxPasswordBytes = 256;

/// Why `password` breaks the policy (12 to 256 bytes of valid UTF-8 without control
/// characters), or nullopt when it is acceptable. Length is in bytes, as stored and hashed.
std::optional<std::string> password_problem(std::string_view password);

/// argon2id cost. `interactive()` is libsodium's INTERACTIVE (2 passes, 64 MiB); tests use
/// `minimal()` so they run in microseconds.
struct PasswordCost {
  unsigned long long ops = 0;
  std::size_t mem = 0;
  static PasswordCost interactive();
  static PasswordCost minimal();
};

/// Synchronous primitives (blocking for the whole cost): for worker threads and the CLI.
/// hash_password returns "" when memory for the hash cannot be had.
std::string hash_password(std::string_view password, PasswordCost cost);
bool verify_password(std::string_view stored_hash, std::string_view password);

class PasswordHasher {
 public:
  /// `workers` threads (0: one per core); at most `capacity` operations queued or running.
  PasswordHasher(int workers, int capacity, PasswordCost cost = PasswordCost::interactive());
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  /// The encoded argon2id hash; service_unavailable when the queue is full or memory
  /// ran out. The coroutine resumes on its own executor.
  ///
  /// Each operation of a traced `scope` is two spans under its parent: "argon2id wait" (the
  /// queue, with mercato.argon2id.queue_depth, the operations ahead of it when it was enqueued;
  /// failed "queue_full" when refused) and "argon2id hash" / "argon2id verify" (the work on a
  /// hashing thread). Neither carries the password or a hash.
  asio::awaitable<Result<std::string>> hash(std::string password, trace::Scope scope = {});
  /// Whether `password` matches `stored_hash`; service_unavailable when the queue is full.
  asio::awaitable<Result<bool>> verify(std::string stored_hash, std::string password, trace::Scope scope = {});
  /// The same work as verify() against a hash no password matches, for accounts that do not
  /// exist or cannot log in: they then cost exactly what a wrong password costs.
  asio::awaitable<Result<bool>> verify_dummy(std::string password, trace::Scope scope = {});

  /// Operations queued or running now.
  int pending() const { return pending_.load(); }

 private:
  template <class T, class F>
  asio::awaitable<Result<T>> run(F work, std::string_view span_name, const trace::Scope& scope);

  asio::thread_pool pool_;
  const int capacity_;
  const PasswordCost cost_;
  std::string dummy_hash_;
  std::atomic<int> pending_{0};
  metrics::Counter& verifications_;
  metrics::Counter& hashes_;
  metrics::Counter& rejected_;
  metrics::Gauge& depth_;       // password_queue_depth: operations queued or running
  metrics::Histogram& waited_;  // password_queue_wait_seconds: enqueue → a thread takes it
};

}  // namespace mercato::auth
