#pragma once
// What every service's main() is made of: settings from the environment (exit 2 with one line
// on a bad value), logging, an io_context run by HTTP_WORKERS threads, the standard
// middleware, /health/* on the API port, an internal listener (METRICS_HOST:METRICS_PORT) for
// /metrics and /health/*, and a graceful stop on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     mercato::http::App app("catalog", catalog::config_groups(), argc, argv);
//     … register dependencies, health checks and routes …
//     return app.run();
//   }

#include <utility>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config.hpp"
#include "http/health.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "trace/tracer.hpp"

namespace mercato::http {

class App {
 public:
  /// Loads and validates the variables of `groups` (the service's components' declarations,
  /// config::core_group() and http::server_config() among them) and no others. Handles --help
  /// (prints those variables, exits 0) and configuration errors (one line on stderr, exits 2)
  /// before returning; a retired variable that is set gets one warning in the log. Other
  /// arguments are kept in args() for a service's own commands (e.g. `mercato-identity user
  /// add …`); run() refuses any left unhandled.
  App(std::string service, config::Groups groups, int argc, char** argv);
  ~App();

  const config::Settings& settings() const { return settings_; }
  /// A component's statement that it reads `group`'s settings. A service whose list lacks the
  /// group would hand the component zero values without a word, so start-up stops instead,
  /// naming both (a programming error every test that starts the service catches).
  void require(const config::Group& group, std::string_view component) const;
  const std::vector<std::string>& args() const { return args_; }
  asio::io_context& io() { return *io_; }
  Router& router() { return router_; }
  Health& health() { return health_; }
  /// Adds service middleware after the standard chain, before the router.
  void use(Middleware m) { service_middleware_.emplace_back(std::move(m)); }
  void use(Hooks h) { service_middleware_.emplace_back(std::move(h)); }
  /// The time each request gets when no trusted caller sent a shorter budget
  /// (X-Request-Deadline-Ms, http/deadline.hpp); REQUEST_TIMEOUT unless set here. The gateway
  /// sets UPSTREAM_TIMEOUT: the budget of a request starts there.
  void set_request_budget(std::chrono::milliseconds budget) { request_budget_ = budget; }
  /// The tracer the server's tracing middleware begins each request's trace with. Until a
  /// component sets one (service::Tracing, from the OTEL_* variables), a tracer that records
  /// nothing: trace ids are still made, propagated, logged and answered.
  void set_tracer(std::shared_ptr<trace::Tracer> tracer) { tracer_ = std::move(tracer); }
  const std::shared_ptr<trace::Tracer>& tracer() const { return tracer_; }
  /// Runs when run() begins, before the listeners open, in the order added: for what may
  /// start only once every user registered with it (a Redis subscriber's channels).
  void on_start(std::function<void()> f) { start_hooks_.push_back(std::move(f)); }
  /// Runs after the server stopped accepting and drained, before the process exits; in the
  /// reverse order of registration, as destructors do, so a component stops before the ones
  /// it was built on (a feed before the bus it listens to).
  void on_stop(std::function<void()> f) { stop_hooks_.push_back(std::move(f)); }
  /// Awaited after the server drained and before the stop hooks, all at once and together
  /// bounded by SHUTDOWN_TIMEOUT (what has not ended by then is cut off with the process): for
  /// background work that must finish its step and hand over (a job worker).
  void on_drain(std::function<asio::awaitable<void>()> f) { drain_hooks_.push_back(std::move(f)); }

  /// Serves until SIGTERM/SIGINT; returns the process exit code.
  int run();

 private:
  /// Runs the drain hooks (on_drain), then `then`: once, when all ended or `bound` passed.
  void drain(std::chrono::milliseconds bound, std::function<void()> then);

  std::string service_;
  std::vector<std::string> args_;
  config::Groups groups_;
  config::Settings settings_;
  // Built once HTTP_WORKERS is known: one worker gets concurrency hint 1, with which Asio's
  // scheduler skips waking other threads and keeps completions in a thread-private queue.
  std::optional<asio::io_context> io_;
  Router router_;
  Health health_;
  std::vector<std::variant<Middleware, Hooks>> service_middleware_;
  std::vector<std::function<void()>> start_hooks_;
  std::vector<std::function<void()>> stop_hooks_;
  std::vector<std::function<asio::awaitable<void>()>> drain_hooks_;
  std::optional<std::chrono::milliseconds> request_budget_;
  std::shared_ptr<trace::Tracer> tracer_ = trace::Tracer::create({}, nullptr);
};

/// Exits with status 2 after printing `message` as one line on stderr: for start-up errors an
/// operator must fix (bad config, an unusable migration, a port in use).
[[noreturn]] void fail_startup(const std::string& message);

}  // namespace mercato::http
