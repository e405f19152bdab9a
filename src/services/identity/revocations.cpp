#include "services/identity/revocations.hpp"

#include <sys/time.h>

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <hiredis/hiredis.h>

#include "auth/verifier.hpp"
#include "cache/redis_command.hpp"
#include "cache/sentinel.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"
#include "services/identity/schema.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

namespace {

asio::awaitable<void> retry_publish(cache::RedisClient& redis, std::string_view channel, std::string message) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int attempt = 0; attempt < 20; ++attempt) {
    timer.expires_after(std::chrono::milliseconds(500));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto args = cache::cmd("PUBLISH", channel, message);
    auto r = co_await redis.command(std::move(args));
    if (r && !r->is_error()) co_return;
  }
  log::warn("not published (Redis unreachable for 10 s)", {{"channel", channel}});
}

// PUBLISH, awaited; on failure retried in the background (retry_publish).
asio::awaitable<void> publish_now_or_later(asio::io_context& io, cache::RedisClient& redis, std::string_view channel,
                                           std::string message, std::string_view user) {
  auto args = cache::cmd("PUBLISH", channel, message);
  auto reply = co_await redis.command(std::move(args));
  if (reply && !reply->is_error()) co_return;
  log::warn("cannot publish now; retrying", {{"channel", channel}, {"user", user}});
  asio::co_spawn(io, retry_publish(redis, channel, std::move(message)), asio::detached);
}

}  // namespace

std::int64_t next_not_before() { return auth::unix_now() + 1; }

std::int64_t revocation_horizon_seconds(const config::Settings& s) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  return duration_cast<seconds>(s.jwt_access_ttl).count() + duration_cast<seconds>(s.jwt_clock_skew).count() + 1;
}

asio::awaitable<void> RevocationPublisher::publish(auth::Revocation r) {
  // Verifiers that miss it read identity's list.
  co_await publish_now_or_later(io_, redis_, auth::kRevocationChannel, auth::format_revocation(r), r.user);
}

asio::awaitable<void> RevocationPublisher::user_changed(std::string user) {
  co_await publish_now_or_later(io_, redis_, auth::kUserChangedChannel, user, user);
}

bool publish_blocking(const config::RedisSettings& settings, std::string_view channel, const std::string& message) {
  // Behind sentinels, to the master they name now (a replica would refuse nothing: PUBLISH
  // works there too, but only the replica's own subscribers would hear it).
  auto resolved = cache::sentinel::resolve_blocking(settings);
  if (!resolved) return false;
  const config::RedisSettings& s = *resolved;
  timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout(s.host.c_str(), s.port, timeout);
  if (c == nullptr) return false;
  bool ok = c->err == 0 && redisSetTimeout(c, timeout) == REDIS_OK;
  const auto command = [&](std::vector<std::string> args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
    const bool good = reply != nullptr && reply->type != REDIS_REPLY_ERROR;
    if (reply) freeReplyObject(reply);
    return good;
  };
  if (ok && !s.password.empty())
    ok = s.user.empty() ? command({"AUTH", s.password}) : command({"AUTH", s.user, s.password});
  if (ok && s.db != 0) ok = command({"SELECT", std::to_string(s.db)});
  if (ok) ok = command({"PUBLISH", std::string(channel), message});
  redisFree(c);
  return ok;
}

asio::awaitable<void> BlockingRevocationSink::publish(auth::Revocation r) {
  if (!publish_blocking(redis_, auth::kRevocationChannel, auth::format_revocation(r))) missed_ = true;
  co_return;
}

asio::awaitable<void> BlockingRevocationSink::user_changed(std::string user) {
  if (!publish_blocking(redis_, auth::kUserChangedChannel, user)) missed_ = true;
  co_return;
}

void install_revocations_route(http::Router& router, const config::Settings& settings, UserStore& users,
                               const Schema& schema) {
  const std::int64_t horizon = revocation_horizon_seconds(settings);
  router.get("/internal/v1/revocations", [&users, &schema, horizon](http::Request& req) -> asio::awaitable<http::Response> {
    if (!schema.ready()) co_return http::error_response(unavailable("identity database is not ready"));
    auto rows = co_await users.recent_revocations(horizon, req.context.scope());
    if (!rows) co_return http::error_response(rows.error());
    auth::RevocationSnapshot snap;
    snap.horizon_seconds = horizon;
    for (auto& [user, nbf] : *rows) snap.revocations.push_back({std::move(user), nbf});
    http::Response r;
    r.content_type = "application/json";
    r.body = auth::render_revocations(snap);
    r.set_header("Cache-Control", "no-store");
    co_return r;
  });
}

}  // namespace mercato::identity
