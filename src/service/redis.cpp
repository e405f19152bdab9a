#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include "service/redis.hpp"

#include <algorithm>

#include "cache/redis_config.hpp"
#include "cache/redis_login.hpp"
#include "http/app.hpp"

namespace mercato::service {

using namespace std::chrono_literals;

namespace {

void check_login_or_exit(const config::RedisSettings& settings, const std::string& variables) {
  if (auto login = cache::check_login(settings, variables); !login) http::fail_startup(login.error().message);
}

}  // namespace

Redis::Redis(http::App& app, const config::RedisSettings& settings, std::string name) : app_(app), main_(settings) {
  app.require(cache::redis_config(), "service::Redis");
  check_login_or_exit(settings, "REDIS_USER/REDIS_PASSWORD");
  roles_.push_back({"", std::make_unique<cache::RedisClient>(app.io(), settings, std::move(name))});
  roles_.front().client->start();
  app.on_stop([this] {
    for (auto it = roles_.rbegin(); it != roles_.rend(); ++it) it->client->stop();
  });
  // One check for every role: any one away degrades the service the same way.
  app.health().add("redis", false, [this]() -> boost::asio::awaitable<http::CheckOutcome> {
    http::CheckOutcome out{true, {}, {}};
    for (const auto& role : roles_) {
      auto rtt = co_await role.client->ping(1s);
      if (!rtt) co_return http::CheckOutcome{false, {}, role.label.empty() ? rtt.error().message
                                                                         : role.label + ": " + rtt.error().message};
      out.latency = std::max(out.latency, *rtt);
    }
    co_return out;
  });
}

cache::RedisClient& Redis::add(const config::RedisSettings& settings, std::string name, std::string role,
                               const std::string& variables) {
  if (!(settings == main_)) check_login_or_exit(settings, variables);
  roles_.push_back({std::move(role), std::make_unique<cache::RedisClient>(app_.io(), settings, std::move(name))});
  roles_.back().client->start();
  return *roles_.back().client;
}

}  // namespace mercato::service
