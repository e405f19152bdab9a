#include "auth/passwords.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include <mutex>

#include "auth/test_support.hpp"
#include "core/metrics.hpp"
#include "trace/span.hpp"
#include "trace/test_support.hpp"

namespace mercato::auth {
namespace {

TEST(PasswordPolicy, length_is_12_to_256_bytes) {
  EXPECT_TRUE(password_problem("short"));
  EXPECT_TRUE(password_problem(std::string(11, 'a')));
  EXPECT_FALSE(password_problem(std::string(12, 'a')));
  EXPECT_FALSE(password_problem(std::string(256, 'a')));
  EXPECT_TRUE(password_problem(std::string(257, 'a')));
  EXPECT_TRUE(password_problem(""));
}

TEST(PasswordPolicy, counts_bytes_and_wants_clean_utf8) {
  // Four 3-byte characters are 12 bytes: accepted.
  EXPECT_FALSE(password_problem("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"));
  EXPECT_FALSE(password_problem("correct horse battery staple"));
  EXPECT_TRUE(password_problem("abcdefghijk\xff"));      // not UTF-8
  EXPECT_TRUE(password_problem("abcdefghijk\xe2\x82"));  // truncated sequence
  EXPECT_TRUE(password_problem("abcdefghijkl\n"));       // control character
  EXPECT_TRUE(password_problem(std::string("abcdefghijk\0l", 13)));
  EXPECT_TRUE(password_problem("abcdefghijk\xc0\xaf"));  // overlong '/'
}

TEST(PasswordHash, is_argon2id_and_verifies) {
  const auto h = hash_password("correct horse battery", PasswordCost::minimal());
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "correct horse battery"));
  EXPECT_FALSE(verify_password(h, "correct horse batterY"));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
}

TEST(PasswordHasher, hashes_and_verifies_off_the_loop) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  boost::asio::io_context io;
  auto h = testing::run(io, hasher.hash("a long enough password"));
  ASSERT_TRUE(h);
  auto ok = testing::run(io, hasher.verify(*h, "a long enough password"));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(*ok);
  auto bad = testing::run(io, hasher.verify(*h, "another password!"));
  ASSERT_TRUE(bad);
  EXPECT_FALSE(*bad);
  EXPECT_EQ(hasher.pending(), 0);
}

TEST(PasswordHasher, an_unknown_account_costs_one_verification_like_a_wrong_password) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  auto& counter = metrics::Registry::global().counter("password_verifications_total", "").with({});
  boost::asio::io_context io;
  const double before = counter.value();
  auto r = testing::run(io, hasher.verify_dummy("whatever password"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(counter.value(), before + 1);
}

TEST(PasswordHasher, a_full_queue_answers_unavailable_at_once) {
  PasswordHasher hasher(1, 2, PasswordCost::interactive());
  boost::asio::io_context io;
  std::vector<Result<bool>> results;
  for (int i = 0; i < 5; ++i)
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          results.push_back(co_await hasher.verify_dummy("some password here"));
        },
        boost::asio::detached);
  io.run();
  ASSERT_EQ(results.size(), 5u);
  int unavailable = 0;
  for (const auto& r : results)
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::service_unavailable);
      ++unavailable;
    }
  EXPECT_EQ(unavailable, 3);
  EXPECT_EQ(hasher.pending(), 0);
}

// What explains a slow login on a dashboard: how many operations queue for the hashing
// threads, and how long each waited before one took it.
TEST(PasswordHasher, exports_its_queue_depth_and_each_operations_wait) {
  auto& registry = metrics::Registry::global();
  auto& depth = registry.gauge("password_queue_depth", "").with({});
  auto& waits = registry.histogram("password_queue_wait_seconds", "").with({});
  const auto waited_before = waits.count();
  PasswordHasher hasher(1, 8, PasswordCost::interactive());
  boost::asio::io_context io;
  for (int i = 0; i < 3; ++i)
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          (void)co_await hasher.verify_dummy("some password here");
        },
        boost::asio::detached);
  // Three queued on one thread: the gauge counts them while they wait.
  io.poll();
  EXPECT_EQ(depth.value(), 3);
  io.run();
  EXPECT_EQ(depth.value(), 0);
  EXPECT_EQ(waits.count() - waited_before, 3u);
  EXPECT_GT(waits.sum(), 0.0);  // the third waited for two verifications
}

using Spans = trace::testing::SpanList;

std::shared_ptr<trace::Tracer> recording(const std::shared_ptr<Spans>& sink) {
  trace::TracerSettings s;
  s.recording = true;
  return trace::Tracer::create(s, sink);
}

std::int64_t queue_depth(const trace::SpanData& s) {
  for (const auto& a : s.attributes)
    if (a.key == "mercato.argon2id.queue_depth") return std::get<std::int64_t>(a.value);
  return -1;
}

TEST(PasswordHasherTracing, the_queue_wait_and_the_work_are_spans_under_the_callers_span) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  auto sink = std::make_shared<Spans>();
  auto tracer = recording(sink);
  const std::string password = "a long enough password";
  std::string stored;
  const trace::SpanId parent = trace::SpanId::random();
  {
    auto t = tracer->begin(std::nullopt, false);
    const trace::Scope scope(trace::Scope::Clock::time_point::max(), t, parent);
    boost::asio::io_context io;
    auto h = testing::run(io, hasher.hash(password, scope));
    ASSERT_TRUE(h);
    stored = *h;
    ASSERT_TRUE(testing::run(io, hasher.verify(stored, password, scope)));
    ASSERT_TRUE(testing::run(io, hasher.verify_dummy(password, scope)));
  }
  ASSERT_EQ(sink->spans.size(), 6u);
  const auto* wait = sink->named("argon2id wait");
  const auto* hash = sink->named("argon2id hash");
  ASSERT_TRUE(wait && hash);
  ASSERT_TRUE(sink->named("argon2id verify", 1));  // verify and verify_dummy
  EXPECT_EQ(wait->parent_span_id, parent);
  EXPECT_EQ(hash->parent_span_id, parent);
  EXPECT_EQ(queue_depth(*wait), 0);
  EXPECT_LE(wait->end_unix_nano, hash->start_unix_nano);  // the wait ends where the work begins
  for (const auto& s : sink->spans)
    for (const auto& a : s.attributes)
      if (auto* text = std::get_if<std::string>(&a.value)) {
        EXPECT_EQ(text->find(password), std::string::npos) << a.key;
        EXPECT_EQ(text->find(stored.substr(0, 30)), std::string::npos) << a.key;
      }
}

TEST(PasswordHasherTracing, a_refusal_is_a_failed_wait_with_the_depth_that_caused_it) {
  PasswordHasher hasher(1, 2, PasswordCost::interactive());
  auto sink = std::make_shared<Spans>();
  auto tracer = recording(sink);
  {
    auto t = tracer->begin(std::nullopt, false);
    const trace::Scope scope(trace::Scope::Clock::time_point::max(), t, trace::SpanId::random());
    boost::asio::io_context io;
    for (int i = 0; i < 3; ++i)
      boost::asio::co_spawn(
          io, [&]() -> boost::asio::awaitable<void> { co_await hasher.verify_dummy("some password here", scope); },
          boost::asio::detached);
    io.run();
  }
  int refused = 0;
  for (const auto& s : sink->spans)
    if (s.name == "argon2id wait" && s.status == trace::StatusCode::error) {
      ++refused;
      EXPECT_EQ(s.status_message, "queue_full");
      EXPECT_EQ(queue_depth(s), 2);
    }
  EXPECT_EQ(refused, 1);
}

TEST(PasswordHasherTracing, without_a_trace_nothing_is_recorded) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  boost::asio::io_context io;
  auto h = testing::run(io, hasher.hash("a long enough password"));
  EXPECT_TRUE(h);
}

}  // namespace
}  // namespace mercato::auth
