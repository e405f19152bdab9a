#include "services/gateway/upstreams.hpp"

#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::gateway {

namespace {

metrics::GaugeFamily& circuit_open_family() {
  return metrics::Registry::global().gauge("gateway_upstream_circuit_open",
                                           "1 while the circuit breaker of an upstream instance is open",
                                           {"service", "instance"});
}

}  // namespace

UpstreamGroup::UpstreamGroup(std::string service, const std::vector<config::HostPort>& addresses,
                             http::Client& client, CircuitBreaker::Options breaker)
    : service_(std::move(service)) {
  auto& family = circuit_open_family();
  for (const auto& a : addresses) {
    std::string label = http::upstream_label(a);
    auto& gauge = family.with({service_, label});
    instances_.push_back(std::make_unique<Instance>(a, std::move(label), client.upstream(a), breaker, gauge));
  }
}

Instance* UpstreamGroup::pick(const Instance* except) {
  const std::size_t n = instances_.size();
  // A retry starts after the instance that failed and leaves the rotation alone, so the
  // next request still goes to the next instance in turn.
  std::size_t start = 0;
  if (except) {
    while (start < n && instances_[start].get() != except) ++start;
    ++start;
  } else {
    start = next_.fetch_add(1, std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < n; ++i) {
    Instance* inst = instances_[(start + i) % n].get();
    if (inst != except && inst->breaker.try_acquire()) return inst;
  }
  return nullptr;
}

Instance* UpstreamGroup::pick_past_breakers(const Instance* except) {
  const std::size_t n = instances_.size();
  std::size_t at = 0;
  while (at < n && instances_[at].get() != except) ++at;
  for (std::size_t i = 1; i < n; ++i)
    if (Instance* inst = instances_[(at + i) % n].get(); inst != except) return inst;
  return nullptr;
}

void UpstreamGroup::record(Instance& instance, bool answered) {
  const auto state = answered ? instance.breaker.record_success() : instance.breaker.record_failure();
  instance.open_gauge.set(state == CircuitBreaker::State::open ? 1.0 : 0.0);
}

void UpstreamGroup::readmit(Instance& instance) {
  instance.breaker.readmit();
  instance.open_gauge.set(0.0);
  log::info("upstream instance readmitted: it answered its readiness probe",
            {{"service", service_}, {"instance", instance.label}});
}

std::chrono::milliseconds UpstreamGroup::retry_after() const {
  auto shortest = std::chrono::milliseconds::max();
  for (const auto& inst : instances_) shortest = std::min(shortest, inst->breaker.retry_after());
  return shortest;
}

void add_upstream_checks(http::Health& health, http::Client& client, std::vector<UpstreamGroup*> groups,
                         std::chrono::milliseconds timeout) {
  for (UpstreamGroup* group : groups) {
    // Probes bypass the breakers on purpose: they are how an operator sees the truth about
    // every instance, and they must not spend a half-open breaker's single probe.
    health.add(group->service(), false, [&client, group, timeout]() -> asio::awaitable<http::CheckOutcome> {
      const auto start = std::chrono::steady_clock::now();
      http::CheckOutcome out;
      http::ClientRequest probe;
      probe.target = kReadinessPath;
      for (const auto& inst : group->instances()) {
        auto res = co_await client.send(inst->pool, probe, std::chrono::steady_clock::now() + timeout);
        if (res && res->status == 200) {
          out.up = true;
          break;
        }
        if (!out.detail.empty()) out.detail += "; ";
        out.detail += inst->label + ": " + (res ? "status " + std::to_string(res->status) : res.error().message);
      }
      out.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      co_return out;
    });
  }
}

}  // namespace mercato::gateway
