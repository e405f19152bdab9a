#include "auth/passwords.hpp"

#include <thread>

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sodium.h>

#include "auth/sodium.hpp"
#include "core/metrics.hpp"
#include "trace/span.hpp"

namespace mercato::auth {

namespace {

bool valid_utf8_without_controls(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      if (b0 < 0x20 || b0 == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
      n = 1;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 2;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 3;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (std::size_t k = 2; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
}

}  // namespace

std::optional<std::string> password_problem(std::string_view p) {
  if (p.size() < kMinPasswordBytes) return "must be at least 12 bytes long";
  if (p.size() > kMaxPasswordBytes) return "must be at most 256 bytes long";
  if (!valid_utf8_without_controls(p)) return "must be UTF-8 text without control characters";
  return std::nullopt;
}

PasswordCost PasswordCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::minimal() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem, crypto_pwhash_ALG_ARGON2ID13) !=
      0)
    return {};
  return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_sodium();
  // crypto_pwhash_str_verify wants a NUL-terminated hash.
  const std::string h(stored_hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

PasswordHasher::PasswordHasher(int workers, int capacity, PasswordCost cost)
    : pool_(workers > 0 ? workers : std::max(1u, std::thread::hardware_concurrency())),
      capacity_(capacity),
      cost_(cost),
      verifications_(
          metrics::Registry::global()
              .counter("password_verifications_total", "argon2id password verifications run (real and dummy alike)")
              .with({})),
      hashes_(
          metrics::Registry::global().counter("password_hashes_total", "argon2id password hashes computed").with({})),
      rejected_(metrics::Registry::global()
                    .counter("password_queue_rejected_total", "password operations refused because the queue was full")
                    .with({})),
      depth_(metrics::Registry::global()
                 .gauge("password_queue_depth", "argon2id operations queued or running (PASSWORD_HASH_QUEUE at most)")
                 .with({})),
      waited_(metrics::Registry::global()
                  .histogram("password_queue_wait_seconds",
                             "Time an argon2id operation waited for a hashing thread, in seconds.")
                  .with({})) {
  ensure_sodium();
  // Random, never revealed: no password can match it, and verifying against it costs what a
  // real verification costs because it carries the same parameters.
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  dummy_hash_ = hash_password({reinterpret_cast<const char*>(secret), sizeof secret}, cost_);
  sodium_memzero(secret, sizeof secret);
}

PasswordHasher::~PasswordHasher() { pool_.join(); }

template <class T, class F>
asio::awaitable<Result<T>> PasswordHasher::run(F work, std::string_view span_name, const trace::Scope& scope) {
  const int ahead = pending_.fetch_add(1);
  depth_.inc();
  const auto queued = std::chrono::steady_clock::now();
  // From here until a hashing thread picks the work up: the queue is what a login waits on
  // when the pool is busy, and its depth says why.
  trace::Span wait = scope.start("argon2id wait");
  wait.set("mercato.argon2id.queue_depth", ahead);
  if (ahead >= capacity_) {
    pending_.fetch_sub(1);
    depth_.dec();
    rejected_.inc();
    wait.set("error.type", "queue_full");
    wait.set_error("queue_full");
    co_return Error{ErrorCode::service_unavailable, "too many logins in progress; try again shortly"};
  }
  trace::Span busy;  // started and ended on the hashing thread
  // Raw pointers into this frame, which lives until the handler resumes it: the hashing thread
  // is done with both spans before it posts the handler back.
  trace::Span* wait_span = &wait;
  trace::Span* busy_span = &busy;
  const trace::Scope* in = &scope;
  // The work runs on the pool; the result is posted back to the coroutine's own executor,
  // so the caller resumes where it was (its strand), never on a hashing thread.
  // (Named locals rather than temporaries inside co_await: g++ 12 destroys some temporaries
  // of a co_await full-expression twice.)
  auto initiate = [this, work = std::move(work), wait_span, busy_span, in, span_name, queued](auto handler) mutable {
    // Tracked: the caller's io_context must not run out of work (and return from run())
    // while the only thing it waits for is on another thread.
    auto ex = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    asio::post(pool_, [this, work = std::move(work), handler = std::move(handler), ex, wait_span, busy_span, in,
                       span_name, queued]() mutable {
      waited_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - queued).count());
      wait_span->end();
      *busy_span = in->start(span_name);
      T value = work();
      busy_span->end();
      asio::post(ex, [handler = std::move(handler), value = std::move(value)]() mutable { handler(std::move(value)); });
    });
  };
  auto result =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(T)>(std::move(initiate), asio::use_awaitable);
  pending_.fetch_sub(1);
  depth_.dec();
  co_return result;
}

asio::awaitable<Result<std::string>> PasswordHasher::hash(std::string password, trace::Scope scope) {
  auto work = [p = std::move(password), cost = cost_, this]() mutable {
    auto h = hash_password(p, cost);
    wipe(p);
    hashes_.inc();
    return h;
  };
  auto r = co_await run<std::string>(std::move(work), "argon2id hash", scope);
  if (r && r->empty()) co_return Error{ErrorCode::service_unavailable, "cannot hash the password now"};
  co_return r;
}

asio::awaitable<Result<bool>> PasswordHasher::verify(std::string stored_hash, std::string password,
                                                     trace::Scope scope) {
  auto work = [h = std::move(stored_hash), p = std::move(password), this]() mutable {
    const bool ok = verify_password(h, p);
    wipe(p);
    verifications_.inc();
    return ok;
  };
  auto r = co_await run<bool>(std::move(work), "argon2id verify", scope);
  co_return r;
}

asio::awaitable<Result<bool>> PasswordHasher::verify_dummy(std::string password, trace::Scope scope) {
  auto r = co_await verify(dummy_hash_, std::move(password), std::move(scope));
  if (!r) co_return std::move(r).error();
  co_return false;
}

}  // namespace mercato::auth
