#include "trace/otlp_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/json.hpp"

namespace mercato::trace {
namespace {

void set_attribute(std::vector<ResourceAttribute>& attributes, std::string key, AttributeValue value) {
  auto it = std::find_if(attributes.begin(), attributes.end(), [&](const ResourceAttribute& a) { return a.key == key; });
  if (it != attributes.end()) it->value = std::move(value);
  else attributes.push_back({std::move(key), std::move(value)});
}

// Written straight into a buffer sized for the worst case first (bound_of), rather than
// through json::Writer or std::string appends: keys are literals with their quotes and
// separators, copied by fixed-size stores; ids go in as hex digits and numbers through
// to_chars; only the strings that come from elsewhere (names, attribute values, statuses) are
// escaped. At 1.0 every request is encoded, and at any ratio a kept trace's encoding was most of
// its cost (bench/results.md, tracing): an append per piece, with its capacity check and its
// call to memcpy, was ~6,000 instructions a span.

// The most bytes a piece takes (see json::quoted_bound): a 64-bit integer as a quoted decimal,
// and the literal text around each part of a span, counted generously.
constexpr std::size_t kIntBound = 22;
constexpr std::size_t kSpanFixed = 320;       // every literal of write_span, ids included (~250)
constexpr std::size_t kAttributeFixed = 64;   // {"key":,"value":{"doubleValue":}}, and a comma

std::size_t value_bound(const AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return json::quoted_bound(s->size());
  return std::max(kIntBound, json::double_bound);  // int, double (or "-Infinity"), bool
}

template <class A>
std::size_t attributes_bound(const std::vector<A>& attributes) {
  std::size_t n = 32;
  for (const auto& a : attributes) n += kAttributeFixed + json::quoted_bound(a.key.size()) + value_bound(a.value);
  return n;
}

std::size_t span_bound(const SpanData& s) {
  return kSpanFixed + json::quoted_bound(s.trace_state.size()) + json::quoted_bound(s.name.size()) +
         json::quoted_bound(s.status_message.size()) + 4 * kIntBound + attributes_bound(s.attributes);
}

// Where the next byte goes; the buffer was sized by the bounds above, so no write checks room.
struct Cursor {
  char* p;
  template <std::size_t N>
  void lit(const char (&text)[N]) {  // a literal: a copy of known size, inlined
    std::memcpy(p, text, N - 1);
    p += N - 1;
  }
  void ch(char c) { *p++ = c; }
  void quoted(std::string_view s) { p = json::write_quoted(p, s); }
  void integer(std::int64_t v) { p = std::to_chars(p, p + kIntBound, v).ptr; }
  // intValue and the span times are 64-bit integers: decimal strings in OTLP/JSON.
  void integer_string(std::int64_t v) {
    ch('"');
    integer(v);
    ch('"');
  }
};

// AnyValue: exactly one of its fields. A double that JSON cannot hold is written as the proto3
// mapping's string form.
void write_value(Cursor& out, const AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    out.lit("{\"stringValue\":");
    out.quoted(*s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out.lit("{\"intValue\":");
    out.integer_string(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out.lit("{\"doubleValue\":");
    if (std::isnan(*d)) out.lit("\"NaN\"");
    else if (std::isinf(*d)) *d > 0 ? out.lit("\"Infinity\"") : out.lit("\"-Infinity\"");
    else out.p = json::write_double(out.p, *d);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out.lit("{\"boolValue\":");
    *b ? out.lit("true") : out.lit("false");
  } else {
    out.ch('{');
  }
  out.ch('}');
}

template <class A>  // Attribute or ResourceAttribute
void write_attributes(Cursor& out, const std::vector<A>& attributes) {
  out.lit("\"attributes\":[");
  bool first = true;
  for (const auto& a : attributes) {
    first ? out.lit("{\"key\":") : out.lit(",{\"key\":");
    first = false;
    out.quoted(a.key);
    out.lit(",\"value\":");
    write_value(out, a.value);
    out.ch('}');
  }
  out.ch(']');
}

void write_span(Cursor& out, const SpanData& s) {
  out.lit("{\"traceId\":\"");
  out.p = s.trace_id.write_hex(out.p);
  out.lit("\",\"spanId\":\"");
  out.p = s.span_id.write_hex(out.p);
  out.ch('"');
  if (!s.trace_state.empty()) {
    out.lit(",\"traceState\":");
    out.quoted(s.trace_state);
  }
  // A root span has no parent: the field is left out (an empty id would be "no parent" too,
  // but some receivers take "" for an id to look up).
  if (s.parent_span_id.valid()) {
    out.lit(",\"parentSpanId\":\"");
    out.p = s.parent_span_id.write_hex(out.p);
    out.ch('"');
  }
  out.lit(",\"name\":");
  out.quoted(s.name);
  out.lit(",\"kind\":");
  out.integer(static_cast<int>(s.kind));
  out.lit(",\"startTimeUnixNano\":");
  out.integer_string(s.start_unix_nano);
  out.lit(",\"endTimeUnixNano\":");
  out.integer_string(s.end_unix_nano);
  out.ch(',');
  write_attributes(out, s.attributes);
  if (s.dropped_attributes_count > 0) {
    out.lit(",\"droppedAttributesCount\":");
    out.integer(s.dropped_attributes_count);
  }
  out.lit(",\"status\":{");
  if (s.status == StatusCode::error && !s.status_message.empty()) {
    out.lit("\"message\":");
    out.quoted(s.status_message);
    out.ch(',');
  }
  out.lit("\"code\":");
  out.integer(static_cast<int>(s.status));
  out.lit("}}");
}

}  // namespace

Resource make_resource(std::string_view service, std::string_view instance_id, std::string_view version,
                       const std::vector<std::pair<std::string, std::string>>& env_attributes,
                       std::string_view service_name_override) {
  Resource r;
  set_attribute(r.attributes, "service.name", std::string(service));
  if (!instance_id.empty()) set_attribute(r.attributes, "service.instance.id", std::string(instance_id));
  if (!version.empty()) set_attribute(r.attributes, "service.version", std::string(version));
  set_attribute(r.attributes, "telemetry.sdk.name", std::string("mercato"));
  set_attribute(r.attributes, "telemetry.sdk.language", std::string("cpp"));
  for (const auto& [key, value] : env_attributes) set_attribute(r.attributes, key, value);
  if (!service_name_override.empty()) set_attribute(r.attributes, "service.name", std::string(service_name_override));
  return r;
}

std::string encode_otlp_json(const Resource& resource, std::span<const SpanData> spans) {
  std::size_t bound = 128 + attributes_bound(resource.attributes) + json::quoted_bound(otlp_scope_name.size());
  for (const auto& s : spans) bound += 1 + span_bound(s);
  // Not zero-filled: every byte up to the cursor is written, and only those are kept.
  auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  Cursor out{buffer.get()};
  out.lit("{\"resourceSpans\":[{\"resource\":{");
  write_attributes(out, resource.attributes);
  out.lit("},\"scopeSpans\":[{\"scope\":{\"name\":");
  out.quoted(otlp_scope_name);
  out.lit("},\"spans\":[");
  bool first = true;
  for (const auto& s : spans) {
    if (!first) out.ch(',');
    first = false;
    write_span(out, s);
  }
  out.lit("]}]}]}");
  // Past the end means the bounds above are wrong (a bug, whatever the input): stop rather
  // than go on with a corrupted heap. The worst-case test checks they hold.
  if (out.p > buffer.get() + bound) std::abort();
  return std::string(buffer.get(), out.p);
}

}  // namespace mercato::trace
