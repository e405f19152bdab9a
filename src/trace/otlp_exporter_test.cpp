// The exporter's queue without a receiver (nothing listens on the port): its bounds and
// counters. The exchanges with a real receiver are in tests/integration/otlp_exporter_test.cpp.
#include "trace/otlp_exporter.hpp"

#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/metrics.hpp"

namespace mercato::trace {
namespace {

using namespace std::chrono_literals;

std::vector<SpanData> trace_of(std::size_t spans) {
  std::vector<SpanData> out(spans);
  const TraceId id = TraceId::random();
  for (auto& s : out) {
    s.trace_id = id;
    s.span_id = SpanId::random();
    s.name = "work";
  }
  return out;
}

// Nothing exports on its own during the test: an hour between exports, and a batch larger
// than the queue never fills (a full batch would wake the exporter at once).
OtlpExporterOptions idle_options(std::size_t queue) {
  OtlpExporterOptions o;
  o.endpoint = {"127.0.0.1", 9};  // discard port: nothing listens on it here
  o.max_queue_size = queue;
  o.max_batch_size = queue + 1;
  o.schedule_delay = 1h;
  o.timeout = 200ms;
  return o;
}

TEST(OtlpExporter, SpansBeyondTheQueueAreDroppedAndCountedWithoutBlocking) {
  auto exporter = OtlpExporter::start(idle_options(100));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10'000; ++i) exporter->submit(trace_of(1));
  const auto took = std::chrono::steady_clock::now() - started;
  auto s = exporter->stats();
  EXPECT_EQ(s.queued, 100u);
  EXPECT_EQ(s.dropped_queue_full, 9'900u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_LT(took, 2s);  // generous: about a millisecond here
  // No flush budget: what is still queued at shutdown is dropped, and counted as such.
  exporter->shutdown(0ms);
  s = exporter->stats();
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.dropped_export_failed, 100u);
}

TEST(OtlpExporter, ATraceIsQueuedWholeOrNotAtAll) {
  auto exporter = OtlpExporter::start(idle_options(10));
  exporter->submit(trace_of(6));
  exporter->submit(trace_of(6));  // 12 > 10: refused whole, not cut to 4
  exporter->submit(trace_of(4));
  auto s = exporter->stats();
  EXPECT_EQ(s.queued, 10u);
  EXPECT_EQ(s.dropped_queue_full, 6u);
}

TEST(OtlpExporter, SpansSubmittedAfterShutdownAreDropped) {
  auto exporter = OtlpExporter::start(idle_options(10));
  exporter->shutdown(0ms);
  exporter->submit(trace_of(3));
  EXPECT_EQ(exporter->stats().dropped_queue_full, 3u);
  EXPECT_EQ(exporter->stats().queued, 0u);
}

TEST(OtlpExporter, AFailedExportDropsItsBatchAndMarksTheReceiverDown) {
  auto o = idle_options(100);
  o.max_batch_size = 5;  // a full batch wakes the exporter at once
  auto exporter = OtlpExporter::start(o);
  exporter->submit(trace_of(5));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (exporter->stats().dropped_export_failed < 5 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);  // polling an observable counter, not timing
  EXPECT_EQ(exporter->stats().dropped_export_failed, 5u);
  EXPECT_EQ(exporter->stats().failed_exports, 1u);
  EXPECT_FALSE(exporter->receiver_up());
}

// OpenTelemetry's batch processor: a wake-up by a full batch sends full batches; what is left
// over waits for the next full batch or the schedule delay. Sending each remainder at once made
// ~90-span exports at 0.01, four times the POSTs (bench/results.md, tracing).
TEST(OtlpExporter, AWakeUpSendsFullBatchesAndLeavesARemainderForTheNext) {
  auto o = idle_options(100);
  o.max_batch_size = 5;
  auto exporter = OtlpExporter::start(o);
  exporter->submit(trace_of(7));  // one full batch and two more, queued before the wake-up runs
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (exporter->stats().failed_exports < 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);  // polling an observable counter, not timing
  ASSERT_EQ(exporter->stats().failed_exports, 1u);
  // The remainder stays queued (its export would follow the first at once, within microseconds).
  const auto settle = std::chrono::steady_clock::now() + 300ms;
  while (exporter->stats().queued == 2 && std::chrono::steady_clock::now() < settle)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(exporter->stats().queued, 2u);
  EXPECT_EQ(exporter->stats().dropped_export_failed, 5u);
  // Three more make a full batch: it goes at once, the remainder in it.
  exporter->submit(trace_of(3));
  while (exporter->stats().failed_exports < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(exporter->stats().failed_exports, 2u);
  EXPECT_EQ(exporter->stats().queued, 0u);
  EXPECT_EQ(exporter->stats().dropped_export_failed, 10u);
}

// Threads of this process whose nice value is 19 (/proc/self/task/<tid>/stat, field 19).
int threads_at_lowest_priority() {
  int found = 0;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + e->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // the name may hold spaces
    std::string f;
    for (int i = 3; i <= 19 && fields >> f; ++i) {
    }
    if (f == "19") ++found;
  }
  ::closedir(dir);
  return found;
}

TEST(OtlpExporter, ItsThreadRunsAtTheLowestPrioritySoASaturatedCoreServesRequestsFirst) {
  const int before = threads_at_lowest_priority();
  auto exporter = OtlpExporter::start(idle_options(10));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (threads_at_lowest_priority() == before && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);  // the thread lowers itself as it starts
  EXPECT_EQ(threads_at_lowest_priority(), before + 1);
  exporter->shutdown(0ms);
}

// The value of one sample line of the process registry ("name{labels} value"), -1 if absent.
double sample(std::string_view series) {
  const std::string text = metrics::Registry::global().render();
  const std::string prefix = std::string(series) + " ";
  const auto at = text.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + 1 + prefix.size()));
}

TEST(OtlpExporter, ExportsItsCountsAsTheTracingMetricsWithSpanLimitDropsFromTheTracer) {
  register_export_metrics();
  const double full_before = sample("tracing_spans_dropped_total{reason=\"queue_full\"}");
  const double limit_before = sample("tracing_spans_dropped_total{reason=\"span_limit\"}");
  ASSERT_GE(full_before, 0);
  ASSERT_GE(limit_before, 0);
  EXPECT_GE(sample("tracing_spans_exported_total"), 0);
  EXPECT_GE(sample("tracing_spans_dropped_total{reason=\"export_failed\"}"), 0);
  EXPECT_GE(sample("tracing_export_duration_seconds_count"), 0);
  EXPECT_GE(sample("tracing_queue_spans"), 0);

  auto o = idle_options(4);
  o.max_batch_size = 4;
  auto exporter = OtlpExporter::start(o);
  exporter->count_span_limit_from([] { return std::uint64_t{7}; });  // as Tracer::spans_over_limit
  exporter->submit(trace_of(3));
  exporter->submit(trace_of(3));  // does not fit: 3 dropped
  EXPECT_EQ(sample("tracing_spans_dropped_total{reason=\"queue_full\"}"), full_before + 3);
  EXPECT_EQ(sample("tracing_queue_spans"), 3);
  exporter->submit(trace_of(1));  // a full batch wakes the exporter, which reads the tracer's count
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (sample("tracing_spans_dropped_total{reason=\"span_limit\"}") < limit_before + 7 &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(sample("tracing_spans_dropped_total{reason=\"span_limit\"}"), limit_before + 7);
  exporter->shutdown(0ms);
}

}  // namespace
}  // namespace mercato::trace
