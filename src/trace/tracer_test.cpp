#include "trace/tracer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "trace/scope.hpp"
#include "trace/span.hpp"
#include "trace/test_support.hpp"

namespace mercato::trace {
namespace {

using ListSink = testing::TraceList;

struct Fixture {
  std::shared_ptr<ListSink> sink = std::make_shared<ListSink>();
  std::shared_ptr<Tracer> tracer;
  explicit Fixture(Sampler sampler, std::chrono::milliseconds slow = std::chrono::milliseconds{0},
                   std::size_t max_spans = 512) {
    TracerSettings s;
    s.recording = true;
    s.sampler = sampler;
    s.slow_threshold = slow;
    s.max_spans_per_trace = max_spans;
    tracer = Tracer::create(s, sink);
  }
};

const Sampler kAlways(Sampler::Rule::always_on);
const Sampler kNever(Sampler::Rule::always_off, 0.0);

TEST(Tracer, ASampledTraceHandsItsSpansWithParentLinksToTheSink) {
  Fixture f(kAlways);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    Scope scope(Scope::Clock::time_point::max(), trace, SpanId{});
    Span server = scope.start("GET /api/v1/products/{id}", SpanKind::server);
    {
      Span db = scope.under(server).start("db product_by_id", SpanKind::client);
      db.set("db.statement.name", "product_by_id");
      db.set("db.response.rows", 1);
    }
    server.set("http.response.status_code", 200);
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  const auto& spans = f.sink->traces[0];
  ASSERT_EQ(spans.size(), 2u);
  const SpanData& db = spans[0];
  const SpanData& server = spans[1];
  EXPECT_EQ(db.parent_span_id, server.span_id);
  EXPECT_FALSE(server.parent_span_id.valid());
  EXPECT_EQ(db.trace_id, server.trace_id);
  EXPECT_EQ(server.kind, SpanKind::server);
  EXPECT_LE(server.start_unix_nano, db.start_unix_nano);
  EXPECT_GE(server.end_unix_nano, db.end_unix_nano);
  ASSERT_EQ(db.attributes.size(), 2u);
  EXPECT_EQ(std::get<std::string>(db.attributes[0].value), "product_by_id");
  EXPECT_EQ(f.tracer->traces_kept(), 1u);
}

TEST(Tracer, AnUnsampledTraceIsDroppedUnlessItFails) {
  Fixture f(kNever);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "quiet", SpanKind::server);
  }
  EXPECT_TRUE(f.sink->traces.empty());
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "failing", SpanKind::server);
    s.set_error("upstream unavailable");
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  EXPECT_EQ(f.sink->traces[0][0].status, StatusCode::error);
  EXPECT_EQ(f.sink->traces[0][0].status_message, "upstream unavailable");
}

TEST(Tracer, ASlowUnsampledTraceIsKept) {
  Fixture f(kNever, std::chrono::milliseconds{5});
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "slow", SpanKind::server);
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_EQ(f.sink->traces.size(), 1u);
}

TEST(Span, StopClockSaysWhetherTheTraceWillBeExportedAndEndKeepsItsTime) {
  using namespace std::chrono_literals;
  Fixture quick(kNever, 1h);
  {
    auto trace = quick.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "quiet", SpanKind::server);
    EXPECT_FALSE(s.stop_clock());  // under the slow threshold, unsampled, no error: dropped
  }
  EXPECT_TRUE(quick.sink->traces.empty());

  Fixture never(kNever, 5ms);
  {
    auto trace = never.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "failing", SpanKind::server);
    s.set_error("boom");
    EXPECT_TRUE(s.stop_clock());
  }
  {
    auto trace = never.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "slow", SpanKind::server);
    std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(s.stop_clock());
  }
  EXPECT_EQ(never.sink->traces.size(), 2u);

  Fixture always(kAlways);
  std::int64_t stopped = 0;
  {
    auto trace = always.tracer->begin(std::nullopt, false);
    Span s(trace, SpanId{}, "sampled", SpanKind::server);
    EXPECT_TRUE(s.stop_clock());
    stopped = unix_nanos_now();
    // What happens after the clock stopped is not the span's time.
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(always.sink->traces.size(), 1u);
  EXPECT_LE(always.sink->traces[0][0].end_unix_nano, stopped);

  Span none;
  EXPECT_FALSE(none.stop_clock());
}

TEST(Tracer, ContinuesAnIncomingTraceUnderTheCallersSpanWithItsTracestate) {
  Fixture f(kNever);
  auto incoming = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  incoming->tracestate = "rojo=1";
  {
    auto trace = f.tracer->begin(incoming, true);  // trusted: its sampled flag decides
    EXPECT_TRUE(trace->sampled());
    EXPECT_EQ(trace->id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    Span server(trace, SpanId{}, "server", SpanKind::server);
    Span child(trace, server.id(), "child", SpanKind::internal);
    EXPECT_EQ(server.traceparent().substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
    EXPECT_EQ(server.traceparent().substr(52), "-01");
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  const auto& spans = f.sink->traces[0];
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].parent_span_id.hex(), "00f067aa0ba902b7");
  EXPECT_EQ(spans[1].trace_state, "rojo=1");
  EXPECT_EQ(spans[0].trace_state, "");
}

TEST(Tracer, AnUntrustedCallerKeepsItsTraceIdButCannotForceSampling) {
  Fixture f(kNever);
  auto incoming = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto trace = f.tracer->begin(incoming, false);
  EXPECT_FALSE(trace->sampled());
  EXPECT_EQ(trace->id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Tracer, CapsTheSpansOfOneTrace) {
  Fixture f(kAlways, std::chrono::milliseconds{0}, 3);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    for (int i = 0; i < 5; ++i) Span(trace, SpanId{}, "loop", SpanKind::internal);
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  EXPECT_EQ(f.sink->traces[0].size(), 3u);
  EXPECT_EQ(f.tracer->spans_over_limit(), 2u);
}

TEST(Tracer, ATraceCappedAtOneOrNoSpanKeepsWhatItMayAndCountsTheRest) {
  for (const std::size_t cap : {std::size_t{1}, std::size_t{0}}) {
    Fixture f(kAlways, std::chrono::milliseconds{0}, cap);
    {
      auto trace = f.tracer->begin(std::nullopt, false);
      Span server(trace, SpanId{}, "server", SpanKind::server);
      Span child(trace, server.id(), "child", SpanKind::internal);
      EXPECT_EQ(server.recording(), cap == 1);
      EXPECT_FALSE(child.recording());
    }
    EXPECT_EQ(f.sink->traces.size(), cap);  // nothing recorded: nothing handed on
    if (cap == 1) EXPECT_EQ(f.sink->traces[0].at(0).name, "server");
    EXPECT_EQ(f.tracer->spans_over_limit(), 2 - cap);
  }
}

TEST(Span, ChildrenOpenedAtOnceOnManyThreadsShareOneArenaAndKeepTheirText) {
  // The first span lives in the trace; the arena for the others is made by whichever thread
  // asks first. Released together, the threads race to make it.
  for (int round = 0; round < 20; ++round) {
    Fixture f(kAlways);
    {
      auto trace = f.tracer->begin(std::nullopt, false);
      Span server(trace, SpanId{}, "server", SpanKind::server);
      std::atomic<int> ready{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
          ++ready;
          while (ready.load() < 6) {
          }
          Span child(trace, server.id(), "child " + std::to_string(t), SpanKind::internal);
          child.set("mercato.thread", "thread " + std::to_string(t));
        });
      for (auto& t : threads) t.join();
    }
    ASSERT_EQ(f.sink->traces.size(), 1u);
    const auto& spans = f.sink->traces[0];
    ASSERT_EQ(spans.size(), 7u);
    EXPECT_EQ(spans.back().name, "server");  // ended last: exported last
    std::set<std::string> names;
    for (std::size_t i = 0; i + 1 < spans.size(); ++i) {
      const std::string n = spans[i].name;
      ASSERT_EQ(n.rfind("child ", 0), 0u) << n;
      EXPECT_EQ(std::get<std::string>(spans[i].attributes.at(0).value), "thread " + n.substr(6));
      EXPECT_EQ(spans[i].parent_span_id, spans.back().span_id);
      names.insert(n);
    }
    EXPECT_EQ(names.size(), 6u);
  }
}

TEST(Tracer, WithoutASinkNothingIsRecordedButIdsStillPropagate) {
  TracerSettings settings;
  settings.recording = true;
  auto tracer = Tracer::create(settings, nullptr);
  auto trace = tracer->begin(std::nullopt, false);
  Span s(trace, SpanId{}, "x", SpanKind::server);
  EXPECT_FALSE(s.recording());
  EXPECT_EQ(s.traceparent().size(), 55u);
  EXPECT_EQ(trace->id_hex().size(), 32u);
}

TEST(Span, ADefaultSpanAndAScopeWithoutTraceDoNothing) {
  Span s;
  s.set("k", "v");
  s.set_error("x");
  s.end();
  EXPECT_FALSE(s.recording());
  EXPECT_EQ(s.traceparent(), "");
  Scope scope(Scope::Clock::now());
  EXPECT_FALSE(scope.start("x").recording());
  EXPECT_EQ(scope.trace_id(), "");
  EXPECT_EQ(scope.traceparent(), "");
}

TEST(Span, SpansEndingOnManyThreadsAreAllRecorded) {
  Fixture f(kAlways);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([trace] {
        for (int i = 0; i < 100; ++i) Span(trace, SpanId{}, "work", SpanKind::internal);
      });
    for (auto& t : threads) t.join();
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  EXPECT_EQ(f.sink->traces[0].size(), 400u);
}


TEST(Span, NamesAndValuesAreCopiedSoTheCallersStringsMayGo) {
  Fixture f(kAlways);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    std::string name = "db " + std::string(40, 'n');
    Span span(trace, SpanId{}, name, SpanKind::client);
    {
      std::string value(300, 'v');
      span.set("db.statement.name", value);
      std::string error = "refused: " + std::string(20, 'e');
      span.set_error(error);
    }
    name.assign(name.size(), 'x');  // the span must not see the caller's buffer change
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  const SpanData& d = f.sink->traces[0].at(0);
  EXPECT_EQ(d.name, "db " + std::string(40, 'n'));
  ASSERT_EQ(d.attributes.size(), 1u);
  EXPECT_EQ(std::get<std::string>(d.attributes[0].value), std::string(300, 'v'));
  EXPECT_EQ(d.status, StatusCode::error);
  EXPECT_EQ(d.status_message, "refused: " + std::string(20, 'e'));
}

TEST(Span, AttributesBeyondWhatASpanKeepsAreCountedAsDropped) {
  Fixture f(kAlways);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    Span span(trace, SpanId{}, "many", SpanKind::internal);
    for (int i = 0; i < RecordedSpan::max_attributes + 3; ++i) span.set("n", i);
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  const SpanData& d = f.sink->traces[0].at(0);
  EXPECT_EQ(d.attributes.size(), std::size_t{RecordedSpan::max_attributes});
  EXPECT_EQ(d.dropped_attributes_count, 3u);
  EXPECT_EQ(std::get<std::int64_t>(d.attributes.back().value), RecordedSpan::max_attributes - 1);
}

TEST(Span, ATraceThatOutgrowsItsInlineArenaKeepsEverySpanIntact) {
  Fixture f(kAlways);
  {
    auto trace = f.tracer->begin(std::nullopt, false);
    for (int i = 0; i < 50; ++i) {
      Span span(trace, SpanId{}, "statement " + std::to_string(i), SpanKind::client);
      span.set("db.statement.name", std::string(100, static_cast<char>('a' + i % 26)));
      span.set("db.response.returned_rows", i);
    }
  }
  ASSERT_EQ(f.sink->traces.size(), 1u);
  const auto& spans = f.sink->traces[0];
  ASSERT_EQ(spans.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(spans[i].name, "statement " + std::to_string(i));
    EXPECT_EQ(std::get<std::string>(spans[i].attributes.at(0).value), std::string(100, static_cast<char>('a' + i % 26)));
    EXPECT_EQ(std::get<std::int64_t>(spans[i].attributes.at(1).value), i);
  }
}

}  // namespace
}  // namespace mercato::trace
