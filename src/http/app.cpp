#include "http/app.hpp"

#include "http/deadline.hpp"

#include <algorithm>
#include <atomic>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/log.hpp"
#include "core/loop_lag.hpp"
#include "core/metrics.hpp"
#include "core/process_metrics.hpp"
#include "http/client_address.hpp"
#include "http/http_config.hpp"
#include "http/middleware.hpp"
#include "http/server.hpp"

namespace mercato::http {

void fail_startup(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  log::shutdown();
  std::exit(2);
}

void App::drain(std::chrono::milliseconds bound, std::function<void()> then) {
  if (drain_hooks_.empty()) {
    then();
    return;
  }
  // `then` runs once: when the last hook ends or the bound passes, whichever is first. With
  // HTTP_WORKERS > 1 the hooks may end on different threads, hence the atomics.
  struct Drain {
    std::atomic<std::size_t> left;
    std::atomic<bool> done{false};
    std::function<void()> then;
    asio::steady_timer timer;
    Drain(std::size_t n, std::function<void()> f, asio::io_context& io) : left(n), then(std::move(f)), timer(io) {}
    // The timer is left to fire (then a no-op): finish() may run on another worker thread,
    // and an Asio timer must not be cancelled from a thread other than its handler's.
    void finish() {
      if (done.exchange(true)) return;
      then();
    }
  };
  auto d = std::make_shared<Drain>(drain_hooks_.size(), std::move(then), *io_);
  d->timer.expires_after(bound);
  d->timer.async_wait([d](boost::system::error_code ec) {
    if (ec) return;
    log::warn("stopping: background work did not end within SHUTDOWN_TIMEOUT, cut off");
    d->finish();
  });
  for (auto& hook : drain_hooks_)
    asio::co_spawn(*io_, hook(), [d](std::exception_ptr) {
      if (d->left.fetch_sub(1) == 1) d->finish();
    });
}

App::App(std::string service, config::Groups groups, int argc, char** argv)
    : service_(std::move(service)), health_(service_) {
  groups_ = groups;
  // The server itself reads these.
  require(config::core_group(), "the server");
  require(server_config(), "the server");
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(config::help_text(service_, groups).c_str(), stdout);
      std::exit(0);
    }
    args_.emplace_back(argv[i]);
  }
  std::vector<std::string> warnings;
  auto loaded = config::load_from_env(service_, groups, &warnings);
  if (!loaded) fail_startup(loaded.error().message);
  settings_ = std::move(loaded.value());
  log::init(service_, settings_.log_level);
  for (const auto& w : warnings) log::warn(w);
  io_.emplace(settings_.http.workers == 1 ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT);
}

App::~App() = default;

void App::require(const config::Group& group, std::string_view component) const {
  if (std::find(groups_.begin(), groups_.end(), &group) == groups_.end())
    fail_startup("config: mercato-" + service_ + " does not list the group " + std::string(group.name) + ", which " +
                 std::string(component) + " reads");
}

int App::run() {
  if (!args_.empty()) {
    std::fprintf(stderr, "mercato-%s: unknown argument \"%s\" (configuration is by environment; see --help)\n",
                 service_.c_str(), args_.front().c_str());
    return 2;
  }
  const auto& hs = settings_.http;
  for (auto& hook : start_hooks_) hook();
  Pipeline pipeline;
  // Tracing first after the client's address: the request id is the trace id, and the access
  // log, error mapping and everything after it see the trace (http/middleware.hpp).
  pipeline.use(resolve_client_address(TrustedProxies(settings_.trusted_proxies)))
      .use(tracing(tracer_, TrustedProxies(settings_.trusted_proxies), hs.port))
      .use(request_id())
      .use(access_log())
      .use(http::metrics(service_))
      .use(recover());
  // REQUEST_TIMEOUT is read only by services that list http::request_timeout_config(); one
  // that lists neither it nor a budget of its own would time out every request at once.
  if (!request_budget_ && settings_.request_timeout.count() <= 0)
    fail_startup("config: mercato-" + service_ + " sets no request budget and does not list REQUEST_TIMEOUT");
  pipeline.use(deadline(request_budget_ ? *request_budget_ : settings_.request_timeout,
                        TrustedProxies(settings_.trusted_proxies)));
  for (auto& m : service_middleware_) std::visit([&pipeline](auto& layer) { pipeline.use(std::move(layer)); }, m);

  health_.install(router_);
  pipeline.terminal([this](Request& req) { return router_.dispatch(req); });

  // The internal listener (METRICS_HOST:METRICS_PORT): /metrics names upstream addresses and
  // counts logins, so it is never routed on the API port, where /metrics is a 404 like any
  // unknown path. Health is served here too, for probes that only reach the internal address.
  Router internal;
  health_.install(internal);
  internal.get("/metrics", [](Request&) -> asio::awaitable<Response> {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics::Registry::global().render();
    co_return r;
  });
  Pipeline internal_pipeline;
  internal_pipeline.use(request_id()).use(recover());
  internal_pipeline.terminal([&internal](Request& req) { return internal.dispatch(req); });

  ServerOptions so;
  so.host = hs.host;
  so.port = hs.port;
  so.socket_path = hs.socket;  // the API only: /metrics stays on the internal listener
  so.max_body = hs.max_body;
  so.max_header = hs.max_header;
  so.max_connections = hs.max_connections;
  so.max_connections_per_address = hs.max_connections_per_address;
  so.uncapped_addresses = settings_.trusted_proxies;  // proxies carry many clients' connections
  so.request_start_timeout = hs.request_start_timeout;
  so.read_timeout = hs.read_timeout;
  so.idle_timeout = hs.idle_timeout;
  so.io_threads = hs.workers;  // the threads started below, and no others, run io_
  Server server(*io_, so, [&pipeline](Request& req) { return pipeline(req); });
  if (auto st = server.start(); !st) fail_startup(st.error().message);
  ServerOptions mo = so;  // the same limits; a scraper is one more client
  mo.host = hs.metrics_host;
  mo.port = hs.metrics_port;
  mo.uncapped_addresses.clear();
  mo.socket_path.clear();
  Server metrics_server(*io_, mo, [&internal_pipeline](Request& req) { return internal_pipeline(req); });
  if (auto st = metrics_server.start(); !st) fail_startup("METRICS_PORT: " + st.error().message);

  // process_* and event_loop_lag_seconds, the same in every service.
  metrics::register_process_metrics();
  metrics::LoopLagProbe loop_lag(*io_, std::chrono::milliseconds(500),
                                 metrics::Registry::global()
                                     .histogram("event_loop_lag_seconds",
                                                "How late a timer armed every 0.5 s on the event loop fired, in seconds.",
                                                {}, metrics::loop_lag_buckets())
                                     .with({}));
  loop_lag.start();

  asio::signal_set signals(*io_, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    log::info("stopping", {{"signal", sig}, {"connections", server.active_connections()}});
    health_.set_draining();
    // The internal listener stops with the API: a scrape during the drain still answers.
    server.shutdown(hs.shutdown_timeout, [this, &metrics_server, &hs, &loop_lag] {
      metrics_server.shutdown(hs.shutdown_timeout, [this, &hs, &loop_lag] {
        drain(hs.shutdown_timeout, [this, &loop_lag] {
          loop_lag.stop();
          for (auto hook = stop_hooks_.rbegin(); hook != stop_hooks_.rend(); ++hook) (*hook)();
          io_->stop();
        });
      });
    });
  });

  log::info("listening", {{"host", hs.host}, {"port", static_cast<int>(server.port())}, {"socket", hs.socket},
                          {"workers", hs.workers},
                          {"metrics_host", hs.metrics_host}, {"metrics_port", static_cast<int>(metrics_server.port())}});
  std::vector<std::thread> threads;
  for (int i = 1; i < hs.workers; ++i) threads.emplace_back([this] { io_->run(); });
  io_->run();
  for (auto& t : threads) t.join();
  log::info("stopped");
  log::shutdown();
  return 0;
}

}  // namespace mercato::http
