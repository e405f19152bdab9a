#pragma once
// Tracing, as one component: reads the "tracing" group (the OTEL_* variables), builds the OTLP
// exporter when one is configured and the process's Tracer on the configured sampler and tail
// rules, and hands the Tracer to the App (whose server begins every request's trace with it).
// The exporter flushes what is queued when the service stops (2 s at most).
//
// Without an endpoint (or with OTEL_TRACES_EXPORTER=none, OTEL_SDK_DISABLED=true) nothing is
// recorded or exported, but trace ids are still made, propagated, logged and answered.

#include <memory>

#include "trace/otlp_exporter.hpp"
#include "trace/tracer.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Tracing {
 public:
  /// Calls app.set_tracer() and registers the flush with app.on_stop().
  explicit Tracing(http::App& app);
  Tracing(const Tracing&) = delete;
  Tracing& operator=(const Tracing&) = delete;

  const std::shared_ptr<trace::Tracer>& tracer() const { return tracer_; }
  /// Null when nothing is exported.
  const std::shared_ptr<trace::OtlpExporter>& exporter() const { return exporter_; }

 private:
  std::shared_ptr<trace::OtlpExporter> exporter_;
  std::shared_ptr<trace::Tracer> tracer_;
};

}  // namespace mercato::service
