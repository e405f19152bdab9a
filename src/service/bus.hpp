#pragma once
// The service's connection to the Redis pub/sub bus (cache invalidations, token revocations),
// as one component: its users subscribe while the service is built, and the subscriber starts
// when the service starts serving (App::on_start), after every channel and reconnect callback
// is registered; it stops with the service.

#include <string>

#include "cache/redis_subscriber.hpp"
#include "core/config.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Bus {
 public:
  Bus(http::App& app, const config::RedisSettings& settings, std::string name);
  cache::RedisSubscriber& subscriber() { return subscriber_; }

 private:
  cache::RedisSubscriber subscriber_;
};

}  // namespace mercato::service
