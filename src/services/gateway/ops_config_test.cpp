#include "services/gateway/ops_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "services/gateway/gateway_config.hpp"

namespace mercato::gateway {
namespace {

TEST(OpsConfig, empty_url_turns_the_view_off) {
  auto e = parse_prometheus_url("");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->has_value());
}

TEST(OpsConfig, host_port_and_prefix_are_read) {
  auto e = parse_prometheus_url("http://127.0.0.1:9090");
  ASSERT_TRUE(e && e->has_value());
  EXPECT_EQ((*e)->address.host, "127.0.0.1");
  EXPECT_EQ((*e)->address.port, 9090);
  EXPECT_EQ((*e)->path_prefix, "");

  e = parse_prometheus_url("http://prometheus.internal/prom/");
  ASSERT_TRUE(e && e->has_value());
  EXPECT_EQ((*e)->address.host, "prometheus.internal");
  EXPECT_EQ((*e)->address.port, 80);
  EXPECT_EQ((*e)->path_prefix, "/prom");

  e = parse_prometheus_url("http://[::1]:19090");
  ASSERT_TRUE(e && e->has_value());
  EXPECT_EQ((*e)->address.host, "::1");
  EXPECT_EQ((*e)->address.port, 19090);
}

TEST(OpsConfig, anything_else_is_refused) {
  for (auto bad : {"https://127.0.0.1:9090", "127.0.0.1:9090", "http://", "http://:9090", "http://h:0", "http://h:65536",
                   "http://h:port", "http://h:", "http://u:p@h:9090", "http://h:9090/?q=1", "http://h:9090/#x",
                   "http://[::1", "http://[::1]x"})
    EXPECT_FALSE(parse_prometheus_url(bad)) << bad;
}

TEST(OpsConfig, the_gateway_refuses_to_start_with_a_bad_url_naming_the_variable) {
  std::map<std::string, std::string> env{{"PROMETHEUS_URL", "https://127.0.0.1:9090"}};
  auto getenv = [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto s = config::load("gateway", config_groups(), getenv);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("PROMETHEUS_URL=\"https://127.0.0.1:9090\""), std::string::npos) << s.error().message;

  env["PROMETHEUS_URL"] = "http://127.0.0.1:9090";
  s = config::load("gateway", config_groups(), getenv);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->prometheus_url, "http://127.0.0.1:9090");
}

}  // namespace
}  // namespace mercato::gateway
