#include "trace/otlp_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/json.hpp"

namespace mercato::trace {
namespace {

void set_attribute(std::vector<ResourceAttribute>& attributes, std::string key, AttributeValue value) {
  auto it = std::find_if(attributes.begin(), attributes.end(), [&](const ResourceAttribute& a) { return a.key == key; });
  if (it != attributes.end()) it->value = std::move(value);
  else attributes.push_back({std::move(key), std::move(value)});
}

// Written straight into the body rather than through json::Writer: keys are literals with
// their quotes and separators, ids go in as hex digits and numbers through to_chars, and only
// the strings that come from elsewhere (names, attribute values, statuses) are escaped. At 1.0
// every request is encoded, and at any ratio a kept trace's encoding was most of its cost
// (bench/results.md, tracing).

void append_int(std::string& out, std::int64_t v) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  out.append(buffer, end);
}

// intValue and the span times are 64-bit integers: decimal strings in OTLP/JSON.
void append_int_string(std::string& out, std::int64_t v) {
  out += '"';
  append_int(out, v);
  out += '"';
}

// AnyValue: exactly one of its fields. A double that JSON cannot hold is written as the proto3
// mapping's string form.
void write_value(std::string& out, const AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    out += "{\"stringValue\":";
    json::append_quoted(out, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out += "{\"intValue\":";
    append_int_string(out, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out += "{\"doubleValue\":";
    if (std::isnan(*d)) out += "\"NaN\"";
    else if (std::isinf(*d)) out += *d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else json::append_double(out, *d);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out += "{\"boolValue\":";
    out += *b ? "true" : "false";
  } else {
    out += '{';
  }
  out += '}';
}

template <class A>  // Attribute or ResourceAttribute
void write_attributes(std::string& out, const std::vector<A>& attributes) {
  out += "\"attributes\":[";
  bool first = true;
  for (const auto& a : attributes) {
    out += first ? "{\"key\":" : ",{\"key\":";
    first = false;
    json::append_quoted(out, a.key);
    out += ",\"value\":";
    write_value(out, a.value);
    out += '}';
  }
  out += ']';
}

void write_span(std::string& out, const SpanData& s) {
  out += "{\"traceId\":\"";
  s.trace_id.append_hex(out);
  out += "\",\"spanId\":\"";
  s.span_id.append_hex(out);
  out += '"';
  if (!s.trace_state.empty()) {
    out += ",\"traceState\":";
    json::append_quoted(out, s.trace_state);
  }
  // A root span has no parent: the field is left out (an empty id would be "no parent" too,
  // but some receivers take "" for an id to look up).
  if (s.parent_span_id.valid()) {
    out += ",\"parentSpanId\":\"";
    s.parent_span_id.append_hex(out);
    out += '"';
  }
  out += ",\"name\":";
  json::append_quoted(out, s.name);
  out += ",\"kind\":";
  append_int(out, static_cast<int>(s.kind));
  out += ",\"startTimeUnixNano\":";
  append_int_string(out, s.start_unix_nano);
  out += ",\"endTimeUnixNano\":";
  append_int_string(out, s.end_unix_nano);
  out += ',';
  write_attributes(out, s.attributes);
  if (s.dropped_attributes_count > 0) {
    out += ",\"droppedAttributesCount\":";
    append_int(out, s.dropped_attributes_count);
  }
  out += ",\"status\":{";
  if (s.status == StatusCode::error && !s.status_message.empty()) {
    out += "\"message\":";
    json::append_quoted(out, s.status_message);
    out += ',';
  }
  out += "\"code\":";
  append_int(out, static_cast<int>(s.status));
  out += "}}";
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
  std::string out;
  out.reserve(256 + spans.size() * 400);
  out += "{\"resourceSpans\":[{\"resource\":{";
  write_attributes(out, resource.attributes);
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":";
  json::append_quoted(out, otlp_scope_name);
  out += "},\"spans\":[";
  bool first = true;
  for (const auto& s : spans) {
    if (!first) out += ',';
    first = false;
    write_span(out, s);
  }
  out += "]}]}]}";
  return out;
}

}  // namespace mercato::trace
