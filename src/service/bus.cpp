#include "service/bus.hpp"

#include "cache/redis_config.hpp"
#include "http/app.hpp"

namespace mercato::service {

Bus::Bus(http::App& app, const config::RedisSettings& settings, std::string name)
    : subscriber_(app.io(), settings, std::move(name)) {
  app.require(cache::redis_config(), "service::Bus");
  app.on_start([this] { subscriber_.start(); });
  app.on_stop([this] { subscriber_.stop(); });
}

}  // namespace mercato::service
