#include "http/health.hpp"

#include <cstdio>
#include <stdexcept>

#include "core/json.hpp"
#include "core/log.hpp"

namespace mercato::http {

void Health::add(std::string name, bool critical, CheckFn check) {
  checks_.push_back({std::move(name), critical, std::move(check), {}});
}

void Health::cover(std::string_view name, std::function<bool()> covered) {
  for (auto& c : checks_)
    if (c.name == name) {
      c.covered = std::move(covered);
      return;
    }
  throw std::logic_error("Health::cover: no check named " + std::string(name));
}

asio::awaitable<Response> Health::ready() const {
  if (draining_) {
    // Answered at once: the balancer must stop sending now, and the dependencies may be on
    // their way down too, so their checks would only delay the answer (by up to their
    // timeouts) and flood the log.
    Response r;
    r.status = 503;
    json::Writer w(r.body);
    w.begin_object().key("status").string("draining").key("service").string(service_).end_object();
    co_return r;
  }
  std::vector<CheckOutcome> outcomes;
  std::vector<bool> fatal(checks_.size(), false);  // down, critical, and nothing covers it
  outcomes.reserve(checks_.size());
  bool ready = true;
  for (const auto& c : checks_) {
    CheckOutcome o;
    try {
      o = co_await c.check();
    } catch (const std::exception& e) {
      o.up = false;
      o.detail = e.what();
    }
    if (!o.up) {
      const bool covered = c.critical && c.covered && c.covered();
      fatal[outcomes.size()] = c.critical && !covered;
      if (fatal[outcomes.size()]) ready = false;
      log::warn("dependency check failed",
                {{"dependency", c.name}, {"critical", c.critical}, {"covered", covered}, {"detail", o.detail}});
    }
    outcomes.push_back(std::move(o));
  }
  Response r;
  r.status = ready ? 200 : 503;
  json::Writer w(r.body);
  w.begin_object().key("status").string(ready ? "ready" : "not_ready");
  w.key("service").string(service_);
  w.key("checks").begin_object();
  for (std::size_t i = 0; i < checks_.size(); ++i)
    w.key(checks_[i].name).string(outcomes[i].up ? "up" : (fatal[i] ? "down" : "degraded"));
  w.end_object().key("latency_ms").begin_object();
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    w.key(checks_[i].name);
    if (outcomes[i].up) w.number(static_cast<double>(outcomes[i].latency.count()) / 1000.0);
    else w.null();
  }
  w.end_object().end_object();
  co_return r;
}

void Health::install(Router& router) {
  router.get("/health/live", [this](Request&) -> asio::awaitable<Response> {
    Response r;
    r.body = R"({"status":"up","service":")" + service_ + "\"}";
    co_return r;
  });
  router.get("/health/ready", [this](Request&) { return ready(); });
}

}  // namespace mercato::http
