#include "auth/jwks_client.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/identity_poll.hpp"
#include "auth/jwks.hpp"
#include "core/log.hpp"
#include "http/client.hpp"

namespace mercato::auth {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using poll::steady_ms;
}  // namespace

std::shared_ptr<JwksClient> JwksClient::create(asio::io_context& io, Options options) {
  return std::shared_ptr<JwksClient>(new JwksClient(io, std::move(options)));
}

JwksClient::JwksClient(asio::io_context& io, Options options)
    : io_(io), options_(std::move(options)), client_(std::make_unique<http::Client>(io)) {
  keys_.store(std::make_shared<const KeySet>());
}

JwksClient::~JwksClient() = default;

void JwksClient::start() {
  // On a strand: http::Client wants its calls' executor to be one.
  asio::co_spawn(asio::make_strand(io_), run(), asio::detached);
}

asio::awaitable<void> JwksClient::run() {
  // Holds only a weak reference while asleep, so the loop never keeps the client (and its
  // connection pool) alive past its owner.
  std::weak_ptr<JwksClient> weak = weak_from_this();
  auto backoff = std::chrono::milliseconds(200);
  auto next_refresh = Clock::now();
  int failures = 0;
  for (;;) {
    if (Clock::now() >= next_refresh) {
      auto self = weak.lock();
      if (!self || self->stopped_) co_return;
      const bool ok = co_await self->fetch();
      if (ok) {
        failures = 0;
        backoff = std::chrono::milliseconds(200);
        next_refresh = Clock::now() + options_.refresh_every;
      } else if (!self->has_keys()) {
        // Say it once, then every 20th attempt: identity starting late is normal.
        if (failures++ % 20 == 0) log::warn("no token keys yet; retrying identity's JWKS", {{"attempts", failures}});
        next_refresh = Clock::now() + backoff;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      } else {
        next_refresh = Clock::now() + std::chrono::milliseconds(5000);
      }
    }
    {
      auto self = weak.lock();
      if (!self || self->stopped_) co_return;
      self->drop_expired(unix_now_s());
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh - Clock::now());
    co_await sleep_for(std::clamp(left, std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
  }
}

asio::awaitable<bool> JwksClient::fetch() {
  last_fetch_ms_ = steady_ms();
  fetching_ = true;
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag = false; }
  } done{fetching_};
  const poll::AnswerUse use = [this](const config::HostPort& from, const std::string& body) {
    std::vector<std::string> ignored;
    auto set = parse_jwks(body, &ignored);
    for (const auto& kid : ignored) {
      std::lock_guard lock(warned_mu_);
      if (std::find(warned_kids_.begin(), warned_kids_.end(), kid) != warned_kids_.end()) continue;
      if (warned_kids_.size() < 100) warned_kids_.push_back(kid);
      log::warn("JWKS key ignored: its kid is not the thumbprint of its key", {{"host", from.host}, {"kid", kid}});
    }
    if (set) *set = set->without_expired(unix_now_s());
    if (!set || set->empty()) {
      log::warn("JWKS fetch returned no usable key", {{"host", from.host}});
      return false;
    }
    const auto before = keys_.load();
    if (before->size() != set->size() ||
        !std::equal(set->entries().begin(), set->entries().end(), before->entries().begin()))
      log::info("token keys fetched", {{"keys", set->size()}});
    keys_.store(std::make_shared<const KeySet>(std::move(*set)));
    return true;
  };
  const bool fetched = co_await poll::get_first(*client_, options_, "JWKS", log::Level::warn, use);
  co_return fetched;
}

void JwksClient::drop_expired(std::int64_t now) {
  auto current = keys_.load();
  if (!current->has_expired(now)) return;
  std::shared_ptr<const KeySet> next = std::make_shared<const KeySet>(current->without_expired(now));
  // A fetch that landed meanwhile already brought a newer set: leave that one alone.
  if (keys_.compare_exchange_strong(current, next))
    log::info("a retired token key's last token has expired; the key is no longer trusted",
              {{"keys_left", next->size()}});
}

asio::awaitable<std::shared_ptr<const KeySet>> JwksClient::refresh_for(std::string kid) {
  if (fetching_) {
    // Someone else's fetch is on its way: wait for it rather than fail this request.
    const auto deadline = Clock::now() + options_.timeout;
    while (fetching_ && Clock::now() < deadline) co_await sleep_for(std::chrono::milliseconds(10));
    co_return keys();
  }
  auto last = last_fetch_ms_.load();
  const auto now = steady_ms();
  if (now - last < options_.min_refetch.count() || !last_fetch_ms_.compare_exchange_strong(last, now)) co_return keys();
  log::info("token names an unknown key; refetching JWKS", {{"kid", kid.substr(0, 64)}});
  auto self = shared_from_this();
  co_await fetch();
  co_return keys();
}

}  // namespace mercato::auth
