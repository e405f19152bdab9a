#include "cache/redis_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <hiredis/async.h>

#include "cache/backoff.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::cache::detail {
namespace {

// Reconnect delays: the first retry comes quickly (a Redis restart takes well under a
// second), later ones back off to the cap so a long outage costs one attempt every few s.
constexpr Duration kFirstRetry{100};
constexpr Duration kMaxRetry{2000};
// Used when the settings leave a timeout at 0 (tests building RedisSettings by hand).
constexpr Duration kDefaultCommandTimeout{1000};
constexpr Duration kDefaultConnectTimeout{2000};
// A connection whose commands keep timing out is treated as dead: it is closed and the
// reconnect handshake (bounded by connect_timeout) proves the server answers again. Until
// then commands fail at once instead of each waiting its full timeout.
constexpr int kTimeoutsBeforeReconnect = 5;
// With sentinels: the reconnect backoff stops at 1 s rather than 2 s, since a switch of
// master is the expected outage and takes a few seconds; how often the sentinels are asked
// whether the master moved while connected; and each sentinel's deadline for one answer
// (they are near, on the same network: a slow one is skipped for the next).
constexpr Duration kMaxRetryWithSentinels{1000};
constexpr Duration kFollowInterval{1000};
constexpr Duration kSentinelDeadline{300};

Duration or_default(Duration d, Duration fallback) { return d.count() > 0 ? d : fallback; }

// CLIENT SETNAME refuses spaces and control characters.
std::string client_name_for(std::string name) {
  for (char& c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) c = '-';
  }
  return name.empty() ? "mercato" : name;
}

}  // namespace

Error redis_unavailable(std::string reason) {
  Error e{ErrorCode::service_unavailable, "redis unavailable"};
  e.reason = std::move(reason);
  return e;
}

Error redis_timed_out() {
  Error e{ErrorCode::service_unavailable, "redis timed out"};
  e.reason = "timeout";
  return e;
}

// The commands of one async_exchange: replies fill in as they arrive; the first of "all
// replies in", "connection lost" and "timer expired" completes it, and the others are ignored.
// Shared by the caller's completion path and every pending hiredis callback, so a reply that
// arrives after the timeout finds a live object.
struct RedisConnection::Batch {
  // One command of the batch: hiredis's privdata for that command's reply callback.
  struct Slot {
    std::shared_ptr<Batch> batch;
    std::size_t index;
  };

  Batch(const Strand& strand, std::size_t n, bool stall, Completion c)
      : timer(strand), replies(n), remaining(n), stall_signal(stall), completion(std::move(c)) {}

  void finish(Result<Replies> result) {
    if (done) return;
    done = true;
    timer.cancel();
    auto c = std::move(completion);
    c(std::move(result));
  }

  asio::steady_timer timer;
  Replies replies;
  std::size_t remaining;
  bool stall_signal;  // its timeout counts toward the reconnect (async_exchange)
  bool done = false;
  Completion completion;
};

std::shared_ptr<RedisConnection> RedisConnection::create(asio::io_context& io, const config::RedisSettings& settings,
                                                         std::string name, Hooks hooks) {
  return std::shared_ptr<RedisConnection>(new RedisConnection(io, settings, std::move(name), std::move(hooks)));
}

RedisConnection::RedisConnection(asio::io_context& io, const config::RedisSettings& settings, std::string name,
                                 Hooks hooks)
    : strand_(asio::make_strand(io)),
      settings_(settings),
      name_(std::move(name)),
      client_name_(client_name_for(name_)),
      command_timeout_(or_default(settings.command_timeout, kDefaultCommandTimeout)),
      connect_timeout_(or_default(settings.connect_timeout, kDefaultConnectTimeout)),
      hooks_(std::move(hooks)),
      connected_gauge_(metrics::Registry::global()
                           .gauge("redis_connected", "1 while the named Redis connection is up and ready", {"client"})
                           .with({name_})),
      reconnects_(metrics::Registry::global()
                      .counter("redis_reconnects_total",
                               "Redis connections re-established after a ready one was lost", {"client"})
                      .with({name_})),
      sentinels_(settings.sentinels.size()),
      resolver_(strand_),
      closed_signal_(strand_),
      retry_timer_(strand_) {}

RedisConnection::~RedisConnection() {
  // Only reached with a context when the io_context stopped running before stop() took
  // effect; nothing else can touch this object then, so freeing here is safe.
  if (ctx_ != nullptr) redisAsyncFree(ctx_);
}

void RedisConnection::start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    asio::co_spawn(self->strand_, [self]() { return self->supervise(); }, [name = self->name_](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("redis connection supervisor died", {{"client", name}, {"error", ex.what()}});
      } catch (...) {
        log::error("redis connection supervisor died", {{"client", name}});
      }
    });
  });
}

void RedisConnection::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->resolver_.cancel();
    self->retry_timer_.cancel();
    self->close("stopped");
  });
}

asio::awaitable<void> RedisConnection::supervise() {
  // `self` keeps the connection alive for as long as it supervises.
  auto self = shared_from_this();
  Backoff backoff(kFirstRetry, settings_.sentinels.empty() ? kMaxRetry : kMaxRetryWithSentinels);
  bool first_attempt = true;
  bool ever_ready = false;
  bool failure_logged = false;  // one warning per outage, not one per attempt
  boost::system::error_code ec;

  while (!stopping_) {
    Status status = co_await open();
    if (status && hooks_.on_ready) status = co_await hooks_.on_ready(*this, !first_attempt);
    first_attempt = false;

    if (status && is_open() && !stopping_) {
      if (ever_ready) reconnects_.inc();
      ever_ready = true;
      failure_logged = false;
      backoff.reset();
      consecutive_timeouts_ = 0;
      set_ready(true);
      log::info("redis connected", {{"client", name_}, {"host", address_.host}, {"port", int{address_.port}}});

      if (settings_.sentinels.empty()) {
        closed_signal_.expires_at(asio::steady_timer::time_point::max());
        co_await closed_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await follow_master();
      }
      if (!stopping_) {
        log::warn("redis connection lost", {{"client", name_}, {"reason", close_reason_}});
        if (hooks_.on_lost) hooks_.on_lost();
      }
    } else {
      close("handshake failed");
      if (!stopping_) {
        const std::string reason = status ? close_reason_ : status.error().reason;
        if (!failure_logged) log::warn("redis connect failed, retrying", {{"client", name_}, {"reason", reason}});
        else log::debug("redis connect failed, retrying", {{"client", name_}, {"reason", reason}});
        failure_logged = true;
      }
    }
    if (stopping_) break;

    retry_timer_.expires_after(backoff.next());
    co_await retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  close("stopped");
}

asio::awaitable<void> RedisConnection::follow_master() {
  boost::system::error_code ec;
  while (is_open() && !stopping_) {
    closed_signal_.expires_after(kFollowInterval);
    co_await closed_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!is_open() || stopping_) co_return;  // cancelled by on_context_closed()
    auto master = co_await sentinel::ask_master(strand_, settings_, sentinels_, kSentinelDeadline);
    // No sentinel answering says nothing about the master: keep serving on it.
    if (!master || !is_open() || stopping_) continue;
    if (master->host != address_.host || master->port != address_.port) {
      log::warn("redis master moved, reconnecting",
                {{"client", name_}, {"from", address_.host + ":" + std::to_string(address_.port)},
                 {"to", master->host + ":" + std::to_string(master->port)}});
      close("the sentinels named another master");
    }
  }
}

void RedisConnection::on_demoted(std::uint64_t context) {
  if (ctx_ == nullptr || context != context_id_ || stopping_) return;
  log::warn("redis answered READONLY: no longer the master, asking the sentinels again", {{"client", name_}});
  close("READONLY: the server is no longer the master");
}

asio::awaitable<Status> RedisConnection::open() {
  boost::system::error_code ec;
  std::string host = settings_.host.empty() ? "127.0.0.1" : settings_.host;
  std::uint16_t port = settings_.port;
  if (!settings_.sentinels.empty()) {
    auto master = co_await sentinel::ask_master(strand_, settings_, sentinels_, kSentinelDeadline);
    if (stopping_) co_return redis_unavailable("stopped");
    if (!master) co_return std::move(master).error();
    host = master->host;
    port = master->port;
  }
  address_ = config::HostPort{host, port};
  const std::string port_text = std::to_string(port);  // named: see coroutine pitfall 2
  auto endpoints = co_await resolver_.async_resolve(host, port_text, asio::redirect_error(asio::use_awaitable, ec));
  if (stopping_) co_return redis_unavailable("stopped");
  if (ec || endpoints.empty()) co_return redis_unavailable("cannot resolve " + host + ": " + ec.message());
  // Prefer IPv4, as hiredis itself does: "localhost" often resolves to ::1 first while Redis
  // is bound to 127.0.0.1 only.
  auto chosen = endpoints.begin()->endpoint();
  for (const auto& entry : endpoints) {
    if (entry.endpoint().address().is_v4()) {
      chosen = entry.endpoint();
      break;
    }
  }
  const std::string address = chosen.address().to_string();

  redisAsyncContext* ac = redisAsyncConnect(address.c_str(), port);
  if (ac == nullptr) co_return redis_unavailable("out of memory");
  if (ac->err != 0) {
    std::string why = ac->errstr;
    redisAsyncFree(ac);
    co_return redis_unavailable(std::move(why));
  }
  ctx_ = ac;
  ctx_->data = this;
  ++context_id_;
  close_reason_.clear();
  attach_asio(ac, strand_, [this](std::string reason) { on_context_closed(std::move(reason)); });

  // hiredis queues these until the TCP connect completes and writes them in one go, so the
  // whole handshake costs one round trip. PING last: its answer proves the server serves
  // (a server still loading its data set answers -LOADING).
  Commands handshake;
  if (!settings_.password.empty()) {
    if (settings_.user.empty()) handshake.push_back({"AUTH", settings_.password});
    else handshake.push_back({"AUTH", settings_.user, settings_.password});
  }
  if (settings_.db != 0) handshake.push_back({"SELECT", std::to_string(settings_.db)});
  const std::size_t setname_index = handshake.size();
  handshake.push_back({"CLIENT", "SETNAME", client_name_});
  handshake.push_back({"PING"});
  // Behind sentinels, the address may be a stale answer during a switch, or a master demoted
  // since: only a server that says it is the master is used.
  const bool check_role = !settings_.sentinels.empty();
  if (check_role) handshake.push_back({"ROLE"});
  auto replies = co_await exchange_on_strand(std::move(handshake), connect_timeout_);
  if (!replies) {
    auto error = std::move(replies).error();
    if (error.reason == "timeout") error.reason = "connect timeout";
    else if (!close_reason_.empty()) error.reason = close_reason_;
    co_return error;
  }
  for (std::size_t i = 0; i < replies->size(); ++i) {
    // The name only helps people reading CLIENT LIST; an ACL without CLIENT is no reason
    // to refuse the connection.
    if (i == setname_index) continue;
    const RedisReply& reply = (*replies)[i];
    if (check_role && i + 1 == replies->size()) {
      if (Status master = sentinel::check_master_role(reply); !master) {
        auto error = std::move(master).error();
        error.reason = host + ":" + port_text + ": " + error.reason;
        co_return error;
      }
      continue;
    }
    if (reply.is_error()) co_return redis_unavailable("handshake: " + reply.as_string());
  }
  co_return Status{};
}

asio::awaitable<Result<Replies>> RedisConnection::exchange_on_strand(Commands commands, Duration timeout) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(Result<Replies>)>(
      [this](auto handler, Commands commands, Duration timeout) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        // Posted to the strand rather than called: the awaiting coroutine must not resume
        // inside a hiredis callback.
        start_exchange(std::move(commands), timeout, /*require_ready=*/false, /*stall_signal=*/true, [this, shared](Result<Replies> r) {
          asio::post(strand_, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable, std::move(commands), timeout);
}

void RedisConnection::start_exchange(Commands commands, Duration timeout, bool require_ready, bool stall_signal,
                                     Completion done) {
  auto batch = std::make_shared<Batch>(strand_, commands.size(), stall_signal, std::move(done));
  if (ctx_ == nullptr || (require_ready && !ready())) return batch->finish(redis_unavailable("disconnected"));
  if (commands.empty()) return batch->finish(Replies{});
  for (const auto& args : commands) {
    // hiredis asserts on a command without arguments instead of failing it.
    if (args.empty()) return batch->finish(bad_request("redis: empty command"));
  }

  std::vector<const char*> argv;
  std::vector<std::size_t> argvlen;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    argv.clear();
    argvlen.clear();
    for (const std::string& arg : commands[i]) {
      argv.push_back(arg.data());
      argvlen.push_back(arg.size());
    }
    auto* slot = new Batch::Slot{batch, i};
    if (redisAsyncCommandArgv(ctx_, &RedisConnection::on_reply, slot, static_cast<int>(argv.size()), argv.data(),
                              argvlen.data()) != REDIS_OK) {
      // Only when hiredis is already tearing the context down: the commands queued before
      // this one get their null replies from that teardown.
      delete slot;
      return batch->finish(redis_unavailable("disconnected"));
    }
  }

  batch->timer.expires_after(timeout);
  batch->timer.async_wait([self = shared_from_this(), batch](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || batch->done) return;
    self->on_batch_timeout(*batch);
  });
}

void RedisConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Batch::Slot> slot(static_cast<Batch::Slot*>(privdata));
  Batch& batch = *slot->batch;
  if (reply == nullptr) return batch.finish(redis_unavailable("disconnected"));
  auto* self = static_cast<RedisConnection*>(ac->data);
  if (self != nullptr) {
    self->consecutive_timeouts_ = 0;
    // A master demoted under us (the sentinels promoted another and this one now replicates
    // it) refuses writes with READONLY: find the new one. Posted, never closed from inside a
    // hiredis callback; the context id keeps a late post from closing a newer connection.
    const auto* r = static_cast<const redisReply*>(reply);
    if (!self->settings_.sentinels.empty() && r->type == REDIS_REPLY_ERROR && r->str != nullptr &&
        std::string_view(r->str, r->len).starts_with("READONLY")) {
      asio::post(self->strand_, [weak = self->weak_from_this(), id = self->context_id_] {
        if (auto conn = weak.lock()) conn->on_demoted(id);
      });
    }
  }
  // After a timeout nobody reads the replies: skip copying them (they may be large).
  if (batch.done) return;
  batch.replies[slot->index] = RedisReply::from_hiredis(*static_cast<redisReply*>(reply));
  if (--batch.remaining == 0) batch.finish(std::move(batch.replies));
}

void RedisConnection::on_batch_timeout(Batch& batch) {
  batch.finish(redis_timed_out());
  if (!batch.stall_signal) return;
  if (++consecutive_timeouts_ >= kTimeoutsBeforeReconnect && ready()) {
    log::warn("redis commands keep timing out, reconnecting",
              {{"client", name_}, {"timeouts", consecutive_timeouts_}});
    close("commands kept timing out");
  }
}

bool RedisConnection::send_raw(const std::vector<std::string>& args, RawCallback fn, void* privdata) {
  if (ctx_ == nullptr || args.empty()) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> argvlen;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    argvlen.push_back(arg.size());
  }
  return redisAsyncCommandArgv(ctx_, fn, privdata, static_cast<int>(argv.size()), argv.data(), argvlen.data()) ==
         REDIS_OK;
}

void RedisConnection::close(std::string_view reason) {
  // Never called from inside a hiredis callback (only from posted handlers, timers and the
  // supervisor), so hiredis frees at once: pending commands get null replies, the adapter
  // detaches, and on_context_closed() runs before this returns.
  if (ctx_ == nullptr) return;
  close_reason_ = reason;
  redisAsyncFree(ctx_);
}

void RedisConnection::on_context_closed(std::string reason) {
  ctx_ = nullptr;
  // hiredis's own reason (EOF, connection refused) wins over the one close() recorded.
  if (!reason.empty()) close_reason_ = std::move(reason);
  if (close_reason_.empty()) close_reason_ = "closed";
  set_ready(false);
  closed_signal_.cancel();
}

void RedisConnection::set_ready(bool ready) {
  ready_.store(ready, std::memory_order_release);
  connected_gauge_.set(ready ? 1.0 : 0.0);
}

}  // namespace mercato::cache::detail
