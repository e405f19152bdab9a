#include "trace/sampler.hpp"

#include <gtest/gtest.h>

namespace mercato::trace {
namespace {

TraceId id_with_low(std::uint64_t low) {
  TraceId id;
  id.bytes[0] = 1;
  for (int i = 0; i < 8; ++i) id.bytes[15 - i] = static_cast<unsigned char>(low >> (8 * i));
  return id;
}

SpanContext parent(bool sampled) {
  SpanContext p;
  p.trace_id = id_with_low(1);
  p.span_id = SpanId::random();
  p.sampled = sampled;
  return p;
}

TEST(Sampler, ParsesTheStandardNames) {
  EXPECT_EQ(Sampler::parse("always_on", "")->rule(), Sampler::Rule::always_on);
  EXPECT_EQ(Sampler::parse("always_off", "")->rule(), Sampler::Rule::always_off);
  auto r = Sampler::parse("parentbased_traceidratio", "0.25");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->parent_based());
  EXPECT_DOUBLE_EQ(r->ratio(), 0.25);
  EXPECT_DOUBLE_EQ(Sampler::parse("traceidratio", "")->ratio(), 1.0);
  EXPECT_FALSE(Sampler::parse("traceidratio", "1.5"));
  EXPECT_FALSE(Sampler::parse("traceidratio", "-0.1"));
  EXPECT_FALSE(Sampler::parse("traceidratio", "0.5x"));
  EXPECT_FALSE(Sampler::parse("traceidratio", "nan"));
  EXPECT_FALSE(Sampler::parse("jaeger_remote", ""));
}

TEST(Sampler, RatioComparesTheRandomLowBytes) {
  Sampler s(Sampler::Rule::ratio, 0.5, false);
  EXPECT_TRUE(s.sample(id_with_low(0), std::nullopt, false));
  EXPECT_TRUE(s.sample(id_with_low(0x7FFF'FFFF'FFFF'FFFFull), std::nullopt, false));
  EXPECT_FALSE(s.sample(id_with_low(0x8000'0000'0000'0000ull), std::nullopt, false));
  Sampler none(Sampler::Rule::ratio, 0.0, false);
  EXPECT_FALSE(none.sample(id_with_low(0), std::nullopt, false));
  Sampler all(Sampler::Rule::ratio, 1.0, false);
  EXPECT_TRUE(all.sample(id_with_low(~0ull), std::nullopt, false));
}

TEST(Sampler, RatioSamplesAboutTheRatioOfRandomIds) {
  Sampler s(Sampler::Rule::ratio, 0.1, false);
  int sampled = 0;
  for (int i = 0; i < 20000; ++i) sampled += s.sample(TraceId::random(), std::nullopt, false);
  EXPECT_GT(sampled, 1600);
  EXPECT_LT(sampled, 2400);
}

TEST(Sampler, FollowsOnlyATrustedParent) {
  Sampler s(Sampler::Rule::always_off, 0.0, true);
  EXPECT_TRUE(s.sample(id_with_low(1), parent(true), true));
  // An untrusted caller asking for sampling gets the service's own rule.
  EXPECT_FALSE(s.sample(id_with_low(1), parent(true), false));
  Sampler on(Sampler::Rule::always_on, 1.0, true);
  EXPECT_FALSE(on.sample(id_with_low(1), parent(false), true));
  EXPECT_TRUE(on.sample(id_with_low(1), parent(false), false));
}

TEST(Sampler, WithoutParentBasedIgnoresTheParent) {
  Sampler s(Sampler::Rule::always_off, 0.0, false);
  EXPECT_FALSE(s.sample(id_with_low(1), parent(true), true));
}

}  // namespace
}  // namespace mercato::trace
