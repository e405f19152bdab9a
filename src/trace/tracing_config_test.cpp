#include "trace/tracing_config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace mercato::trace {
namespace {

using Env = std::map<std::string, std::string>;

Result<config::Settings> load_with(const Env& env) {
  config::Groups groups{&config::core_group(), &tracing_config()};
  return config::load("catalog", groups, [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

config::TracingSettings tracing_of(const Env& env) {
  auto r = load_with(env);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value().tracing : config::TracingSettings{};
}

std::string error_of(const Env& env) {
  auto r = load_with(env);
  if (r.ok()) return "(loaded)";
  return r.error().message;
}

TEST(TracingConfig, DefaultsFollowTheSpecificationAndExportNothingWithoutAnEndpoint) {
  auto t = tracing_of({});
  EXPECT_FALSE(t.exporting);
  EXPECT_EQ(t.sampler, "parentbased_always_on");
  EXPECT_EQ(t.max_queue_size, 2048);
  EXPECT_EQ(t.max_export_batch_size, 512);
  EXPECT_EQ(t.schedule_delay.count(), 5000);
  EXPECT_EQ(t.export_timeout.count(), 10000);
  EXPECT_EQ(t.slow_threshold.count(), 1000);
  EXPECT_TRUE(t.keep_errors);
}

TEST(TracingConfig, AnEndpointTurnsExportOnAndGetsTheTracesPath) {
  auto t = tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"}});
  EXPECT_TRUE(t.exporting);
  EXPECT_EQ(t.endpoint.host, "127.0.0.1");
  EXPECT_EQ(t.endpoint.port, 4318);
  EXPECT_EQ(t.endpoint_path, "/v1/traces");
  EXPECT_EQ(tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.local:80/otlp/"}}).endpoint_path,
            "/otlp/v1/traces");
  auto v6 = tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1]:4318"}});
  EXPECT_EQ(v6.endpoint.host, "::1");
  EXPECT_EQ(tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector"}}).endpoint.port, 80);
}

TEST(TracingConfig, TheTracesEndpointIsUsedAsIs) {
  auto t = tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"},
                       {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:2/custom/traces"}});
  EXPECT_TRUE(t.exporting);
  EXPECT_EQ(t.endpoint.host, "b");
  EXPECT_EQ(t.endpoint_path, "/custom/traces");
}

TEST(TracingConfig, OtlpWithoutAnEndpointSendsToTheStandardLocalPort) {
  auto t = tracing_of({{"OTEL_TRACES_EXPORTER", "otlp"}});
  EXPECT_TRUE(t.exporting);
  EXPECT_EQ(t.endpoint.host, "localhost");
  EXPECT_EQ(t.endpoint.port, 4318);
}

TEST(TracingConfig, NoneOrDisabledExportsNothingEvenWithAnEndpoint) {
  EXPECT_FALSE(tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_TRACES_EXPORTER", "none"}}).exporting);
  EXPECT_FALSE(tracing_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"}, {"OTEL_SDK_DISABLED", "true"}}).exporting);
}

TEST(TracingConfig, ResourceAttributesAndHeadersArePercentDecoded) {
  auto t = tracing_of({{"OTEL_RESOURCE_ATTRIBUTES", "service.namespace=shop, deployment.environment.name=pre%20prod"},
                       {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20dXNlcjpwYXNz,x-tenant=a%2Cb"}});
  ASSERT_EQ(t.resource_attributes.size(), 2u);
  EXPECT_EQ(t.resource_attributes[1].first, "deployment.environment.name");
  EXPECT_EQ(t.resource_attributes[1].second, "pre prod");
  ASSERT_EQ(t.headers.size(), 2u);
  EXPECT_EQ(t.headers[0].second, "Basic dXNlcjpwYXNz");
  EXPECT_EQ(t.headers[1].second, "a,b");
}

TEST(TracingConfig, ARatioSamplerTakesItsArgument) {
  auto t = tracing_of({{"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.01"}});
  EXPECT_EQ(t.sampler, "parentbased_traceidratio");
  EXPECT_EQ(t.sampler_arg, "0.01");
}

// Every bad value stops start-up with one line naming the variable.
TEST(TracingConfig, EachBadValueIsRefusedNamingItsVariable) {
  const std::pair<Env, std::string> cases[] = {
      {{{"OTEL_SDK_DISABLED", "maybe"}}, "OTEL_SDK_DISABLED="},
      {{{"OTEL_TRACES_SAMPLER", "jaeger_remote"}}, "OTEL_TRACES_SAMPLER="},
      {{{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "1.5"}}, "OTEL_TRACES_SAMPLER_ARG="},
      {{{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "-0.1"}}, "OTEL_TRACES_SAMPLER_ARG="},
      {{{"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "half"}},
       "OTEL_TRACES_SAMPLER_ARG="},
      {{{"OTEL_TRACES_EXPORTER", "zipkin"}}, "OTEL_TRACES_EXPORTER="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://a:1"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://a:1"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://bad_host:1"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:0"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:70000"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1/x?y=1"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://-a-:1/v1/traces"}}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="},
      {{{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"}}, "OTEL_EXPORTER_OTLP_PROTOCOL="},
      {{{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}, "OTEL_EXPORTER_OTLP_PROTOCOL="},
      {{{"OTEL_EXPORTER_OTLP_TIMEOUT", "0"}}, "OTEL_EXPORTER_OTLP_TIMEOUT="},
      {{{"OTEL_EXPORTER_OTLP_TIMEOUT", "10s"}}, "OTEL_EXPORTER_OTLP_TIMEOUT="},
      {{{"OTEL_EXPORTER_OTLP_HEADERS", "novalue"}}, "OTEL_EXPORTER_OTLP_HEADERS:"},
      {{{"OTEL_EXPORTER_OTLP_HEADERS", "a=%zz"}}, "OTEL_EXPORTER_OTLP_HEADERS:"},
      {{{"OTEL_EXPORTER_OTLP_HEADERS", "bad name=1"}}, "OTEL_EXPORTER_OTLP_HEADERS:"},
      {{{"OTEL_EXPORTER_OTLP_HEADERS", "x=a%0D%0AInjected: 1"}}, "OTEL_EXPORTER_OTLP_HEADERS:"},
      {{{"OTEL_EXPORTER_OTLP_HEADERS", "Content-Length=5"}}, "OTEL_EXPORTER_OTLP_HEADERS:"},
      {{{"OTEL_RESOURCE_ATTRIBUTES", "a=1,=2"}}, "OTEL_RESOURCE_ATTRIBUTES="},
      {{{"OTEL_RESOURCE_ATTRIBUTES", "a=%4"}}, "OTEL_RESOURCE_ATTRIBUTES="},
      {{{"OTEL_BSP_MAX_QUEUE_SIZE", "0"}}, "OTEL_BSP_MAX_QUEUE_SIZE="},
      {{{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096"}}, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE="},
      {{{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200"}},
       "OTEL_BSP_MAX_EXPORT_BATCH_SIZE="},
      {{{"OTEL_BSP_SCHEDULE_DELAY", "soon"}}, "OTEL_BSP_SCHEDULE_DELAY="},
      {{{"TRACES_SLOW_THRESHOLD", "fast"}}, "TRACES_SLOW_THRESHOLD="},
      {{{"TRACES_KEEP_ERRORS", "perhaps"}}, "TRACES_KEEP_ERRORS="},
  };
  for (const auto& [env, prefix] : cases) {
    const std::string message = error_of(env);
    EXPECT_EQ(message.rfind("config: " + prefix, 0), 0u) << env.begin()->first << "=" << env.begin()->second
                                                         << " gave: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(TracingConfig, JsonByDefaultProtobufOnRequest) {
  EXPECT_FALSE(tracing_of({}).protobuf);
  EXPECT_TRUE(tracing_of({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}}).protobuf);
}

TEST(TracingConfig, ABatchDefaultFollowsASmallerQueueDown) {
  auto t = tracing_of({{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}});
  EXPECT_EQ(t.max_export_batch_size, 100);
}

TEST(TracingConfig, HeaderValuesAndEndpointPasswordsNeverAppearInAnError) {
  const std::string secret = "s3cr3t-t0ken";
  EXPECT_EQ(error_of({{"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20" + secret + ",broken"}}).find(secret),
            std::string::npos);
  EXPECT_EQ(error_of({{"OTEL_EXPORTER_OTLP_HEADERS", "x=" + secret + "%0A"}}).find(secret), std::string::npos);
  const std::string m = error_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:" + secret + "@collector:4318"}});
  EXPECT_NE(m, "(loaded)");
  EXPECT_EQ(m.find(secret), std::string::npos) << m;
}

TEST(KeyValues, SkipsBlankItemsAndTrims) {
  auto kv = parse_key_values(" a = 1 ,, b=2%3D3 ");
  ASSERT_TRUE(kv);
  ASSERT_EQ(kv->size(), 2u);
  EXPECT_EQ((*kv)[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ((*kv)[1], (std::pair<std::string, std::string>{"b", "2=3"}));
  std::size_t bad = 0;
  EXPECT_FALSE(parse_key_values("a=1,b", &bad));
  EXPECT_EQ(bad, 2u);
}

}  // namespace
}  // namespace mercato::trace
