#include "trace/otlp_proto.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <optional>

namespace mercato::trace {
namespace {

// A reader of the wire format, one message level at a time, written from the protobuf
// encoding rules (independently of the encoder's helpers).
struct Field {
  std::uint32_t number = 0;
  int wire = 0;
  std::uint64_t value = 0;  // varint or fixed64
  std::string_view bytes;   // length-delimited
};

bool read_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= std::uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::vector<Field> fields(std::string_view in) {
  std::vector<Field> out;
  while (!in.empty()) {
    std::uint64_t tag = 0;
    EXPECT_TRUE(read_varint(in, tag));
    Field f;
    f.number = static_cast<std::uint32_t>(tag >> 3);
    f.wire = static_cast<int>(tag & 7);
    if (f.wire == 0) {
      EXPECT_TRUE(read_varint(in, f.value));
    } else if (f.wire == 1) {
      EXPECT_GE(in.size(), 8u);
      for (int i = 0; i < 8; ++i) f.value |= std::uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
      in.remove_prefix(8);
    } else if (f.wire == 2) {
      std::uint64_t n = 0;
      EXPECT_TRUE(read_varint(in, n));
      EXPECT_LE(n, in.size());
      f.bytes = in.substr(0, n);
      in.remove_prefix(n);
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire;
      return out;
    }
    out.push_back(f);
  }
  return out;
}

std::vector<Field> all(std::string_view msg, std::uint32_t number) {
  std::vector<Field> out;
  for (const auto& f : fields(msg))
    if (f.number == number) out.push_back(f);
  return out;
}

std::optional<Field> one(std::string_view msg, std::uint32_t number) {
  auto v = all(msg, number);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The AnyValue of attribute `key` in a list of KeyValue fields.
std::string_view value_of(const std::vector<Field>& attributes, std::string_view key) {
  for (const auto& a : attributes)
    if (one(a.bytes, 1)->bytes == key) return one(a.bytes, 2)->bytes;
  ADD_FAILURE() << "no attribute " << key;
  return {};
}

TEST(OtlpProto, WritesTheExportRequestWithTheSchemasFieldNumbers) {
  SpanData root;
  root.trace_id = *parse_trace_id("4bf92f3577b34da6a3ce929d0e0e4736");
  root.span_id = *parse_span_id("00f067aa0ba902b7");
  root.trace_state = "rojo=1";
  root.name = "GET /api/v1/products/{id}";
  root.kind = SpanKind::server;
  root.start_unix_nano = 1'700'000'000'123'456'789;
  root.end_unix_nano = 1'700'000'000'223'456'789;
  SpanData child = root;
  child.span_id = *parse_span_id("b7ad6b7169203331");
  child.parent_span_id = root.span_id;
  child.trace_state.clear();
  child.kind = SpanKind::client;
  child.attributes = {{"db.system.name", std::string("postgresql")},
                      {"rows", std::int64_t{-3}},
                      {"ratio", 0.25},
                      {"cached", false}};
  child.status = StatusCode::error;
  child.status_message = "pool exhausted";
  child.dropped_attributes_count = 2;
  const std::vector<SpanData> spans{root, child};

  const std::string body = encode_otlp_proto(make_resource("catalog", "127.0.0.2:8081", "", {}, ""), spans);
  auto rs = one(body, 1);  // ExportTraceServiceRequest.resource_spans
  ASSERT_TRUE(rs);
  auto resource = one(rs->bytes, 1);
  ASSERT_TRUE(resource);
  auto service = value_of(all(resource->bytes, 1), "service.name");
  EXPECT_EQ(one(service, 1)->bytes, "catalog");  // AnyValue.string_value
  auto ss = one(rs->bytes, 2);
  ASSERT_TRUE(ss);
  EXPECT_EQ(one(one(ss->bytes, 1)->bytes, 1)->bytes, "mercato");  // scope.name
  auto out = all(ss->bytes, 2);
  ASSERT_EQ(out.size(), 2u);

  const std::string_view s0 = out[0].bytes;
  EXPECT_EQ(hex(one(s0, 1)->bytes), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(hex(one(s0, 2)->bytes), "00f067aa0ba902b7");
  EXPECT_EQ(one(s0, 3)->bytes, "rojo=1");
  EXPECT_TRUE(all(s0, 4).empty());  // a root has no parent_span_id
  EXPECT_EQ(one(s0, 5)->bytes, "GET /api/v1/products/{id}");
  EXPECT_EQ(one(s0, 6)->value, 2u);
  EXPECT_EQ(one(s0, 7)->wire, 1);
  EXPECT_EQ(one(s0, 7)->value, 1'700'000'000'123'456'789u);
  EXPECT_EQ(one(s0, 8)->value, 1'700'000'000'223'456'789u);
  EXPECT_TRUE(all(s0, 15).empty());  // status unset: left out
  EXPECT_TRUE(all(s0, 10).empty());  // nothing dropped: left out

  const std::string_view s1 = out[1].bytes;
  EXPECT_EQ(hex(one(s1, 4)->bytes), "00f067aa0ba902b7");
  EXPECT_TRUE(all(s1, 3).empty());
  EXPECT_EQ(one(s1, 6)->value, 3u);
  const auto attributes = all(s1, 9);
  EXPECT_EQ(one(value_of(attributes, "db.system.name"), 1)->bytes, "postgresql");
  EXPECT_EQ(static_cast<std::int64_t>(one(value_of(attributes, "rows"), 3)->value), -3);  // int64 as varint
  EXPECT_EQ(std::bit_cast<double>(one(value_of(attributes, "ratio"), 4)->value), 0.25);
  auto cached = one(value_of(attributes, "cached"), 2);
  ASSERT_TRUE(cached);  // a oneof member is written even when false
  EXPECT_EQ(cached->value, 0u);
  EXPECT_EQ(one(s1, 10)->value, 2u);  // dropped_attributes_count
  auto status = one(s1, 15);
  ASSERT_TRUE(status);
  EXPECT_EQ(one(status->bytes, 2)->bytes, "pool exhausted");
  EXPECT_EQ(one(status->bytes, 3)->value, 2u);
}

}  // namespace
}  // namespace mercato::trace
