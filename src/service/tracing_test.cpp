// service::Tracing turns the "tracing" group into the App's tracer: recording only when an
// exporter is configured.
#include "service/tracing.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/config.hpp"
#include "http/app.hpp"
#include "http/http_config.hpp"
#include "trace/tracing_config.hpp"

namespace mercato::service {
namespace {

http::App probe_app() {
  static char name[] = "mercato-probe";
  static char* argv[] = {name, nullptr};
  return http::App("probe", {&config::core_group(), &http::server_config(), &trace::tracing_config()}, 1, argv);
}

TEST(Tracing, WithoutAnEndpointTheTracerRecordsNothing) {
  ::unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  auto app = probe_app();
  Tracing tracing(app);
  EXPECT_EQ(tracing.exporter(), nullptr);
  EXPECT_FALSE(tracing.tracer()->settings().recording);
  EXPECT_EQ(app.tracer(), tracing.tracer());
}

TEST(Tracing, AnEndpointGivesARecordingTracerOnTheConfiguredSampler) {
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", 1);
  ::setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
  ::setenv("OTEL_TRACES_SAMPLER_ARG", "0.25", 1);
  auto app = probe_app();
  Tracing tracing(app);
  ::unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  ::unsetenv("OTEL_TRACES_SAMPLER");
  ::unsetenv("OTEL_TRACES_SAMPLER_ARG");
  ASSERT_NE(tracing.exporter(), nullptr);
  EXPECT_TRUE(app.tracer()->settings().recording);
  EXPECT_EQ(app.tracer()->settings().sampler.rule(), trace::Sampler::Rule::ratio);
  EXPECT_DOUBLE_EQ(app.tracer()->settings().sampler.ratio(), 0.25);
  EXPECT_EQ(app.tracer()->settings().slow_threshold, std::chrono::milliseconds(1000));
  tracing.exporter()->shutdown(std::chrono::milliseconds(0));
}

TEST(TracingDeathTest, AServiceThatDoesNotListTheGroupStopsAtStart) {
  static char name[] = "mercato-probe";
  static char* argv[] = {name, nullptr};
  const config::Groups without_tracing{&config::core_group(), &http::server_config()};
  EXPECT_EXIT(
      {
        http::App app("probe", without_tracing, 1, argv);
        Tracing tracing(app);
      },
      testing::ExitedWithCode(2), "does not list the group tracing, which service::Tracing reads");
}

}  // namespace
}  // namespace mercato::service
