#pragma once
// A service's Redis, as one component: the login is checked before anything connects (a
// refused one is a configuration error: exit 2 with one line naming the variables to fix),
// the clients start now and stop with the service, and one non-critical "redis" readiness
// check covers every server this component holds (degraded, never not-ready: each service
// answers without Redis).

#include <memory>
#include <string>
#include <vector>

#include "cache/redis_client.hpp"
#include "core/config.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Redis {
 public:
  /// The main Redis (REDIS_*). `name` names the client in logs and metrics.
  Redis(http::App& app, const config::RedisSettings& settings, std::string name);

  /// A client of another role on its own settings (the catalog's cache values: CACHE_REDIS_*),
  /// checked as the main one (unless it is the same server and user), started now, stopped
  /// with the service; the "redis" check reports it as "<role>: <why>" when it is down.
  /// `variables` names what to fix when its login is refused.
  cache::RedisClient& add(const config::RedisSettings& settings, std::string name, std::string role,
                          const std::string& variables);

  /// The main client. Outlives every request: destroyed after the service stopped.
  cache::RedisClient& client() { return *roles_.front().client; }

 private:
  struct Role {
    std::string label;  // empty for the main client
    std::unique_ptr<cache::RedisClient> client;
  };
  http::App& app_;
  config::RedisSettings main_;
  std::vector<Role> roles_;  // unique_ptr: client() references stay valid as roles are added
};

}  // namespace mercato::service
