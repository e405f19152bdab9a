#include "trace/otlp_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/json.hpp"

namespace mercato::trace {
namespace {

using simdjson::dom::element;

SpanData span(std::string_view name, const SpanId& parent = SpanId{}) {
  SpanData s;
  s.trace_id = *parse_trace_id("4bf92f3577b34da6a3ce929d0e0e4736");
  s.span_id = SpanId::random();
  s.parent_span_id = parent;
  s.name = name;
  s.kind = SpanKind::server;
  s.start_unix_nano = 1'700'000'000'123'456'789;
  s.end_unix_nano = 1'700'000'000'223'456'789;
  return s;
}

std::string str(element e) { return std::string(std::string_view(e)); }

// The attribute `key` of an OTLP attribute list, as its AnyValue object.
element attribute(element list, std::string_view key) {
  for (element a : list.get_array())
    if (std::string_view(a["key"]) == key) return a["value"];
  ADD_FAILURE() << "no attribute " << key;
  return list;
}

TEST(OtlpJson, WritesTheExportRequestStructureWithHexIdsAndStringNanos) {
  SpanData root = span("GET /api/v1/products/{id}");
  root.trace_state = "rojo=00f067aa0ba902b7";
  SpanData child = span("db product_by_id", root.span_id);
  child.kind = SpanKind::client;
  child.attributes = {{"db.system.name", std::string("postgresql")},
                      {"db.response.returned_rows", std::int64_t{-3}},
                      {"ratio", 0.25},
                      {"cached", true}};
  child.status = StatusCode::error;
  child.status_message = "pool \"exhausted\"\n";
  child.dropped_attributes_count = 2;
  SpanData other = span("other trace");
  other.trace_id = *parse_trace_id("0af7651916cd43dd8448eb211c80319c");
  const std::vector<SpanData> spans{root, child, other};

  Resource resource = make_resource("catalog", "127.0.0.2:8081", "", {}, "");
  auto doc = json::Document::parse(encode_otlp_json(resource, spans));
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  element top = (*doc)->root();
  auto rs = top["resourceSpans"].get_array();
  ASSERT_EQ(rs.size(), 1u);
  element r0 = rs.at(0);
  EXPECT_EQ(str(attribute(r0["resource"]["attributes"], "service.name")["stringValue"]), "catalog");
  EXPECT_EQ(str(attribute(r0["resource"]["attributes"], "service.instance.id")["stringValue"]), "127.0.0.2:8081");
  auto ss = r0["scopeSpans"].get_array();
  ASSERT_EQ(ss.size(), 1u);
  EXPECT_EQ(str(ss.at(0)["scope"]["name"]), "mercato");
  auto out = ss.at(0)["spans"].get_array();
  ASSERT_EQ(out.size(), 3u);

  element j0 = out.at(0);
  EXPECT_EQ(str(j0["traceId"]), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(str(j0["spanId"]), root.span_id.hex());
  EXPECT_EQ(str(j0["traceState"]), "rojo=00f067aa0ba902b7");
  EXPECT_EQ(j0["parentSpanId"].error(), simdjson::NO_SUCH_FIELD);  // a root has none
  EXPECT_EQ(str(j0["name"]), "GET /api/v1/products/{id}");
  EXPECT_EQ(std::int64_t(j0["kind"]), 2);
  EXPECT_EQ(str(j0["startTimeUnixNano"]), "1700000000123456789");
  EXPECT_EQ(str(j0["endTimeUnixNano"]), "1700000000223456789");
  EXPECT_EQ(std::int64_t(j0["status"]["code"]), 0);
  EXPECT_EQ(j0["status"]["message"].error(), simdjson::NO_SUCH_FIELD);

  element j1 = out.at(1);
  EXPECT_EQ(str(j1["parentSpanId"]), root.span_id.hex());
  EXPECT_EQ(j1["traceState"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(std::int64_t(j1["kind"]), 3);
  EXPECT_EQ(str(attribute(j1["attributes"], "db.system.name")["stringValue"]), "postgresql");
  EXPECT_EQ(str(attribute(j1["attributes"], "db.response.returned_rows")["intValue"]), "-3");
  EXPECT_DOUBLE_EQ(double(attribute(j1["attributes"], "ratio")["doubleValue"]), 0.25);
  EXPECT_TRUE(bool(attribute(j1["attributes"], "cached")["boolValue"]));
  EXPECT_EQ(std::int64_t(j1["status"]["code"]), 2);
  EXPECT_EQ(str(j1["status"]["message"]), "pool \"exhausted\"\n");  // escaped, read back whole
  EXPECT_EQ(std::int64_t(j1["droppedAttributesCount"]), 2);
  EXPECT_EQ(j0["droppedAttributesCount"].error(), simdjson::NO_SUCH_FIELD);  // none dropped

  EXPECT_EQ(str(out.at(2)["traceId"]), "0af7651916cd43dd8448eb211c80319c");
}

// The exact bytes, compact as the encoder writes them: what receivers were sent before the
// encoder wrote by hand (it went through json::Writer), field order included.
TEST(OtlpJson, WritesTheCompactBodyByteForByte) {
  SpanData s = span("db \"q\"", *parse_span_id("00f067aa0ba902b7"));
  s.span_id = *parse_span_id("b7ad6b7169203331");
  s.trace_state = "rojo=1";
  s.kind = SpanKind::client;
  s.attributes = {{"a", std::string("x")}, {"n", std::int64_t{-42}}, {"d", 0.25}, {"b", false}};
  s.dropped_attributes_count = 3;
  s.status = StatusCode::error;
  s.status_message = "bad";
  SpanData root = span("GET /");
  root.span_id = *parse_span_id("00f067aa0ba902b7");
  Resource resource;
  resource.attributes = {{"service.name", std::string("catalog")}, {"pid", std::int64_t{7}}};
  const std::vector<SpanData> spans{root, s};
  EXPECT_EQ(encode_otlp_json(resource, spans),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"catalog"}},)"
            R"({"key":"pid","value":{"intValue":"7"}}]},"scopeSpans":[{"scope":{"name":"mercato"},"spans":[)"
            R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /","kind":2,)"
            R"("startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"1700000000223456789","attributes":[],)"
            R"("status":{"code":0}},)"
            R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"b7ad6b7169203331","traceState":"rojo=1",)"
            R"("parentSpanId":"00f067aa0ba902b7","name":"db \"q\"","kind":3,"startTimeUnixNano":"1700000000123456789",)"
            R"("endTimeUnixNano":"1700000000223456789","attributes":[{"key":"a","value":{"stringValue":"x"}},)"
            R"({"key":"n","value":{"intValue":"-42"}},{"key":"d","value":{"doubleValue":0.25}},)"
            R"({"key":"b","value":{"boolValue":false}}],"droppedAttributesCount":3,)"
            R"("status":{"message":"bad","code":2}}]}]}]})");
  EXPECT_EQ(encode_otlp_json(resource, {}),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"catalog"}},)"
            R"({"key":"pid","value":{"intValue":"7"}}]},"scopeSpans":[{"scope":{"name":"mercato"},"spans":[]}]}]})");
}

TEST(OtlpJson, EscapesHostileStringsSoTheBodyStaysValidJson) {
  SpanData s = span("name \"with\" \\ and \x01 and \xff bytes");
  s.attributes = {{"k\"ey", std::string("v\r\n\t\"}]")}};
  const std::vector<SpanData> spans{s};
  auto doc = json::Document::parse(encode_otlp_json(make_resource("gateway", "", "", {}, ""), spans));
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  element j = (*doc)->root()["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"].at(0);
  EXPECT_EQ(str(attribute(j["attributes"], "k\"ey")["stringValue"]), "v\r\n\t\"}]");
}

// The body is written into a buffer sized beforehand for the worst case: strings that grow
// most when escaped (every byte a control character, 6 bytes each, or an invalid byte, also 6),
// the longest numbers and every optional field must still fit, byte for byte as append_quoted
// writes them.
TEST(OtlpJson, TheWorstCaseOfEveryFieldFitsTheBufferItIsWrittenInto) {
  const std::string controls(300, '\x01'), invalid(300, '\xff');
  SpanData s = span(controls, SpanId::random());
  s.trace_state = invalid;
  s.start_unix_nano = std::numeric_limits<std::int64_t>::min();
  s.end_unix_nano = std::numeric_limits<std::int64_t>::max();
  s.status = StatusCode::error;
  s.status_message = controls + invalid;
  s.dropped_attributes_count = std::numeric_limits<std::uint32_t>::max();
  s.attributes = {{"k", controls},
                  {"i", std::numeric_limits<std::int64_t>::min()},
                  {"d", -1.2345678901234567e-308},
                  {"n", -std::numeric_limits<double>::infinity()},
                  {"b", false}};
  const std::vector<SpanData> spans(3, s);
  const std::string body = encode_otlp_json(make_resource(invalid, controls, "", {}, ""), spans);
  auto doc = json::Document::parse(body);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  std::string quoted;
  json::append_quoted(quoted, controls + invalid);
  EXPECT_NE(body.find(",\"status\":{\"message\":" + quoted + ",\"code\":2}}"), std::string::npos);
  EXPECT_NE(body.find("\"startTimeUnixNano\":\"-9223372036854775808\""), std::string::npos);
  EXPECT_NE(body.find("\"droppedAttributesCount\":4294967295"), std::string::npos);
  element j = (*doc)->root()["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"].at(2);
  EXPECT_EQ(str(j["name"]), controls);
  EXPECT_EQ(str(attribute(j["attributes"], "n")["doubleValue"]), "-Infinity");
  EXPECT_EQ(double(attribute(j["attributes"], "d")["doubleValue"]), -1.2345678901234567e-308);
}

TEST(OtlpJson, NonFiniteDoublesUseTheProto3StringForms) {
  SpanData s = span("x");
  s.attributes = {{"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()}};
  const std::vector<SpanData> spans{s};
  auto doc = json::Document::parse(encode_otlp_json(make_resource("gateway", "", "", {}, ""), spans));
  ASSERT_TRUE(doc.ok());
  element j = (*doc)->root()["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"].at(0);
  EXPECT_EQ(str(attribute(j["attributes"], "nan")["doubleValue"]), "NaN");
  EXPECT_EQ(str(attribute(j["attributes"], "inf")["doubleValue"]), "Infinity");
}

TEST(OtlpResource, EnvironmentAttributesWinOverDetectedOnesAndServiceNameWinsOverAll) {
  Resource r = make_resource("catalog", "127.0.0.2:8081", "1.4.0",
                             {{"service.name", "from-attributes"}, {"service.instance.id", "pod-7"}, {"team", "shop"}},
                             "");
  auto value = [&](std::string_view key) {
    for (const auto& a : r.attributes)
      if (a.key == key) return std::get<std::string>(a.value);
    return std::string("(none)");
  };
  EXPECT_EQ(value("service.name"), "from-attributes");
  EXPECT_EQ(value("service.instance.id"), "pod-7");
  EXPECT_EQ(value("service.version"), "1.4.0");
  EXPECT_EQ(value("team"), "shop");
  r = make_resource("catalog", "i", "", {{"service.name", "from-attributes"}}, "catalog-eu");
  EXPECT_EQ(value("service.name"), "catalog-eu");
  EXPECT_EQ(value("service.version"), "(none)");
}

}  // namespace
}  // namespace mercato::trace
