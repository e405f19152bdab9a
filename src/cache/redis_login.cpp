#include "cache/redis_login.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "cache/sentinel.hpp"
#include "core/log.hpp"

namespace mercato::cache {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ReplyPtr command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return ReplyPtr(static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

}  // namespace

Status check_login(const config::RedisSettings& settings, std::string_view variables) {
  // Behind sentinels, the login is checked on the master they name now.
  auto resolved = sentinel::resolve_blocking(settings);
  if (!resolved) {
    log::warn("redis sentinels unreachable at start-up; the service starts and keeps trying",
              {{"error", resolved.error().reason}});
    return {};
  }
  const config::RedisSettings& s = *resolved;
  const auto timeout = s.connect_timeout.count() > 0 ? s.connect_timeout : config::Duration(1000);
  const timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  const std::string host = s.host.empty() ? "127.0.0.1" : s.host;
  std::unique_ptr<redisContext, ContextFree> c(redisConnectWithTimeout(host.c_str(), s.port, tv));
  if (!c || c->err != 0) {
    log::warn("redis unreachable at start-up; the service starts and keeps trying",
              {{"host", host}, {"port", int{s.port}}, {"error", c ? c->errstr : "out of memory"}});
    return {};
  }
  redisSetTimeout(c.get(), tv);

  const std::string who = s.user.empty() ? "the default user" : "REDIS_USER=\"" + s.user + "\"";
  auto refused = [&](const std::string& why) {
    return Error{ErrorCode::bad_request, "redis: " + host + ":" + std::to_string(s.port) + " refused the login of " +
                                             who + ": " + why + " (check " + std::string(variables) + ")"};
  };
  if (!s.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!s.user.empty()) auth.push_back(s.user);
    auth.push_back(s.password);
    ReplyPtr r = command(c.get(), auth);
    if (!r) return {};  // lost meanwhile: an outage, not a refusal
    if (r->type == REDIS_REPLY_ERROR) return refused(std::string(r->str, r->len));
  }
  ReplyPtr pong = command(c.get(), {"PING"});
  if (pong && pong->type == REDIS_REPLY_ERROR) return refused(std::string(pong->str, pong->len));
  return {};
}

}  // namespace mercato::cache
