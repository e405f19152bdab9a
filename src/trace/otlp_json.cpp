#include "trace/otlp_json.hpp"

#include <algorithm>
#include <cmath>

#include "core/json.hpp"

namespace mercato::trace {
namespace {

void set_attribute(std::vector<ResourceAttribute>& attributes, std::string key, AttributeValue value) {
  auto it = std::find_if(attributes.begin(), attributes.end(), [&](const ResourceAttribute& a) { return a.key == key; });
  if (it != attributes.end()) it->value = std::move(value);
  else attributes.push_back({std::move(key), std::move(value)});
}

// AnyValue: exactly one of its fields. intValue is an int64, so a decimal string; a double
// that JSON cannot hold is written as the proto3 mapping's string form.
void write_value(json::Writer& w, const AttributeValue& value) {
  w.begin_object();
  if (const auto* s = std::get_if<std::string>(&value)) {
    w.key("stringValue").string(*s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    w.key("intValue").string(std::to_string(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    w.key("doubleValue");
    if (std::isnan(*d)) w.string("NaN");
    else if (std::isinf(*d)) w.string(*d > 0 ? "Infinity" : "-Infinity");
    else w.number(*d);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    w.key("boolValue").boolean(*b);
  }
  w.end_object();
}

template <class A>  // Attribute or ResourceAttribute
void write_attributes(json::Writer& w, const std::vector<A>& attributes) {
  w.key("attributes").begin_array();
  for (const auto& a : attributes) {
    w.begin_object().key("key").string(a.key).key("value");
    write_value(w, a.value);
    w.end_object();
  }
  w.end_array();
}

void write_span(json::Writer& w, const SpanData& s) {
  w.begin_object();
  w.key("traceId").string(s.trace_id.hex());
  w.key("spanId").string(s.span_id.hex());
  if (!s.trace_state.empty()) w.key("traceState").string(s.trace_state);
  // A root span has no parent: the field is left out (an empty id would be "no parent" too,
  // but some receivers take "" for an id to look up).
  if (s.parent_span_id.valid()) w.key("parentSpanId").string(s.parent_span_id.hex());
  w.key("name").string(s.name);
  w.key("kind").integer(static_cast<int>(s.kind));
  w.key("startTimeUnixNano").string(std::to_string(s.start_unix_nano));
  w.key("endTimeUnixNano").string(std::to_string(s.end_unix_nano));
  write_attributes(w, s.attributes);
  if (s.dropped_attributes_count > 0) w.key("droppedAttributesCount").integer(s.dropped_attributes_count);
  w.key("status").begin_object();
  if (s.status == StatusCode::error && !s.status_message.empty()) w.key("message").string(s.status_message);
  w.key("code").integer(static_cast<int>(s.status));
  w.end_object();
  w.end_object();
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
  json::Writer w(out);
  w.begin_object().key("resourceSpans").begin_array().begin_object();
  w.key("resource").begin_object();
  write_attributes(w, resource.attributes);
  w.end_object();
  w.key("scopeSpans").begin_array().begin_object();
  w.key("scope").begin_object().key("name").string(otlp_scope_name).end_object();
  w.key("spans").begin_array();
  for (const auto& s : spans) write_span(w, s);
  w.end_array();
  w.end_object().end_array();
  w.end_object().end_array().end_object();
  return out;
}

}  // namespace mercato::trace
