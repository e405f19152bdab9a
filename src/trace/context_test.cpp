#include "trace/context.hpp"

#include <gtest/gtest.h>

namespace mercato::trace {
namespace {

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesTheSpecExample) {
  auto ctx = parse_traceparent(kValid);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ctx->span_id.hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(ctx->sampled);
  EXPECT_EQ(format_traceparent(ctx->trace_id, ctx->span_id, ctx->sampled), kValid);
}

TEST(Traceparent, FlagsOtherThanSampledAreIgnored) {
  auto ctx = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02");
  ASSERT_TRUE(ctx);
  EXPECT_FALSE(ctx->sampled);
}

TEST(Traceparent, RefusesMalformedValues) {
  for (std::string_view bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // short
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 with more
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero span id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",   // not hex
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",   // flags
           "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version
       }) {
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
  }
}

TEST(Traceparent, ReadsALaterVersionByItsFirstFields) {
  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
  EXPECT_FALSE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra"));
}

TEST(Tracestate, KeepsWellFormedListsAndDropsEmptyMembers) {
  EXPECT_EQ(sanitize_tracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(sanitize_tracestate("a=1,,b@vendor=2"), "a=1,b@vendor=2");
  EXPECT_EQ(sanitize_tracestate(""), "");
}

TEST(Tracestate, DiscardsTheWholeValueWhenAnyMemberIsInvalid) {
  EXPECT_EQ(sanitize_tracestate("rojo=1,Bad=2"), "");
  EXPECT_EQ(sanitize_tracestate("rojo"), "");
  EXPECT_EQ(sanitize_tracestate("rojo=a\x01"), "");
  EXPECT_EQ(sanitize_tracestate("a=1,b=2=3"), "");
  std::string many;
  for (int i = 0; i < 33; ++i) many += "k" + std::to_string(i) + "=v,";
  EXPECT_EQ(sanitize_tracestate(many), "");
  EXPECT_EQ(sanitize_tracestate("a=" + std::string(600, 'x')), "");
}

TEST(Ids, RandomIdsAreValidAndDiffer) {
  auto a = TraceId::random();
  auto b = TraceId::random();
  EXPECT_TRUE(a.valid());
  EXPECT_NE(a, b);
  EXPECT_EQ(a.hex().size(), 32u);
  EXPECT_EQ(SpanId::random().hex().size(), 16u);
  EXPECT_EQ(parse_trace_id(a.hex()), a);
}

}  // namespace
}  // namespace mercato::trace
