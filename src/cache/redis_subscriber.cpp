#include "cache/redis_subscriber.hpp"

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <hiredis/async.h>

#include "cache/redis_connection.hpp"
#include "core/log.hpp"

namespace mercato::cache {

// Everything but `active` is touched only on the connection's strand. The connection's hooks
// hold this state, and the connection frees its hiredis context before it lets go of them,
// so the raw pointer hiredis keeps as privdata never dangles.
struct RedisSubscriber::State {
  explicit State(std::string n) : name(std::move(n)) {}

  std::string name;
  std::map<std::string, std::vector<MessageHandler>, std::less<>> handlers;
  std::vector<std::function<void()>> on_reconnect;
  std::vector<std::function<void()>> on_disconnect;
  // SUBSCRIBEs sent on the current connection and not yet confirmed.
  std::set<std::string, std::less<>> unconfirmed;
  // The current connection has had its SUBSCRIBE: channels added now are sent right away.
  bool sent = false;
  std::optional<asio::steady_timer> confirmed_signal;
  std::atomic<bool> active{false};

  template <class F>
  void run_callback(std::string_view what, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      log::error("redis subscriber callback threw", {{"client", name}, {"callback", what}, {"error", e.what()}});
    } catch (...) {
      log::error("redis subscriber callback threw", {{"client", name}, {"callback", what}});
    }
  }

  asio::awaitable<Status> subscribe_all(detail::RedisConnection& conn, bool after_outage);
  void lost();
  static void on_pubsub(redisAsyncContext* ac, void* reply, void* privdata);
  void on_pubsub_reply(const redisReply& reply);
};

namespace {

std::string_view text(const redisReply* r) {
  return r != nullptr && r->str != nullptr ? std::string_view(r->str, r->len) : std::string_view{};
}

}  // namespace

asio::awaitable<Status> RedisSubscriber::State::subscribe_all(detail::RedisConnection& conn, bool after_outage) {
  unconfirmed.clear();
  sent = false;
  if (!handlers.empty()) {
    std::vector<std::string> request{"SUBSCRIBE"};
    for (const auto& [channel, list] : handlers) {
      request.push_back(channel);
      unconfirmed.insert(channel);
    }
    if (!conn.send_raw(request, &State::on_pubsub, this)) co_return detail::redis_unavailable("disconnected");
    sent = true;

    if (!confirmed_signal) confirmed_signal.emplace(conn.strand());
    confirmed_signal->expires_after(conn.connect_timeout());
    boost::system::error_code ec;
    co_await confirmed_signal->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!conn.is_open()) co_return detail::redis_unavailable("disconnected");
    if (!unconfirmed.empty()) co_return detail::redis_unavailable("subscribe not confirmed in time");
  } else {
    sent = true;
  }
  active = true;
  if (after_outage)
    for (auto& cb : on_reconnect) run_callback("on_reconnect", cb);
  co_return Status{};
}

void RedisSubscriber::State::lost() {
  active = false;
  sent = false;
  for (auto& cb : on_disconnect) run_callback("on_disconnect", cb);
}

void RedisSubscriber::State::on_pubsub(redisAsyncContext*, void* reply, void* privdata) {
  auto* self = static_cast<State*>(privdata);
  if (reply == nullptr) {
    // The context is being freed: wake subscribe_all if it waits for confirmations.
    if (self->confirmed_signal) self->confirmed_signal->cancel();
    return;
  }
  self->on_pubsub_reply(*static_cast<const redisReply*>(reply));
}

void RedisSubscriber::State::on_pubsub_reply(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 3) return;
  const std::string_view kind = text(reply.element[0]);
  const std::string_view channel = text(reply.element[1]);
  if (kind == "message") {
    auto it = handlers.find(channel);
    if (it == handlers.end()) return;
    const std::string_view message = text(reply.element[2]);
    for (const MessageHandler& handler : it->second) {
      run_callback("message", [&] { handler(channel, message); });
    }
  } else if (kind == "subscribe") {
    if (auto it = unconfirmed.find(channel); it != unconfirmed.end()) unconfirmed.erase(it);
    if (unconfirmed.empty() && confirmed_signal) confirmed_signal->cancel();
  }
}

RedisSubscriber::RedisSubscriber(asio::io_context& io, const config::RedisSettings& settings, std::string name)
    : state_(std::make_shared<State>(name)) {
  detail::RedisConnection::Hooks hooks;
  hooks.on_ready = [state = state_](detail::RedisConnection& conn, bool after_outage) {
    return state->subscribe_all(conn, after_outage);
  };
  hooks.on_lost = [state = state_] { state->lost(); };
  connection_ = detail::RedisConnection::create(io, settings, std::move(name), std::move(hooks));
}

RedisSubscriber::~RedisSubscriber() { stop(); }

void RedisSubscriber::subscribe(std::string channel, MessageHandler handler) {
  asio::post(connection_->strand(), [state = state_, conn = connection_, channel = std::move(channel),
                                     handler = std::move(handler)]() mutable {
    auto& list = state->handlers[channel];
    list.push_back(std::move(handler));
    if (list.size() == 1 && state->sent && conn->send_raw({"SUBSCRIBE", channel}, &State::on_pubsub, state.get())) {
      state->unconfirmed.insert(channel);
    }
  });
}

void RedisSubscriber::on_reconnect(std::function<void()> callback) {
  asio::post(connection_->strand(), [state = state_, callback = std::move(callback)]() mutable {
    state->on_reconnect.push_back(std::move(callback));
  });
}

void RedisSubscriber::on_disconnect(std::function<void()> callback) {
  asio::post(connection_->strand(), [state = state_, callback = std::move(callback)]() mutable {
    state->on_disconnect.push_back(std::move(callback));
  });
}

void RedisSubscriber::start() { connection_->start(); }
void RedisSubscriber::stop() { connection_->stop(); }
bool RedisSubscriber::connected() const { return state_->active.load() && connection_->ready(); }

}  // namespace mercato::cache
