// What tracing costs per request, without the network: recording a request's spans (every
// request while an exporter is configured, since the tail rules decide at its end), handing a
// kept trace to the exporter (a request thread's whole share of exporting), the same when the
// exporter's queue is full (a collector that is down), and encoding a batch as OTLP/JSON (the
// exporter thread's work per span). Not run by ctest; `build/release/bin/trace_bench`.
#include <benchmark/benchmark.h>

#include "trace/otlp_exporter.hpp"
#include "trace/otlp_json.hpp"
#include "trace/otlp_proto.hpp"
#include "trace/span.hpp"
#include "trace/tracer.hpp"

namespace {

using namespace mercato::trace;
using namespace std::chrono_literals;

struct NullSink : SpanSink {
  void submit(std::vector<SpanData> spans) override { benchmark::DoNotOptimize(spans.data()); }
};

// A request of the catalog's shape: a server span, a cache lookup, a statement.
void record_request(const std::shared_ptr<Tracer>& tracer) {
  auto trace = tracer->begin(std::nullopt, false);
  Span server(trace, SpanId{}, "GET /api/v1/products/{id}", SpanKind::server);
  server.set("http.request.method", "GET");
  server.set("http.route", "/api/v1/products/{id}");
  {
    Span cache(trace, server.id(), "cache product", SpanKind::internal);
    cache.set("cache.tier", "miss");
    Span db(trace, server.id(), "db product_by_id", SpanKind::client);
    db.set("db.system.name", "postgresql");
    db.set("db.response.returned_rows", 1);
  }
  server.set("http.response.status_code", 200);
}

std::shared_ptr<Tracer> tracer_on(std::shared_ptr<SpanSink> sink, double ratio) {
  TracerSettings s;
  s.recording = true;
  s.sampler = Sampler(Sampler::Rule::ratio, ratio, true);
  s.slow_threshold = 1s;
  return Tracer::create(s, std::move(sink));
}

// The baseline: no exporter, so nothing is recorded, but ids are still made (`bench tracing`'s
// "off"). What the cases below cost more is what tracing costs a request.
void BM_RequestNotRecorded(benchmark::State& state) {
  auto tracer = Tracer::create(TracerSettings{}, nullptr);
  for (auto _ : state) record_request(tracer);
}
BENCHMARK(BM_RequestNotRecorded);

void BM_RequestRecordedAndDropped(benchmark::State& state) {  // ratio 0: recorded, not kept
  auto tracer = tracer_on(std::make_shared<NullSink>(), 0.0);
  for (auto _ : state) record_request(tracer);
}
BENCHMARK(BM_RequestRecordedAndDropped);

void BM_RequestRecordedAndKept(benchmark::State& state) {  // ratio 1: handed to a null sink
  auto tracer = tracer_on(std::make_shared<NullSink>(), 1.0);
  for (auto _ : state) record_request(tracer);
}
BENCHMARK(BM_RequestRecordedAndKept);

void BM_RequestSubmittedToAFullQueue(benchmark::State& state) {  // the collector is away
  OtlpExporterOptions o;
  o.endpoint = {"127.0.0.1", 9};
  o.max_queue_size = 1;
  o.max_batch_size = 2;
  o.schedule_delay = 1h;
  auto exporter = OtlpExporter::start(o);
  auto tracer = tracer_on(exporter, 1.0);
  for (auto _ : state) record_request(tracer);
  exporter->shutdown(0ms);
}
BENCHMARK(BM_RequestSubmittedToAFullQueue);

template <std::string (*Encode)(const Resource&, std::span<const SpanData>)>
void BM_EncodeBatchOf512(benchmark::State& state) {
  std::vector<SpanData> batch;
  auto sink = std::make_shared<NullSink>();
  struct Keep : SpanSink {
    std::vector<SpanData>* out;
    void submit(std::vector<SpanData> spans) override {
      for (auto& s : spans) out->push_back(std::move(s));
    }
  };
  auto keep = std::make_shared<Keep>();
  keep->out = &batch;
  auto tracer = tracer_on(keep, 1.0);
  while (batch.size() < 512) record_request(tracer);
  batch.resize(512);
  const Resource resource = make_resource("catalog", "127.0.0.2:8081", "", {}, "");
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = Encode(resource, batch);
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["spans_per_s"] = benchmark::Counter(512.0 * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["bytes_per_span"] = static_cast<double>(bytes) / 512.0;
}
BENCHMARK(BM_EncodeBatchOf512<encode_otlp_json>)->Name("BM_EncodeJsonBatchOf512");
BENCHMARK(BM_EncodeBatchOf512<encode_otlp_proto>)->Name("BM_EncodeProtobufBatchOf512");

}  // namespace

BENCHMARK_MAIN();
