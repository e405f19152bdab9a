#include "auth/revocation_feed.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/identity_poll.hpp"
#include "auth/verifier.hpp"
#include "core/log.hpp"
#include "http/client.hpp"

namespace mercato::auth {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using poll::steady_ms;
}  // namespace

std::shared_ptr<RevocationFeed> RevocationFeed::create(asio::io_context& io, Options options,
                                                       std::shared_ptr<RevocationList> list) {
  std::shared_ptr<RevocationFeed> feed(new RevocationFeed(io, std::move(options), list));
  std::weak_ptr<RevocationFeed> weak = feed;
  list->set_resync([weak](milliseconds wait) -> asio::awaitable<bool> {
    auto self = weak.lock();
    if (!self) co_return false;
    co_return co_await self->sync(wait);
  });
  return feed;
}

RevocationFeed::RevocationFeed(asio::io_context& io, Options options, std::shared_ptr<RevocationList> list)
    : io_(io), options_(std::move(options)), list_(std::move(list)), client_(std::make_unique<http::Client>(io)) {}

RevocationFeed::~RevocationFeed() = default;

void RevocationFeed::on_message(std::string_view message) {
  auto r = parse_revocation(message);
  if (!r) {
    log::warn("ignoring a malformed revocation message", {{"bytes", message.size()}});
    return;
  }
  list_->add(*r);
}

void RevocationFeed::on_bus_reconnect() {
  ++epoch_;
  list_->set_current(false);
}

void RevocationFeed::start() {
  // On a strand: http::Client wants its calls' executor to be one.
  asio::co_spawn(asio::make_strand(io_), run(), asio::detached);
}

asio::awaitable<bool> RevocationFeed::fetch() {
  const auto epoch = epoch_.load();
  const poll::AnswerUse use = [this, epoch](const config::HostPort& from, const std::string& body) {
    auto snap = parse_revocations(body);
    if (!snap) {
      log::warn("identity's revocation list is malformed", {{"host", from.host}, {"error", snap.error().message}});
      return false;
    }
    list_->merge(*snap, unix_now());
    last_ok_ms_ = steady_ms();
    if (failures_.exchange(0) > 0) log::info("revocation list fetched again", {{"entries", list_->size()}});
    // A reconnect during the fetch may have lost messages the answer predates.
    if (epoch_.load() == epoch) list_->set_current(true);
    return true;
  };
  // Debug only: while identity is away the loop polls every second and warns below.
  const bool fetched = co_await poll::get_first(*client_, options_, "revocation list", log::Level::debug, use);
  if (fetched) co_return true;
  // Say it once, then every 20th time: identity starting late is normal.
  if (failures_++ % 20 == 0) log::warn("cannot fetch the revocation list from identity", {{"failures", failures_.load()}});
  co_return false;
}

asio::awaitable<bool> RevocationFeed::sync(milliseconds wait) {
  const auto deadline = Clock::now() + wait;
  bool expected = false;
  if (fetching_.compare_exchange_strong(expected, true)) {
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{fetching_};
    auto self = shared_from_this();
    co_await fetch();
    co_return list_->current();
  }
  // Someone else's fetch is on its way: wait for it rather than send another.
  while (fetching_ && Clock::now() < deadline) co_await sleep_for(milliseconds(10));
  co_return list_->current();
}

asio::awaitable<void> RevocationFeed::run() {
  // Holds only a weak reference while asleep, so the loop never keeps the feed alive.
  std::weak_ptr<RevocationFeed> weak = weak_from_this();
  bool was_connected = false;
  auto next_resync = Clock::now();
  auto next_attempt = Clock::now();
  for (;;) {
    {
      auto self = weak.lock();
      if (!self || self->stopped_) co_return;
      const bool connected = bus_connected_ && bus_connected_();
      // A first connection calls no on_reconnect: anything published before it was missed.
      if (connected && !was_connected) on_bus_reconnect();
      was_connected = connected;

      const auto now = Clock::now();
      const auto since_ok = milliseconds(steady_ms() - last_ok_ms_.load());
      if (!connected && list_->current() && since_ok > 2 * options_.poll_while_deaf) {
        log::warn("revocation bus down and identity unreachable: tokens are refused until identity answers");
        list_->set_current(false);
      }
      const bool due =
          !list_->current() || (!connected && since_ok >= options_.poll_while_deaf) || now >= next_resync;
      if (due && now >= next_attempt) {
        const bool ok = co_await self->sync(options_.timeout);
        if (ok) {
          next_resync = Clock::now() + options_.resync_every;
        } else {
          next_attempt = Clock::now() + milliseconds(500);
        }
      }
    }
    co_await sleep_for(milliseconds(100));
  }
}

}  // namespace mercato::auth
