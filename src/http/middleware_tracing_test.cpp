// The standard chain's tracing, request id and failure logging, driven through a real Router
// with an in-memory SpanSink (what the OTLP exporter receives).

#include <utility>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <mutex>
#include <sstream>
#include <stdexcept>

#include "http/deadline.hpp"
#include "http/envelope.hpp"
#include "http/middleware.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "trace/clock.hpp"
#include "trace/span_data.hpp"
#include "trace/test_support.hpp"

namespace mercato::http {
namespace {

using trace::Sampler;
using trace::SpanData;

using ListSink = trace::testing::SpanList;

constexpr std::string_view kIncoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr std::string_view kIncomingUnsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
constexpr std::string_view kIncomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kTrustedPeer = "127.0.0.4";
constexpr const char* kStranger = "127.0.0.9";
constexpr const char* kId = "0190f3a2-7b1c-7cde-8f00-0123456789ab";

// The standard chain's first part (as http::App installs it) in front of a few routes.
struct Chain {
  std::shared_ptr<ListSink> sink = std::make_shared<ListSink>();
  Router router;
  Pipeline pipeline;

  explicit Chain(Sampler sampler = Sampler(Sampler::Rule::always_on),
                 std::chrono::milliseconds slow = std::chrono::milliseconds{0}) {
    trace::TracerSettings s;
    s.recording = true;
    s.sampler = sampler;
    s.slow_threshold = slow;
    pipeline.use(tracing(trace::Tracer::create(s, sink), TrustedProxies({kTrustedPeer}), 8081))
        .use(request_id())
        .use(access_log())
        .use(recover());
    router.get("/api/v1/products/{id:uuid}", [](Request&) -> asio::awaitable<Response> { co_return ok("{}"); });
    router.get("/db-down", [](Request&) -> asio::awaitable<Response> {
      Error e = unavailable("database unavailable");
      e.reason = "connection";
      co_return error_response(e);
    });
    router.get("/relayed", [](Request&) -> asio::awaitable<Response> {
      Response r;  // what the gateway hands back from an upstream's 502: no failure of its own
      r.status = 502;
      co_return r;
    });
    router.get("/slow", [](Request&) -> asio::awaitable<Response> {
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds{20});
      co_await t.async_wait(asio::use_awaitable);
      co_return ok("{}");
    });
    router.get("/throws", [](Request&) -> asio::awaitable<Response> {
      throw std::runtime_error("boom");
      co_return Response{};
    });
    router.get("/scope", [](Request& req) -> asio::awaitable<Response> {
      // What a handler hands the layers below: their spans hang under the server span.
      trace::Span child = req.context.scope().start("child");
      co_return ok("{}");
    });
    pipeline.terminal([this](Request& req) { return router.dispatch(req); });
  }

  Response run(std::string target, std::vector<std::pair<std::string_view, std::string_view>> headers = {},
               std::string peer = kStranger) {
    asio::io_context io;
    Request req;
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.remote_addr = std::move(peer);
    auto fut = asio::co_spawn(io, pipeline(req), asio::use_future);
    io.run();
    return fut.get();
  }

  const SpanData& server_span() {
    for (const auto& s : sink->spans)
      if (s.kind == trace::SpanKind::server) return s;
    throw std::logic_error("no server span recorded");
  }
};

std::string header(const Response& r, std::string_view name) { return std::string(r.header(name).value_or("")); }

const trace::AttributeValue* attribute(const SpanData& s, std::string_view key) {
  for (const auto& a : s.attributes)
    if (a.key == key) return &a.value;
  return nullptr;
}

std::string text_attribute(const SpanData& s, std::string_view key) {
  auto* v = attribute(s, key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string("<absent>");
}

TEST(TracingMiddleware, WithoutTraceparentStartsATraceAndTheRequestIdIsItsId) {
  Chain c;
  Response r = c.run("/api/v1/products/" + std::string(kId));
  const std::string tp = header(r, "traceparent");
  ASSERT_EQ(tp.size(), 55u) << tp;
  const auto parsed = trace::parse_traceparent(tp);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(header(r, "X-Request-ID"), parsed->trace_id.hex());
  EXPECT_TRUE(parsed->sampled);  // always_on: the head decision this service made
  const SpanData& server = c.server_span();
  EXPECT_EQ(server.trace_id, parsed->trace_id);
  EXPECT_EQ(server.span_id, parsed->span_id);  // the answer names this service's server span
  EXPECT_FALSE(server.parent_span_id.valid());
}

TEST(TracingMiddleware, ATrustedCallersTraceIsContinuedWithItsSampledFlag) {
  Chain c;
  Response r = c.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncoming}}, kTrustedPeer);
  const auto parsed = trace::parse_traceparent(header(r, "traceparent"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id.hex(), kIncomingTrace);
  EXPECT_NE(parsed->span_id.hex(), "00f067aa0ba902b7");  // our span, not the caller's
  EXPECT_EQ(header(r, "X-Request-ID"), kIncomingTrace);
  EXPECT_EQ(c.server_span().parent_span_id.hex(), "00f067aa0ba902b7");

  // A trusted caller that sampled the trace out is followed even by an always_on service.
  Chain d;
  Response unsampled = d.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncomingUnsampled}},
                             kTrustedPeer);
  EXPECT_EQ(header(unsampled, "traceparent").substr(0, 36), "00-" + std::string(kIncomingTrace) + "-");
  EXPECT_EQ(header(unsampled, "traceparent").substr(52), "-00");
  EXPECT_TRUE(d.sink->spans.empty());
}

TEST(TracingMiddleware, AnUntrustedCallerKeepsItsTraceIdButNotItsSamplingDecision) {
  Chain on;  // always_on: a caller's 00 cannot switch tracing off
  Response r = on.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncomingUnsampled}}, kStranger);
  EXPECT_EQ(header(r, "traceparent").substr(3, 32), kIncomingTrace);
  EXPECT_EQ(header(r, "traceparent").substr(52), "-01");
  EXPECT_EQ(on.server_span().parent_span_id.hex(), "00f067aa0ba902b7");

  Chain off(Sampler(Sampler::Rule::always_off, 0.0));  // and its 01 cannot switch it on
  Response s = off.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncoming}}, kStranger);
  EXPECT_EQ(header(s, "traceparent").substr(3, 32), kIncomingTrace);
  EXPECT_EQ(header(s, "traceparent").substr(52), "-00");
  EXPECT_TRUE(off.sink->spans.empty());
  // The same header from the trusted peer decides.
  Response t = off.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncoming}}, kTrustedPeer);
  EXPECT_EQ(header(t, "traceparent").substr(52), "-01");
}

TEST(TracingMiddleware, AMalformedTraceparentStartsANewTraceAndItsTracestateIsIgnored) {
  for (std::string_view bad : {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
                               "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
                               "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero span id
                               "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
                               "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", "garbage", ""}) {
    Chain c;
    Response r = c.run("/api/v1/products/" + std::string(kId), {{"traceparent", bad}, {"tracestate", "rojo=1"}},
                       kTrustedPeer);
    const auto parsed = trace::parse_traceparent(header(r, "traceparent"));
    ASSERT_TRUE(parsed) << bad;
    EXPECT_NE(parsed->trace_id.hex(), kIncomingTrace) << bad;
    EXPECT_EQ(header(r, "X-Request-ID"), parsed->trace_id.hex()) << bad;
    EXPECT_FALSE(c.server_span().parent_span_id.valid()) << bad;
    EXPECT_EQ(c.server_span().trace_state, "") << bad;
  }
}

TEST(TracingMiddleware, TwoTraceparentFieldsAreMalformed) {
  Chain c;
  Response r = c.run("/api/v1/products/" + std::string(kId),
                     {{"traceparent", kIncoming}, {"Traceparent", kIncoming}}, kTrustedPeer);
  EXPECT_NE(header(r, "traceparent").substr(3, 32), kIncomingTrace);
}

TEST(TracingMiddleware, TracestateIsKeptWhenWellFormedAndDroppedWholeOtherwise) {
  Chain c;
  c.run("/api/v1/products/" + std::string(kId),
        {{"traceparent", kIncoming}, {"tracestate", "rojo=00f067aa0ba902b7"}, {"tracestate", "congo=t61rcWkgMzE"}},
        kTrustedPeer);
  EXPECT_EQ(c.server_span().trace_state, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

  Chain d;
  d.run("/api/v1/products/" + std::string(kId), {{"traceparent", kIncoming}, {"tracestate", "rojo=1,BAD KEY=2"}},
        kTrustedPeer);
  EXPECT_EQ(d.server_span().trace_state, "");
}

TEST(TracingMiddleware, TheServerSpanIsNamedByTheRouteTemplateNeverThePath) {
  Chain c;
  c.run("/api/v1/products/" + std::string(kId) + "?q=secret-search");
  const SpanData& s = c.server_span();
  EXPECT_EQ(s.name, "GET /api/v1/products/{id}");
  EXPECT_EQ(text_attribute(s, "http.route"), "/api/v1/products/{id}");
  EXPECT_EQ(text_attribute(s, "http.request.method"), "GET");
  EXPECT_EQ(text_attribute(s, "url.scheme"), "http");
  EXPECT_EQ(text_attribute(s, "network.protocol.version"), "1.1");
  ASSERT_TRUE(attribute(s, "server.port"));
  EXPECT_EQ(std::get<std::int64_t>(*attribute(s, "server.port")), 8081);
  ASSERT_TRUE(attribute(s, "http.response.status_code"));
  EXPECT_EQ(std::get<std::int64_t>(*attribute(s, "http.response.status_code")), 200);
  EXPECT_EQ(attribute(s, "user_agent.original"), nullptr);
  EXPECT_EQ(s.status, trace::StatusCode::unset);
  for (const auto& a : s.attributes)
    if (auto* text = std::get_if<std::string>(&a.value)) {
      EXPECT_EQ(text->find(kId), std::string::npos) << a.key;
      EXPECT_EQ(text->find("secret-search"), std::string::npos) << a.key;
    }

  Chain unmatched;
  Response r = unmatched.run("/no/such/" + std::string(kId));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(unmatched.server_span().name, "GET");
  EXPECT_EQ(attribute(unmatched.server_span(), "http.route"), nullptr);
  EXPECT_EQ(unmatched.server_span().status, trace::StatusCode::unset);  // a 4xx is the client's
}

TEST(TracingMiddleware, HandlerSpansHangUnderTheServerSpan) {
  Chain c;
  c.run("/scope");
  ASSERT_EQ(c.sink->spans.size(), 2u);
  EXPECT_EQ(c.sink->spans[0].name, "child");
  EXPECT_EQ(c.sink->spans[0].parent_span_id, c.server_span().span_id);
}

TEST(TracingMiddleware, A5xxMarksTheServerSpanFailedWithItsCodeOnly) {
  Chain c;
  Response r = c.run("/db-down");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(c.server_span().status, trace::StatusCode::error);
  EXPECT_EQ(c.server_span().status_message, "service_unavailable");
  EXPECT_EQ(text_attribute(c.server_span(), "error.type"), "service_unavailable");

  Chain relayed;
  relayed.run("/relayed");
  EXPECT_EQ(relayed.server_span().status, trace::StatusCode::error);
  EXPECT_EQ(relayed.server_span().status_message, "502");
}

TEST(TracingMiddleware, AFailedTraceIsExportedEvenWhenSampledOut) {
  Chain c(Sampler(Sampler::Rule::always_off, 0.0));
  Response r = c.run("/db-down");
  EXPECT_EQ(header(r, "traceparent").substr(52), "-00");  // the head decision, as answered
  ASSERT_EQ(c.sink->spans.size(), 1u);                      // the tail rule kept the failure
}

// The server span's name and attributes are made only for a trace that will be exported (the
// cost of a dropped one): a trace the head decision dropped but a tail rule keeps still has them.
TEST(TracingMiddleware, ATraceKeptByATailRuleHasTheServerSpansNameAndAttributes) {
  Chain failed(Sampler(Sampler::Rule::always_off, 0.0));
  failed.run("/db-down");
  ASSERT_EQ(failed.sink->spans.size(), 1u);
  EXPECT_EQ(failed.server_span().name, "GET /db-down");
  EXPECT_EQ(text_attribute(failed.server_span(), "http.route"), "/db-down");
  ASSERT_TRUE(attribute(failed.server_span(), "http.response.status_code"));
  EXPECT_EQ(std::get<std::int64_t>(*attribute(failed.server_span(), "http.response.status_code")), 503);

  Chain slow(Sampler(Sampler::Rule::always_off, 0.0), std::chrono::milliseconds{5});
  slow.run("/slow");
  ASSERT_EQ(slow.sink->spans.size(), 1u);
  EXPECT_EQ(slow.server_span().name, "GET /slow");
  EXPECT_EQ(text_attribute(slow.server_span(), "http.request.method"), "GET");

  Chain quick(Sampler(Sampler::Rule::always_off, 0.0), std::chrono::milliseconds{5000});
  quick.run("/api/v1/products/" + std::string(kId));
  EXPECT_TRUE(quick.sink->spans.empty());
}

TEST(TracingMiddleware, TheServerSpanRunsFromTheArrivalToWhereTheMetricsReadTheClock) {
  // One reading of the clock at each end of a request serves its span, its metrics, its access
  // log and its deadline (trace/clock.hpp).
  auto sink = std::make_shared<ListSink>();
  trace::TracerSettings s;
  s.recording = true;
  s.sampler = Sampler(Sampler::Rule::always_on);
  Pipeline pipeline;
  pipeline.use(tracing(trace::Tracer::create(s, sink), TrustedProxies({}), 8081))
      .use(metrics("tracing_test"))
      .use(deadline(std::chrono::seconds(5), TrustedProxies({})));
  Clock::time_point seen_received{}, seen_deadline{};
  pipeline.terminal([&](Request& req) -> asio::awaitable<Response> {
    seen_received = req.context.received;
    seen_deadline = req.context.deadline;
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds{20});
    co_await t.async_wait(asio::use_awaitable);
    co_return ok("{}");
  });
  asio::io_context io;
  Request req;
  req.target = "/x";
  req.remote_addr = kStranger;
  const auto before = Clock::now();
  auto fut = asio::co_spawn(io, pipeline(req), asio::use_future);
  io.run();
  EXPECT_EQ(fut.get().status, 200);
  req.context.trace.reset();  // the last owner: the trace is handed to the sink
  ASSERT_EQ(sink->spans.size(), 1u);
  const SpanData& server = sink->spans[0];
  EXPECT_GE(req.context.received, before);
  EXPECT_EQ(seen_received, req.context.received);
  EXPECT_EQ(seen_deadline, req.context.received + std::chrono::seconds(5));
  EXPECT_EQ(server.start_unix_nano, trace::unix_nanos(req.context.received));
  EXPECT_EQ(server.end_unix_nano, trace::unix_nanos(req.context.answered));
  EXPECT_GE(server.end_unix_nano - server.start_unix_nano, 20'000'000);
}

TEST(RequestIdMiddleware, AWellFormedClientIdIsEchoedBesideTheTrace) {
  Chain c;
  Response r = c.run("/api/v1/products/" + std::string(kId), {{"X-Request-ID", "client-abc_123.x"}});
  EXPECT_EQ(header(r, "X-Request-ID"), "client-abc_123.x");
  EXPECT_EQ(header(r, "traceparent").size(), 55u);
}

TEST(RequestIdMiddleware, AMalformedClientIdIsReplacedByTheTraceId) {
  Chain c;
  Response r = c.run("/api/v1/products/" + std::string(kId), {{"X-Request-ID", "has space"}});
  EXPECT_EQ(header(r, "X-Request-ID"), header(r, "traceparent").substr(3, 32));
}

TEST(RequestIdMiddleware, WithoutATraceTheIdIsAUuid) {
  Pipeline p;  // the internal listener's chain: no tracing
  p.use(request_id()).terminal([](Request&) -> asio::awaitable<Response> { co_return Response{}; });
  asio::io_context io;
  Request req;
  req.target = "/metrics";
  auto fut = asio::co_spawn(io, p(req), asio::use_future);
  io.run();
  EXPECT_EQ(header(fut.get(), "X-Request-ID").size(), 36u);
}

// Every log line of `out` that has `needle`.
std::vector<std::string> lines_with(const std::string& out, std::string_view needle) {
  std::vector<std::string> found;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) found.push_back(line);
  return found;
}

TEST(AccessLog, A5xxMadeHereIsLoggedOnceAtErrorWithItsCauseAndTraceId) {
  Chain c;
  testing::internal::CaptureStderr();
  Response r = c.run("/db-down");
  const std::string out = testing::internal::GetCapturedStderr();
  const std::string trace_id = header(r, "traceparent").substr(3, 32);
  const auto lines = lines_with(out, trace_id);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_NE(lines[0].find(R"("level":"error")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"x("cause":"database unavailable (connection)")x"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("code":"service_unavailable")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("span_id":")" + header(r, "traceparent").substr(36, 16)), std::string::npos);
  EXPECT_EQ(lines_with(out, R"("level":"error")").size(), 1u) << out;
}

TEST(AccessLog, AnExceptionIsLoggedOnceWithWhatItSaid) {
  Chain c;
  testing::internal::CaptureStderr();
  Response r = c.run("/throws");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("boom"), std::string::npos);  // the client reads the request id only
  const auto errors = lines_with(out, R"("level":"error")");
  ASSERT_EQ(errors.size(), 1u) << out;
  EXPECT_NE(errors[0].find(R"("cause":"handler threw: boom")"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(R"("trace_id":")" + header(r, "X-Request-ID") + "\""), std::string::npos) << errors[0];
}

TEST(AccessLog, ARelayed5xxIsNoErrorOfThisService) {
  Chain c;
  testing::internal::CaptureStderr();
  Response r = c.run("/relayed");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.status, 502);
  EXPECT_TRUE(lines_with(out, R"("level":"error")").empty()) << out;
  EXPECT_EQ(lines_with(out, header(r, "X-Request-ID")).size(), 1u) << out;  // its access line, at info
}

TEST(RouteForSpan, DropsParameterTypes) {
  EXPECT_EQ(route_for_span("/api/v1/products/{id:uuid}/restore"), "/api/v1/products/{id}/restore");
  EXPECT_EQ(route_for_span("/api/v1/things/{n:int}/{name}"), "/api/v1/things/{n}/{name}");
  EXPECT_EQ(route_for_span("/health/live"), "/health/live");
  EXPECT_EQ(route_for_span("/a:b"), "/a:b");
}

}  // namespace
}  // namespace mercato::http
