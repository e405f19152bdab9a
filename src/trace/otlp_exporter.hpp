#pragma once
// The OTLP/HTTP exporter: the SpanSink that kept traces go to. OpenTelemetry's batch span
// processor and OTLP/HTTP JSON exporter in one small class:
//
//   request threads ── submit() ──► bounded queue ──► exporter thread: batches ──► POST /v1/traces
//                       (never waits)  (full: drop, count)    (own io_context, one export at a time)
//
// A request never waits for the collector: submit() takes a mutex for a few moves and returns.
// When the collector is slow or away, the queue fills and new spans are dropped and counted;
// an export that fails or times out drops its batch (counted) and the next one is tried. The
// io threads of the service never run export work: encoding, connecting and sending happen on
// the exporter's own thread.
//
// The HTTP exchange uses Beast directly, not http::Client: that client lives in the http
// library, which depends on this one, and its upstream_* metrics would count a collector
// outage as a failing service upstream (and fire UpstreamFailing). One keep-alive connection,
// plain HTTP (no TLS: a local collector forwards over TLS).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "trace/otlp_json.hpp"
#include "trace/tracer.hpp"

namespace mercato::trace {

struct OtlpExporterOptions {
  config::HostPort endpoint;        // the receiver
  std::string path = "/v1/traces";  // the request target
  /// OTLP/HTTP protobuf (application/x-protobuf) instead of JSON (application/json).
  bool protobuf = false;
  /// Sent with every export (a collector's credential): never logged, never in a metric.
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};  // one export: connect, write and answer
  std::size_t max_queue_size = 2048;         // spans
  std::size_t max_batch_size = 512;          // spans per export
  std::chrono::milliseconds schedule_delay{5000};
  /// A retryable answer (429, 502, 503, 504) is retried once after its Retry-After (or
  /// 100 ms without one), only when that wait is at most this and fits the export's timeout.
  std::chrono::milliseconds max_retry_wait{1000};
  Resource resource;
};

/// The exporter's counters since it started (the tracing_* metrics carry the same counts,
/// summed over every exporter of the process).
struct OtlpExporterStats {
  std::uint64_t exported = 0;             // spans the receiver accepted
  std::uint64_t dropped_queue_full = 0;   // spans refused by submit()
  std::uint64_t dropped_export_failed = 0;  // spans of batches that failed or timed out
  std::uint64_t exports = 0;              // POSTs answered 2xx
  std::uint64_t failed_exports = 0;       // batches dropped
  std::size_t queued = 0;                 // spans waiting now
};

class OtlpExporter : public SpanSink {
 public:
  /// Starts the exporter's thread. Registers (or finds) the process's tracing_* metrics.
  static std::shared_ptr<OtlpExporter> start(OtlpExporterOptions options);
  ~OtlpExporter() override;  // shutdown(0) when not done yet
  OtlpExporter(const OtlpExporter&) = delete;
  OtlpExporter& operator=(const OtlpExporter&) = delete;

  /// Queues one trace's spans, or drops them all (counted as queue_full) when they do not fit:
  /// a trace is exported whole or not at all. Never blocks on the network; any thread.
  void submit(std::vector<SpanData> spans) override;

  /// Exports what is queued within `flush_budget` (each export also within its timeout), then
  /// stops the thread. Spans submitted afterwards are dropped (queue_full). Idempotent; blocks
  /// the caller for at most about `flush_budget`.
  void shutdown(std::chrono::milliseconds flush_budget = std::chrono::seconds(2));

  /// Where tracing_spans_dropped_total{reason="span_limit"} comes from (Tracer::spans_over_limit):
  /// read on the exporter's thread at every wake-up and added to the counter. Set once, after
  /// the Tracer is made (it needs this sink first).
  void count_span_limit_from(std::function<std::uint64_t()> read);

  OtlpExporterStats stats() const;
  /// False after an export failed, until one succeeds (what the down/up log lines report).
  bool receiver_up() const { return receiver_up_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  explicit OtlpExporter(OtlpExporterOptions options);
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> receiver_up_{true};
};

/// Registers the tracing_* metrics in the process registry (at zero), so they exist and
/// dashboards read 0 rather than nothing when no exporter runs. OtlpExporter::start does it too.
void register_export_metrics();

}  // namespace mercato::trace
