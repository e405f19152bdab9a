#include "core/log.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "core/json.hpp"

namespace mercato::log {
namespace {

std::string line(std::string_view msg, std::initializer_list<Field> fields = {}) {
  return format_line(Level::info, "catalog", msg, fields);
}

TEST(LogFormat, line_is_one_json_object_with_time_level_service_and_msg) {
  const std::string out = format_line(Level::warn, "catalog", "listening", {{"port", 8081}});
  EXPECT_TRUE(std::regex_match(out, std::regex(R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"warn",)"
                                               R"("service":"catalog","msg":"listening","port":8081\})")))
      << out;
  EXPECT_EQ(out.find('\n'), std::string::npos);
  auto doc = json::Document::parse(out);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
}

TEST(LogFormat, field_values_keep_their_json_types) {
  const std::string out = line("m", {{"s", "text"}, {"i", std::int64_t{-42}}, {"d", 1.5}, {"b", true}, {"n", 0.0 / 0.0}});
  EXPECT_NE(out.find(R"("s":"text","i":-42,"d":1.5,"b":true,"n":null})"), std::string::npos) << out;
}

TEST(LogFormat, secret_keys_are_redacted_whatever_their_case_or_type) {
  const std::string out = line("login", {{"password", "hunter2"},
                                         {"DB_PASSWD", "x1"},
                                         {"refresh_token", "x2"},
                                         {"Authorization", "Bearer x3"},
                                         {"Set-Cookie", "sid=x4"},
                                         {"client_secret", "x5"},
                                         {"X-API_KEY", "x6"},
                                         {"token_id", 12345},
                                         {"user", "ann"}});
  for (const char* leaked : {"hunter2", "x1", "x2", "x3", "x4", "x5", "x6", "12345"})
    EXPECT_EQ(out.find(leaked), std::string::npos) << leaked << " leaked: " << out;
  EXPECT_NE(out.find(R"("password":"[redacted]")"), std::string::npos);
  EXPECT_NE(out.find(R"("Authorization":"[redacted]")"), std::string::npos);
  EXPECT_NE(out.find(R"("token_id":"[redacted]")"), std::string::npos);
  EXPECT_NE(out.find(R"("user":"ann")"), std::string::npos);
}

TEST(LogFormat, message_keys_and_values_are_escaped) {
  const std::string out = line("say \"hi\"\n\\ \x01", {{"we\"ird", "tab\there"}});
  EXPECT_NE(out.find(R"("msg":"say \"hi\"\n\\ \u0001")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("we\"ird":"tab\there")"), std::string::npos) << out;
  EXPECT_TRUE(json::Document::parse(out).ok());
}

TEST(LogLevel, parses_the_documented_names) {
  Level l = Level::off;
  ASSERT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  ASSERT_TRUE(parse_level("info", l));
  EXPECT_EQ(l, Level::info);
  ASSERT_TRUE(parse_level("warn", l));
  EXPECT_EQ(l, Level::warn);
  l = Level::info;
  ASSERT_TRUE(parse_level("warning", l));
  EXPECT_EQ(l, Level::warn);
  ASSERT_TRUE(parse_level("ERROR", l));
  EXPECT_EQ(l, Level::error);
  ASSERT_TRUE(parse_level("off", l));
  EXPECT_EQ(l, Level::off);
}

TEST(LogLevel, rejects_other_text_and_leaves_the_output_alone) {
  Level l = Level::warn;
  for (const char* bad : {"", "verbose", "trace", "inf", "info ", "fatal"}) {
    EXPECT_FALSE(parse_level(bad, l)) << bad;
    EXPECT_EQ(l, Level::warn);
  }
}

TEST(LogWrite, lines_at_or_above_the_level_reach_stderr_after_shutdown) {
  testing::internal::CaptureStderr();
  init("catalog", Level::info);
  EXPECT_FALSE(enabled(Level::debug));
  EXPECT_TRUE(enabled(Level::info));
  debug("hidden");
  info("shown", {{"n", 1}});
  error("bad", {{"password", "hunter2"}});
  shutdown();
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  const auto shown = out.find(R"("level":"info","service":"catalog","msg":"shown","n":1}
)");
  const auto bad = out.find(R"("level":"error","service":"catalog","msg":"bad","password":"[redacted]"}
)");
  EXPECT_NE(shown, std::string::npos) << out;
  EXPECT_NE(bad, std::string::npos) << out;
  EXPECT_LT(shown, bad);
}

TEST(LogWrite, level_off_writes_nothing) {
  init("catalog", Level::off);
  EXPECT_FALSE(enabled(Level::error));
  EXPECT_FALSE(enabled(Level::off));
  shutdown();
  init("catalog", Level::info);
  shutdown();
}

}  // namespace
}  // namespace mercato::log
