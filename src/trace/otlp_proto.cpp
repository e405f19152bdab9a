#include "trace/otlp_proto.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mercato::trace {
namespace {

enum Wire : std::uint32_t { varint_wire = 0, fixed64_wire = 1, length_wire = 2 };

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_tag(std::string& out, std::uint32_t field, Wire wire) { put_varint(out, std::uint64_t{field} << 3 | wire); }

void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes) {
  put_tag(out, field, length_wire);
  put_varint(out, bytes.size());
  out.append(bytes);
}

void put_fixed64(std::string& out, std::uint32_t field, std::uint64_t v) {
  put_tag(out, field, fixed64_wire);
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));  // little-endian
}

void put_uint(std::string& out, std::uint32_t field, std::uint64_t v) {
  put_tag(out, field, varint_wire);
  put_varint(out, v);
}

template <std::size_t N>
std::string_view raw(const std::array<unsigned char, N>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

// A nested message is written into `scratch`, then appended with its length: one copy per
// level, and the levels are few (request → resource spans → scope spans → span → attribute).
void put_message(std::string& out, std::uint32_t field, const std::string& message) { put_bytes(out, field, message); }

// common.v1.KeyValue { string key = 1; AnyValue value = 2; }
// common.v1.AnyValue { oneof: string_value = 1; bool_value = 2; int_value = 3; double_value = 4; }
// A oneof member is written even when it holds its type's zero value.
template <class A>  // Attribute or ResourceAttribute
void put_attribute(std::string& out, std::uint32_t field, const A& a) {
  std::string value;
  if (const auto* s = std::get_if<std::string>(&a.value)) put_bytes(value, 1, *s);
  else if (const auto* b = std::get_if<bool>(&a.value)) put_uint(value, 2, *b ? 1 : 0);
  else if (const auto* i = std::get_if<std::int64_t>(&a.value)) put_uint(value, 3, static_cast<std::uint64_t>(*i));
  else if (const auto* d = std::get_if<double>(&a.value)) put_fixed64(value, 4, std::bit_cast<std::uint64_t>(*d));
  std::string kv;
  put_bytes(kv, 1, a.key);
  put_message(kv, 2, value);
  put_message(out, field, kv);
}

// trace.v1.Span
std::string span_message(const SpanData& s) {
  std::string out;
  out.reserve(128 + 48 * s.attributes.size());
  put_bytes(out, 1, raw(s.trace_id.bytes));
  put_bytes(out, 2, raw(s.span_id.bytes));
  if (!s.trace_state.empty()) put_bytes(out, 3, s.trace_state);
  if (s.parent_span_id.valid()) put_bytes(out, 4, raw(s.parent_span_id.bytes));  // a root has none
  put_bytes(out, 5, s.name);
  put_uint(out, 6, static_cast<std::uint64_t>(s.kind));
  put_fixed64(out, 7, static_cast<std::uint64_t>(s.start_unix_nano));
  put_fixed64(out, 8, static_cast<std::uint64_t>(s.end_unix_nano));
  for (const auto& a : s.attributes) put_attribute(out, 9, a);
  if (s.dropped_attributes_count > 0) put_uint(out, 10, s.dropped_attributes_count);
  if (s.status != StatusCode::unset) {
    std::string status;  // trace.v1.Status { string message = 2; StatusCode code = 3; }
    if (s.status == StatusCode::error && !s.status_message.empty()) put_bytes(status, 2, s.status_message);
    put_uint(status, 3, static_cast<std::uint64_t>(s.status));
    put_message(out, 15, status);
  }
  return out;
}

}  // namespace

std::string encode_otlp_proto(const Resource& resource, std::span<const SpanData> spans) {
  // resource.v1.Resource { repeated KeyValue attributes = 1; }
  std::string res;
  for (const auto& a : resource.attributes) put_attribute(res, 1, a);
  // trace.v1.ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
  std::string scope;
  put_bytes(scope, 1, otlp_scope_name);  // InstrumentationScope { string name = 1; }
  std::string scope_spans;
  scope_spans.reserve(spans.size() * 200);
  put_message(scope_spans, 1, scope);
  for (const auto& s : spans) put_message(scope_spans, 2, span_message(s));
  // trace.v1.ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
  std::string resource_spans;
  resource_spans.reserve(res.size() + scope_spans.size() + 16);
  put_message(resource_spans, 1, res);
  put_message(resource_spans, 2, scope_spans);
  // collector.trace.v1.ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
  std::string out;
  out.reserve(resource_spans.size() + 8);
  put_message(out, 1, resource_spans);
  return out;
}

}  // namespace mercato::trace
