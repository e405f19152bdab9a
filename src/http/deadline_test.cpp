#include <utility>

#include "http/deadline.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

using namespace mercato::http;
using namespace std::chrono_literals;

namespace {

Request from(std::string peer, std::string_view budget) {
  Request r;
  r.remote_addr = std::move(peer);
  if (!budget.empty()) r.headers.emplace_back(deadline_header, budget);
  return r;
}

const TrustedProxies trusted(std::vector<std::string>{"127.0.0.4"});
const Clock::time_point t0 = Clock::time_point{} + 1000h;

}  // namespace

TEST(ParseBudget, AcceptsPlainMilliseconds) {
  EXPECT_EQ(parse_budget("0"), 0ms);
  EXPECT_EQ(parse_budget("1950"), 1950ms);
  EXPECT_EQ(parse_budget("000120"), 120ms);
  EXPECT_EQ(parse_budget("999999999"), 999999999ms);
}

TEST(ParseBudget, RejectsHostileValues) {
  for (std::string_view bad : {"", "-1", "-0", "+5", " 5", "5 ", "1.5", "5ms", "0x10", "abc", "1e3", "1,000",
                               "1000000000", "99999999999999999999999", "\xef\xbc\x95"}) {
    EXPECT_EQ(parse_budget(bad), std::nullopt) << bad;
  }
}

TEST(DeadlineFor, TrustedPeerShortensTheOwnLimit) {
  EXPECT_EQ(deadline_for(from("127.0.0.4", "1950"), 30s, trusted, t0), t0 + 1950ms);
  EXPECT_EQ(deadline_for(from("::ffff:127.0.0.4", "10"), 30s, trusted, t0), t0 + 10ms);
}

TEST(DeadlineFor, ABudgetNeverLengthensTheOwnLimit) {
  EXPECT_EQ(deadline_for(from("127.0.0.4", "999999999"), 30s, trusted, t0), t0 + 30s);
  EXPECT_EQ(deadline_for(from("127.0.0.4", "30001"), 30s, trusted, t0), t0 + 30s);
}

TEST(DeadlineFor, UntrustedPeerGetsTheOwnLimit) {
  EXPECT_EQ(deadline_for(from("127.0.0.9", "1"), 30s, trusted, t0), t0 + 30s);
  EXPECT_EQ(deadline_for(from("127.0.0.9", "0"), 30s, trusted, t0), t0 + 30s);
}

TEST(DeadlineFor, MalformedOrMissingBudgetGetsTheOwnLimit) {
  for (std::string_view bad : {"-5", "abc", "1.5", "99999999999999999999"})
    EXPECT_EQ(deadline_for(from("127.0.0.4", bad), 30s, trusted, t0), t0 + 30s) << bad;
  EXPECT_EQ(deadline_for(from("127.0.0.4", ""), 30s, trusted, t0), t0 + 30s);
}

TEST(DeadlineFor, SpentBudgetIsDueNow) {
  EXPECT_EQ(deadline_for(from("127.0.0.4", "0"), 30s, trusted, t0), t0);
}

TEST(BudgetToSend, RemainingMinusMarginInWholeMilliseconds) {
  EXPECT_EQ(budget_to_send(t0 + 2000ms, t0, 50ms), 1950ms);
  EXPECT_EQ(budget_to_send(t0 + 2000ms, t0 + 300ms, 50ms), 1650ms);
  // Rounded down: a hop never promises time it does not have.
  EXPECT_EQ(budget_to_send(t0 + 1000ms, t0 + 1us, 0ms), 999ms);
}

TEST(BudgetToSend, NothingWhenTheMarginEatsItAll) {
  EXPECT_EQ(budget_to_send(t0 + 50ms, t0, 50ms), std::nullopt);
  EXPECT_EQ(budget_to_send(t0 + 10ms, t0, 50ms), std::nullopt);
  EXPECT_EQ(budget_to_send(t0, t0, 0ms), std::nullopt);
  EXPECT_EQ(budget_to_send(t0, t0 + 1s, 0ms), std::nullopt);
}

TEST(BudgetToSend, NoDeadlineSendsTheLargestReadableBudget) {
  auto sent = budget_to_send(Clock::time_point::max(), t0);
  ASSERT_TRUE(sent);
  EXPECT_EQ(parse_budget(std::to_string(sent->count())), sent);
}

TEST(RequestContext, RemainingNeverNegative) {
  RequestContext c;
  c.deadline = t0 + 5ms;
  EXPECT_EQ(c.remaining(t0), 5ms);
  EXPECT_EQ(c.remaining(t0 + 1s), Clock::duration::zero());
  EXPECT_FALSE(c.expired(t0));
  EXPECT_TRUE(c.expired(t0 + 5ms));
  EXPECT_FALSE(RequestContext{}.expired());
}

TEST(DeadlineMiddleware, SpentBudgetFromTrustedPeerIs504WithoutTheHandler) {
  boost::asio::io_context io;
  auto mw = deadline(30s, trusted);
  bool ran = false;
  Next next = [&](Request&) -> boost::asio::awaitable<Response> {
    ran = true;
    co_return Response{};
  };
  Request spent = from("127.0.0.4", "0");
  Request fine = from("127.0.0.4", "1000");
  Response a, b;
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    a = co_await mw(spent, next);
    b = co_await mw(fine, next);
  }, boost::asio::detached);
  io.run();
  EXPECT_EQ(a.status, 504);
  EXPECT_NE(a.body.find("\"gateway_timeout\""), std::string::npos);
  EXPECT_EQ(b.status, 200);
  EXPECT_TRUE(ran);
  EXPECT_LE(fine.context.deadline, Clock::now() + 1000ms);
  EXPECT_GT(fine.context.deadline, Clock::now());
}
