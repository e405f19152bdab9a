#include "http/health.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace mercato::http {
namespace {

Response ready(const Health& health) {
  asio::io_context io;
  auto fut = asio::co_spawn(io, health.ready(), asio::use_future);
  io.run();
  return fut.get();
}

CheckFn counted(int& calls, bool up) {
  return [&calls, up]() -> asio::awaitable<CheckOutcome> {
    ++calls;
    co_return CheckOutcome{up, std::chrono::microseconds(100), up ? "" : "down"};
  };
}

TEST(Health, a_critical_check_down_is_not_ready_and_a_non_critical_one_is_degraded) {
  int db = 0, redis = 0;
  Health h("probe");
  h.add("database", true, counted(db, true));
  h.add("redis", false, counted(redis, false));
  auto r = ready(h);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("redis":"degraded")"), std::string::npos) << r.body;

  Health down("probe");
  down.add("database", true, counted(db, false));
  r = ready(down);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("status":"not_ready")"), std::string::npos) << r.body;
}

TEST(Health, a_critical_check_down_while_another_path_covers_it_is_degraded_and_ready) {
  int db = 0;
  bool replica_serving = true;
  Health h("probe");
  h.add("database", true, counted(db, false));
  h.cover("database", [&replica_serving] { return replica_serving; });
  auto r = ready(h);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("database":"degraded")"), std::string::npos) << r.body;

  replica_serving = false;  // nothing covers it any more: not ready
  r = ready(h);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find(R"("database":"down")"), std::string::npos) << r.body;
}

TEST(Health, a_cover_for_an_unknown_check_is_a_programming_error) {
  Health h("probe");
  EXPECT_THROW(h.cover("database", [] { return true; }), std::logic_error);
}

TEST(Health, draining_answers_at_once_without_running_the_checks) {
  int calls = 0;
  Health h("probe");
  h.add("database", true, counted(calls, true));
  h.set_draining();
  auto r = ready(h);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"draining","service":"probe"})");
  EXPECT_EQ(calls, 0);  // a dependency going down with us must not delay the answer
}

}  // namespace
}  // namespace mercato::http
