#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include "service/tracing.hpp"

#include "core/log.hpp"
#include "http/app.hpp"
#include "http/client.hpp"
#include "trace/otlp_json.hpp"
#include "trace/sampler.hpp"
#include "trace/tracing_config.hpp"

namespace mercato::service {

using namespace std::chrono_literals;

namespace {

// What a stopping service gives the exporter to send what is still queued.
constexpr auto kFlushBudget = 2s;

}  // namespace

Tracing::Tracing(http::App& app) {
  app.require(trace::tracing_config(), "service::Tracing");
  const config::Settings& s = app.settings();
  const config::TracingSettings& t = s.tracing;
  trace::register_export_metrics();

  trace::TracerSettings settings;
  settings.recording = t.exporting;
  // Validated with the configuration (tracing_config.cpp): parse cannot fail here.
  settings.sampler = trace::Sampler::parse(t.sampler, t.sampler_arg).value_or(trace::Sampler());
  settings.slow_threshold = t.slow_threshold;
  settings.keep_errors = t.keep_errors;

  if (t.exporting) {
    trace::OtlpExporterOptions o;
    o.endpoint = t.endpoint;
    o.path = t.endpoint_path;
    o.protobuf = t.protobuf;
    o.headers = t.headers;
    o.timeout = t.export_timeout;
    o.max_queue_size = static_cast<std::size_t>(t.max_queue_size);
    o.max_batch_size = static_cast<std::size_t>(t.max_export_batch_size);
    o.schedule_delay = t.schedule_delay;
    // service.instance.id: the API address, which is also the `instance` label Prometheus
    // gives the process's metrics, so a trace leads to the metrics of the same process.
    o.resource = trace::make_resource(s.service, http::host_port({s.http.host, s.http.port}), "",
                                      t.resource_attributes, t.service_name);
    exporter_ = trace::OtlpExporter::start(std::move(o));
    log::info(t.protobuf ? "tracing: exporting spans over OTLP/HTTP protobuf" : "tracing: exporting spans over OTLP/HTTP JSON",
              {{"receiver", "http://" + http::host_port(t.endpoint) + t.endpoint_path},
               {"sampler", t.sampler},
               {"sampler_arg", t.sampler_arg},
               {"slow_threshold_ms", static_cast<std::int64_t>(t.slow_threshold.count())}});
  } else {
    log::info("tracing: no exporter (OTEL_EXPORTER_OTLP_ENDPOINT unset, OTEL_TRACES_EXPORTER=none or "
              "OTEL_SDK_DISABLED=true): nothing is recorded, trace ids still propagate");
  }

  tracer_ = trace::Tracer::create(settings, exporter_);
  if (exporter_) {
    exporter_->count_span_limit_from([tracer = std::weak_ptr<trace::Tracer>(tracer_)]() -> std::uint64_t {
      auto t = tracer.lock();
      return t ? t->spans_over_limit() : 0;
    });
    app.on_stop([exporter = exporter_] { exporter->shutdown(kFlushBudget); });
  }
  app.set_tracer(tracer_);
}

}  // namespace mercato::service
