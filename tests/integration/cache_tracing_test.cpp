// Spans of the Redis client, the tiered cache and the rate limiter, against the real Redis of
// the test stack (REDIS_HOST / REDIS_PORT / REDIS_PASSWORD), recorded by an in-memory sink as
// the exporter would receive them. Every test also checks that no span name, attribute or
// status message carries a key, a value or an argument it wrote: keys may hold emails.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "cache/tiered_cache.hpp"
#include "core/metrics.hpp"
#include "ratelimit/limiter.hpp"
#include "redis_test_support.hpp"
#include "trace/scope.hpp"
#include "trace/test_support.hpp"
#include "trace/tracer.hpp"

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::wait_until;
using trace::SpanData;

using ListSink = trace::testing::TraceList;

/// One incoming request of a process whose tracer samples everything: its trace and server span.
struct Request {
  explicit Request(trace::Tracer& tracer)
      : trace(tracer.begin(std::nullopt, false)), server(trace, trace::SpanId{}, "server", trace::SpanKind::server) {}
  trace::Scope scope(Clock::time_point deadline = Clock::time_point::max()) const {
    return trace::Scope(deadline, trace, server.id());
  }
  /// Ends the server span and lets go of the trace: once nothing else holds it, its spans go
  /// to the sink.
  void finish() {
    server = trace::Span();  // ends it, and lets go of the trace it holds
    trace.reset();
  }
  std::shared_ptr<trace::Trace> trace;
  trace::Span server;
};

const trace::Attribute* attr(const SpanData& s, std::string_view key) {
  for (const auto& a : s.attributes)
    if (a.key == key) return &a;
  return nullptr;
}
std::string str(const SpanData& s, std::string_view key) {
  const auto* a = attr(s, key);
  return a && std::holds_alternative<std::string>(a->value) ? std::get<std::string>(a->value) : std::string("<none>");
}
std::optional<std::int64_t> num(const SpanData& s, std::string_view key) {
  const auto* a = attr(s, key);
  if (a && std::holds_alternative<std::int64_t>(a->value)) return std::get<std::int64_t>(a->value);
  return std::nullopt;
}
std::optional<double> real(const SpanData& s, std::string_view key) {
  const auto* a = attr(s, key);
  if (a && std::holds_alternative<double>(a->value)) return std::get<double>(a->value);
  return std::nullopt;
}
std::optional<bool> flag(const SpanData& s, std::string_view key) {
  const auto* a = attr(s, key);
  if (a && std::holds_alternative<bool>(a->value)) return std::get<bool>(a->value);
  return std::nullopt;
}
std::vector<const SpanData*> named(const std::vector<SpanData>& spans, std::string_view name) {
  std::vector<const SpanData*> out;
  for (const auto& s : spans)
    if (s.name == name) out.push_back(&s);
  return out;
}
const SpanData* server_of(const std::vector<SpanData>& spans) {
  auto s = named(spans, "server");
  return s.size() == 1 ? s[0] : nullptr;
}

/// Fails the test for any span name, attribute or status message that contains one of `secrets`.
void expect_no_secret(const std::vector<SpanData>& spans, const std::vector<std::string>& secrets) {
  for (const auto& s : spans) {
    std::vector<std::string> texts{s.name, s.status_message, s.trace_state};
    for (const auto& a : s.attributes) {
      texts.emplace_back(a.key);
      if (std::holds_alternative<std::string>(a.value)) texts.push_back(std::get<std::string>(a.value));
    }
    for (const auto& text : texts)
      for (const auto& secret : secrets)
        EXPECT_EQ(text.find(secret), std::string::npos) << "span " << s.name << " carries \"" << secret << "\"";
  }
}

class CacheTracing : public ::testing::Test {
 protected:
  void SetUp() override {
    trace::TracerSettings settings;
    settings.recording = true;
    settings.sampler = trace::Sampler(trace::Sampler::Rule::always_on);
    tracer_ = trace::Tracer::create(settings, sink_);
    redis_.start();
    ASSERT_TRUE(wait_until([&] { return redis_.connected(); }, 5s)) << "no Redis (set REDIS_HOST / REDIS_PORT)";
  }
  void TearDown() override {
    std::vector<std::string> del{"DEL", key_, list_, gen_, keys::lease(key_)};
    loop_.run([&]() -> asio::awaitable<bool> {
      co_await redis_.command(std::move(del));
      co_return true;
    }());
    redis_.stop();
  }

  /// Ends `req` and returns its spans (those of the one trace the sink received since).
  std::vector<SpanData> spans_of(Request& req) {
    const std::size_t before = sink_->size();
    req.finish();
    // Something may hold the trace a little longer (a coroutine frame finishing on the loop).
    if (!wait_until([&] { return sink_->size() > before; }, 5s)) {
      ADD_FAILURE() << "the trace never reached the sink";
      return {};
    }
    std::lock_guard lock(sink_->m);
    return sink_->traces.back();
  }

  static TieredOptions options() {
    TieredOptions o;
    o.l1_max_bytes = 1 << 20;
    return o;
  }
  Lookup lookup(const trace::Scope& scope) const { return Lookup{"product", key_, gen_, 60s, scope}; }

  std::shared_ptr<ListSink> sink_ = std::make_shared<ListSink>();
  std::shared_ptr<trace::Tracer> tracer_;
  test::OneThreadLoop loop_;
  const std::string client_name_ = "trace-test";
  RedisClient redis_{loop_.io, test::settings_from_env(), client_name_};
  // Keys shaped like the login throttle's, with an email in them: none may reach a span.
  const std::string email_ = "alice." + std::to_string(::getpid()) + "@example.com";
  const std::string key_ = "mc1:test:cachetrace:" + email_ + ":pd";
  const std::string list_ = "mc1:test:cachetrace:" + email_ + ":list";
  const std::string gen_ = "mc1:test:cachetrace:" + email_ + ":g";
  const std::string value_ = "the-value-" + std::to_string(::getpid()) + "-s3cr3t";
};

// ---- Redis client ----

TEST_F(CacheTracing, a_traced_command_or_pipeline_is_one_client_span_under_the_caller_with_its_attributes) {
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    auto redis = redis_.until(req.scope(Clock::now() + 5s));  // holds the trace while it lives
    auto set = cmd("SET", key_, value_, "PX", 60000);
    EXPECT_TRUE((co_await redis.command(std::move(set)))->is_ok());
    auto get = cmd("GET", key_);
    EXPECT_EQ((co_await redis.command(std::move(get)))->as_string(), value_);
    std::vector<std::vector<std::string>> batch;
    batch.push_back(cmd("SET", key_, value_));
    batch.push_back(cmd("GET", key_));
    batch.push_back(cmd("DEL", key_));
    EXPECT_TRUE(co_await redis.pipeline(std::move(batch)));
    std::vector<std::vector<std::string>> gets;
    gets.push_back(cmd("GET", key_));
    gets.push_back(cmd("get", gen_));
    EXPECT_TRUE(co_await redis.pipeline(std::move(gets)));
    co_return true;
  }());
  const auto spans = spans_of(req);
  ASSERT_EQ(spans.size(), 5u);
  const SpanData* server = server_of(spans);
  ASSERT_NE(server, nullptr);
  const auto settings = test::settings_from_env();
  for (const auto& s : spans) {
    if (&s == server) continue;
    EXPECT_EQ(s.parent_span_id, server->span_id) << s.name;
    EXPECT_EQ(s.kind, trace::SpanKind::client) << s.name;
    EXPECT_EQ(s.status, trace::StatusCode::unset) << s.name;
    EXPECT_EQ(str(s, "db.system.name"), "redis");
    EXPECT_EQ(str(s, "server.address"), settings.host);
    EXPECT_EQ(num(s, "server.port"), settings.port);
    EXPECT_EQ(str(s, "mercato.redis.client"), client_name_);
    EXPECT_LE(s.start_unix_nano, s.end_unix_nano);
  }
  ASSERT_EQ(spans[0].name, "SET");
  EXPECT_EQ(str(spans[0], "db.operation.name"), "SET");
  EXPECT_EQ(num(spans[0], "db.operation.batch.size"), std::nullopt);
  ASSERT_EQ(spans[1].name, "GET");
  EXPECT_EQ(str(spans[1], "db.operation.name"), "GET");
  ASSERT_EQ(spans[2].name, "pipeline");
  EXPECT_EQ(str(spans[2], "db.operation.name"), "BATCH");
  EXPECT_EQ(num(spans[2], "db.operation.batch.size"), 3);
  ASSERT_EQ(spans[3].name, "pipeline");
  EXPECT_EQ(str(spans[3], "db.operation.name"), "BATCH GET");
  EXPECT_EQ(num(spans[3], "db.operation.batch.size"), 2);
  expect_no_secret(spans, {email_, key_, gen_, value_, "alice"});
}

TEST_F(CacheTracing, failures_mark_the_span_with_their_kind_and_an_error_reply_with_its_code_only) {
  RedisClient down(loop_.io, test::settings_from_env(), "trace-test-down");  // never started
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    auto push = cmd("LPUSH", list_, value_);
    co_await redis_.command(std::move(push));
    auto wrong = cmd("GET", list_);  // WRONGTYPE: an error reply
    auto r = co_await redis_.until(req.scope()).command(std::move(wrong));
    EXPECT_TRUE(r && r->is_error());
    auto due = cmd("GET", key_);
    EXPECT_FALSE(co_await redis_.until(req.scope(Clock::now() - 1ms)).command(std::move(due)));
    auto unreachable = cmd("GET", key_);
    EXPECT_FALSE(co_await down.until(req.scope()).command(std::move(unreachable)));
    auto blocked = cmd("BLPOP", key_, "1");
    EXPECT_FALSE(co_await redis_.until(req.scope()).command(std::move(blocked), 100ms));
    co_return true;
  }());
  const auto spans = spans_of(req);
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(spans[0].name, "GET");
  EXPECT_EQ(spans[0].status, trace::StatusCode::error);
  EXPECT_EQ(str(spans[0], "db.response.status_code"), "WRONGTYPE");
  EXPECT_EQ(str(spans[0], "error.type"), "WRONGTYPE");
  EXPECT_EQ(spans[0].status_message, "WRONGTYPE");  // not Redis's message, which may quote input
  EXPECT_EQ(str(spans[1], "error.type"), "deadline");
  EXPECT_EQ(spans[1].status, trace::StatusCode::error);
  EXPECT_EQ(str(spans[2], "error.type"), "unavailable");
  EXPECT_EQ(str(spans[2], "mercato.redis.client"), "trace-test-down");
  EXPECT_EQ(spans[3].name, "BLPOP");
  EXPECT_EQ(str(spans[3], "error.type"), "timeout");
  expect_no_secret(spans, {email_, key_, list_, value_});
}

TEST_F(CacheTracing, the_noscript_fallback_is_a_span_of_its_own_and_script_arguments_stay_out) {
  // A script this Redis has never seen: EVALSHA answers NOSCRIPT, EVAL follows.
  const Script script("return ARGV[1] -- " + std::to_string(::getpid()) + " " +
                      std::to_string(Clock::now().time_since_epoch().count()));
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    auto redis = redis_.until(req.scope());
    auto keys = cmd(key_);
    auto args = cmd(value_);
    auto r = co_await redis.eval(script, std::move(keys), std::move(args));
    EXPECT_EQ(r->as_string(), value_);
    co_return true;
  }());
  const auto spans = spans_of(req);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "EVALSHA");
  EXPECT_EQ(str(spans[0], "db.response.status_code"), "NOSCRIPT");
  EXPECT_EQ(spans[0].status, trace::StatusCode::unset);  // expected: not a failure
  EXPECT_EQ(spans[1].name, "EVAL");
  EXPECT_EQ(flag(spans[1], "mercato.redis.noscript_fallback"), true);
  EXPECT_EQ(spans[1].status, trace::StatusCode::unset);
  expect_no_secret(spans, {email_, key_, value_, script.sha1(), "return ARGV"});
}

TEST_F(CacheTracing, a_command_without_a_trace_records_nothing) {
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    auto get = cmd("GET", key_);
    co_await redis_.until(Clock::now() + 5s).command(std::move(get));  // a bare deadline: no trace
    auto ping = cmd("PING");
    co_await redis_.command(std::move(ping));
    co_return true;
  }());
  const auto spans = spans_of(req);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "server");
}

TEST_F(CacheTracing, commands_are_counted_by_command_and_outcome_and_pipelines_by_depth) {
  auto& commands = metrics::Registry::global().counter("redis_commands_total", "", {"client", "command", "result"});
  auto& depth =
      metrics::Registry::global().histogram("redis_pipeline_depth", "", {"client"}, {1, 2, 4, 8, 16, 32, 64, 128, 256});
  auto& get_ok = commands.with({client_name_, "GET", "ok"});
  auto& get_error = commands.with({client_name_, "GET", "error"});
  auto& other_ok = commands.with({client_name_, "OTHER", "ok"});
  const double ok0 = get_ok.value(), error0 = get_error.value(), other0 = other_ok.value();
  const auto depth0 = depth.with({client_name_}).count();
  const double depth_sum0 = depth.with({client_name_}).sum();
  loop_.run([&]() -> asio::awaitable<bool> {
    std::vector<std::vector<std::string>> batch;
    batch.push_back(cmd("GET", key_));
    batch.push_back(cmd("LPUSH", list_, value_));
    batch.push_back(cmd("LLEN", list_));  // not on the list of names: OTHER
    batch.push_back(cmd("GET", list_));   // WRONGTYPE
    co_await redis_.pipeline(std::move(batch));
    co_return true;
  }());
  EXPECT_EQ(get_ok.value() - ok0, 1);
  EXPECT_EQ(get_error.value() - error0, 1);
  EXPECT_EQ(other_ok.value() - other0, 1);
  EXPECT_EQ(depth.with({client_name_}).count() - depth0, 1u);
  EXPECT_EQ(depth.with({client_name_}).sum() - depth_sum0, 4);
}

// ---- tiered cache ----

TEST_F(CacheTracing, three_reads_show_loaded_then_l1_hit_then_l2_hit_and_the_loader_hangs_under_the_cache_span) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  TieredCache b(loop_.io, options(), &redis_, nullptr);  // another process: its own L1
  int loads = 0;
  const Loader loader = [&](const trace::Scope& scope) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    trace::Span db = scope.start("db product_by_id", trace::SpanKind::client);  // as the repository would
    co_return CachedValue{value_, "\"v1\"", false};
  };
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    const auto q = lookup(req.scope(Clock::now() + 5s));
    for (TieredCache* cache : {&a, &a, &b}) {
      auto r = co_await cache->get(q, loader);
      EXPECT_TRUE(r && (*r)->body == value_);
    }
    co_return true;
  }());
  EXPECT_EQ(loads, 1);
  const auto spans = spans_of(req);
  const SpanData* server = server_of(spans);
  ASSERT_NE(server, nullptr);
  const auto lookups = named(spans, "cache product");
  ASSERT_EQ(lookups.size(), 3u);
  for (const auto* s : lookups) {
    EXPECT_EQ(s->parent_span_id, server->span_id);
    EXPECT_EQ(s->kind, trace::SpanKind::internal);
    EXPECT_EQ(flag(*s, "mercato.cache.negative"), false);
    EXPECT_EQ(attr(*s, "mercato.cache.wait"), nullptr);
  }
  EXPECT_EQ(str(*lookups[0], "mercato.cache.result"), "loaded");
  EXPECT_EQ(str(*lookups[0], "mercato.cache.l1"), "miss");
  EXPECT_EQ(str(*lookups[0], "mercato.cache.l2"), "miss");
  EXPECT_EQ(str(*lookups[1], "mercato.cache.result"), "l1_hit");
  EXPECT_EQ(str(*lookups[2], "mercato.cache.result"), "l2_hit");
  EXPECT_EQ(str(*lookups[2], "mercato.cache.l1"), "miss");
  // The loader's statement and every Redis call of a lookup hang under its span.
  const auto db = named(spans, "db product_by_id");
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0]->parent_span_id, lookups[0]->span_id);
  int redis_spans = 0;
  for (const auto& s : spans) {
    if (str(s, "db.system.name") != "redis") continue;
    ++redis_spans;
    EXPECT_TRUE(s.parent_span_id == lookups[0]->span_id || s.parent_span_id == lookups[2]->span_id) << s.name;
    EXPECT_NE(s.parent_span_id, lookups[1]->span_id) << "an L1 hit asks Redis nothing";
  }
  EXPECT_GE(redis_spans, 4);  // MGET, generation seed, lease, re-check, fill; then b's MGET
  expect_no_secret(spans, {email_, key_, gen_, value_});
}

TEST_F(CacheTracing, an_absent_value_is_a_negative_entry_in_the_span) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  const Loader absent = [](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    co_return CachedValue{"", "", true};
  };
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    const auto q = lookup(req.scope());
    co_await a.get(q, absent);
    co_await a.get(q, absent);
    co_return true;
  }());
  const auto spans = spans_of(req);
  const auto lookups = named(spans, "cache product");
  ASSERT_EQ(lookups.size(), 2u);
  EXPECT_EQ(str(*lookups[0], "mercato.cache.result"), "loaded");
  EXPECT_EQ(flag(*lookups[0], "mercato.cache.negative"), true);
  EXPECT_EQ(str(*lookups[1], "mercato.cache.result"), "l1_hit");
  EXPECT_EQ(flag(*lookups[1], "mercato.cache.negative"), true);
}

// A loader that holds its load until the test opens the gate, polling (Boost 1.74 has no
// awaitable event to wait on).
struct Gate {
  std::atomic<bool> entered{false};
  std::atomic<bool> open{false};
  asio::awaitable<void> pass() {
    entered = true;
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (!open) {
      t.expires_after(1ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }
};

TEST_F(CacheTracing, a_single_flight_joiner_shows_its_wait_and_no_load_of_its_own) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  Gate gate;
  std::atomic<int> loads{0};
  const Loader loader = [&](const trace::Scope& scope) -> asio::awaitable<Result<CachedValue>> {
    ++loads;
    trace::Span db = scope.start("db product_by_id", trace::SpanKind::client);
    co_await gate.pass();
    co_return CachedValue{value_, "\"v1\"", false};
  };
  auto& merges = metrics::Registry::global().counter("cache_singleflight_merges_total", "", {"cache"}).with({"product"});
  const double merges0 = merges.value();
  auto& waiters = metrics::Registry::global().gauge("cache_singleflight_waiters", "").with({});
  Request leader(*tracer_), joiner(*tracer_);
  auto read = [&](Request& r) -> asio::awaitable<bool> {
    const auto q = lookup(r.scope(Clock::now() + 5s));
    auto v = co_await a.get(q, loader);
    co_return v && (*v)->body == value_;
  };
  auto first = asio::co_spawn(loop_.io, read(leader), asio::use_future);
  ASSERT_TRUE(wait_until([&] { return gate.entered.load(); }, 5s));
  auto second = asio::co_spawn(loop_.io, read(joiner), asio::use_future);
  ASSERT_TRUE(wait_until([&] { return waiters.value() >= 1; }, 5s));
  gate.open = true;
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(merges.value() - merges0, 1);

  const auto led = spans_of(leader);
  const auto joined = spans_of(joiner);
  const auto led_lookup = named(led, "cache product");
  ASSERT_EQ(led_lookup.size(), 1u);
  EXPECT_EQ(str(*led_lookup[0], "mercato.cache.result"), "loaded");
  ASSERT_EQ(named(led, "db product_by_id").size(), 1u);
  EXPECT_EQ(named(led, "db product_by_id")[0]->parent_span_id, led_lookup[0]->span_id);

  const auto join_lookup = named(joined, "cache product");
  ASSERT_EQ(join_lookup.size(), 1u);
  EXPECT_EQ(str(*join_lookup[0], "mercato.cache.result"), "shared");
  EXPECT_EQ(str(*join_lookup[0], "mercato.cache.wait"), "singleflight");
  ASSERT_TRUE(real(*join_lookup[0], "mercato.cache.wait_ms"));
  EXPECT_GT(*real(*join_lookup[0], "mercato.cache.wait_ms"), 0.0);
  EXPECT_EQ(joined.size(), 2u) << "the joiner's trace: its server span and its lookup, no load, no Redis";
  expect_no_secret(led, {email_, key_, gen_, value_});
  expect_no_secret(joined, {email_, key_, gen_, value_});
}

TEST_F(CacheTracing, a_lookup_that_waits_for_another_processes_lease_says_so) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  TieredCache b(loop_.io, options(), &redis_, nullptr);
  Gate gate;
  const Loader slow = [&](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    co_await gate.pass();
    co_return CachedValue{value_, "\"v1\"", false};
  };
  int b_loads = 0;
  const Loader never = [&](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
    ++b_loads;
    co_return CachedValue{"b loaded", "\"v2\"", false};
  };
  auto& lease_waits = metrics::Registry::global().counter("cache_lease_waits_total", "", {"cache"}).with({"product"});
  const double waits0 = lease_waits.value();
  Request holder(*tracer_), waiter(*tracer_);
  // Named: the coroutines use the lambdas' captures after co_spawn returns.
  auto hold = [&]() -> asio::awaitable<bool> {
    const auto q = lookup(holder.scope(Clock::now() + 5s));
    co_return static_cast<bool>(co_await a.get(q, slow));
  };
  auto wait = [&]() -> asio::awaitable<std::string> {
    const auto q = lookup(waiter.scope(Clock::now() + 5s));
    auto v = co_await b.get(q, never);
    co_return v ? (*v)->body : std::string("error");
  };
  auto first = asio::co_spawn(loop_.io, hold(), asio::use_future);
  ASSERT_TRUE(wait_until([&] { return gate.entered.load(); }, 5s));  // a holds the lease
  auto second = asio::co_spawn(loop_.io, wait(), asio::use_future);
  ASSERT_TRUE(wait_until([&] { return lease_waits.value() > waits0; }, 5s));
  // Let it poll a while (each poll is a lookup and a lease attempt) before a fills.
  const double commands0 = test::redis_commands(client_name_, "ok");
  ASSERT_TRUE(wait_until([&] { return test::redis_commands(client_name_, "ok") >= commands0 + 20; }, 5s));
  gate.open = true;
  EXPECT_TRUE(first.get());
  EXPECT_EQ(second.get(), value_);
  EXPECT_EQ(b_loads, 0);
  const auto spans = spans_of(waiter);
  const auto lookups = named(spans, "cache product");
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(str(*lookups[0], "mercato.cache.result"), "l2_hit");
  EXPECT_EQ(str(*lookups[0], "mercato.cache.wait"), "lease");
  ASSERT_TRUE(real(*lookups[0], "mercato.cache.wait_ms"));
  EXPECT_GT(*real(*lookups[0], "mercato.cache.wait_ms"), 0.0);
  EXPECT_GE(num(*lookups[0], "mercato.cache.lease_polls").value_or(0), 10);
  // Only the first poll is traced: a long wait does not fill the trace with Redis spans.
  int redis_spans = 0;
  for (const auto& s : spans) redis_spans += str(s, "db.system.name") == "redis" ? 1 : 0;
  EXPECT_LE(redis_spans, 4);
  expect_no_secret(spans, {email_, key_, gen_, value_});
  spans_of(holder);
}

TEST_F(CacheTracing, an_untraced_lookup_records_nothing_and_its_loader_gets_no_trace) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  bool loader_traced = true;
  const Loader loader = [&](const trace::Scope& scope) -> asio::awaitable<Result<CachedValue>> {
    loader_traced = scope.trace != nullptr;
    co_return CachedValue{value_, "\"v1\"", false};
  };
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    const auto q = lookup(trace::Scope(Clock::now() + 5s));  // the request's deadline, no trace
    co_await a.get(q, loader);
    co_await a.get(q, loader);
    co_return true;
  }());
  EXPECT_FALSE(loader_traced);
  const auto spans = spans_of(req);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "server");
}

TEST_F(CacheTracing, a_traced_invalidation_is_a_span_over_the_script_the_publish_and_the_ack_wait) {
  TieredCache a(loop_.io, options(), &redis_, nullptr);
  auto& sent = metrics::Registry::global().counter("cache_invalidations_sent_total", "").with({});
  auto& unacknowledged = metrics::Registry::global().counter("cache_invalidations_unacknowledged_total", "").with({});
  const double sent0 = sent.value(), unacknowledged0 = unacknowledged.value();
  Request req(*tracer_);
  loop_.run([&]() -> asio::awaitable<bool> {
    keys::Invalidation inv;
    inv.bump.push_back(gen_);
    inv.drop.push_back(key_);
    co_await a.invalidate(std::move(inv), req.scope());
    co_return true;
  }());
  const auto spans = spans_of(req);
  const auto inv = named(spans, "cache invalidate");
  ASSERT_EQ(inv.size(), 1u);
  EXPECT_EQ(str(*inv[0], "mercato.cache.invalidation.result"), "delivered");
  EXPECT_EQ(num(*inv[0], "mercato.cache.invalidation.generations"), 1);
  EXPECT_EQ(num(*inv[0], "mercato.cache.invalidation.keys"), 1);
  // The stack's catalogs receive it (PUBLISH counts them) and acknowledge on this cache's ack
  // channel, which it does not listen to (not started): every receiver is a missing ack.
  const auto receivers = num(*inv[0], "mercato.cache.invalidation.receivers");
  ASSERT_TRUE(receivers);
  EXPECT_EQ(num(*inv[0], "mercato.cache.invalidation.acknowledged"), 0);
  EXPECT_TRUE(real(*inv[0], "mercato.cache.invalidation.ack_wait_ms"));
  EXPECT_EQ(flag(*inv[0], "mercato.cache.invalidation.ack_timeout"),
            *receivers > 0 ? std::optional<bool>(true) : std::nullopt);
  EXPECT_EQ(unacknowledged.value() - unacknowledged0, *receivers > 0 ? 1 : 0);
  EXPECT_EQ(sent.value() - sent0, 1);
  const auto publish = named(spans, "PUBLISH");
  ASSERT_EQ(publish.size(), 1u);
  EXPECT_EQ(publish[0]->parent_span_id, inv[0]->span_id);
  int scripts = 0;
  for (const auto& s : spans)
    if (s.name == "EVALSHA" || s.name == "EVAL") {
      ++scripts;
      EXPECT_EQ(s.parent_span_id, inv[0]->span_id);
    }
  EXPECT_GE(scripts, 1);
  expect_no_secret(spans, {email_, key_, gen_});
}

// ---- rate limiter ----

TEST_F(CacheTracing, a_rate_limit_check_that_asks_redis_is_a_span_with_its_decision_over_the_script_span) {
  ratelimit::Limiter limiter(redis_, {.per_minute = 1, .expected_instances = 1,
                                      .key_prefix = "test:rl:cachetrace:" + std::to_string(::getpid()) + ":"});
  const std::string client = "user:" + email_;
  Request first(*tracer_), second(*tracer_);
  EXPECT_TRUE(loop_.run(limiter.check(client, first.scope(Clock::now() + 5s))).allowed);
  EXPECT_FALSE(loop_.run(limiter.check(client, second.scope(Clock::now() + 5s))).allowed);
  const auto allowed = spans_of(first);
  const auto limited = spans_of(second);
  for (const auto* spans : {&allowed, &limited}) {
    const auto checks = named(*spans, "ratelimit");
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0]->parent_span_id, server_of(*spans)->span_id);
    EXPECT_EQ(num(*checks[0], "mercato.ratelimit.batch_size"), 1);
    std::vector<const SpanData*> scripts = named(*spans, "EVALSHA");
    for (const auto* e : named(*spans, "EVAL")) scripts.push_back(e);
    ASSERT_GE(scripts.size(), 1u);
    for (const auto* s : scripts) EXPECT_EQ(s->parent_span_id, checks[0]->span_id);
    expect_no_secret(*spans, {email_, client});
  }
  EXPECT_EQ(str(*named(allowed, "ratelimit")[0], "mercato.ratelimit.decision"), "allowed");
  EXPECT_EQ(str(*named(limited, "ratelimit")[0], "mercato.ratelimit.decision"), "limited");
  EXPECT_EQ(flag(*named(limited, "ratelimit")[0], "mercato.ratelimit.allowed"), false);
}

TEST_F(CacheTracing, a_check_redis_cannot_answer_is_decided_by_the_fallback_which_the_span_and_a_gauge_show) {
  RedisClient down(loop_.io, test::settings_from_env(), "trace-test-rl-down");  // never started
  ratelimit::Limiter limiter(down, {.per_minute = 10, .expected_instances = 1,
                                    .key_prefix = "test:rl:cachetrace:" + std::to_string(::getpid()) + ":"});
  auto& active = metrics::Registry::global().gauge("ratelimit_fallback_active", "").with({});
  Request req(*tracer_);
  EXPECT_TRUE(loop_.run(limiter.check("user:" + email_, req.scope(Clock::now() + 5s))).allowed);
  EXPECT_EQ(active.value(), 1);
  const auto spans = spans_of(req);
  const auto checks = named(spans, "ratelimit");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(str(*checks[0], "mercato.ratelimit.decision"), "fallback");
  EXPECT_EQ(flag(*checks[0], "mercato.ratelimit.allowed"), true);
  const auto scripts = named(spans, "EVALSHA");
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(str(*scripts[0], "error.type"), "unavailable");
  expect_no_secret(spans, {email_});
}

TEST_F(CacheTracing, a_check_already_due_makes_no_span) {
  ratelimit::Limiter limiter(redis_, {.per_minute = 10, .expected_instances = 1,
                                      .key_prefix = "test:rl:cachetrace:" + std::to_string(::getpid()) + ":"});
  Request req(*tracer_);
  loop_.run(limiter.check("user:" + email_, req.scope(Clock::now() - 1ms)));
  const auto spans = spans_of(req);
  EXPECT_EQ(spans.size(), 1u);
}

}  // namespace
}  // namespace mercato::cache
