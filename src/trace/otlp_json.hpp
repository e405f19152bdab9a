#pragma once
// OTLP/HTTP JSON: finished spans as the body of a POST to a receiver's /v1/traces, an
// ExportTraceServiceRequest in the JSON form the OTLP specification defines (the proto3 JSON
// mapping with its exceptions: trace and span ids as hex strings, not base64; enums as
// integers; 64-bit integers as decimal strings; lowerCamelCase keys). Written here because
// Debian has no OpenTelemetry C++ SDK. The body is written by hand (keys as literals); every
// string that is not a literal or hex goes through json::append_quoted, so it is escaped.
//
//   {"resourceSpans": [{"resource": {"attributes": [...]},
//                       "scopeSpans": [{"scope": {"name": "mercato"}, "spans": [...]}]}]}

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trace/span_data.hpp"

namespace mercato::trace {

/// The process the spans come from (OpenTelemetry's Resource): service.name,
/// service.instance.id, … Built once at start (service::Tracing).
struct Resource {
  std::vector<ResourceAttribute> attributes;
};

/// The resource of one service process, in the specification's order of precedence (each later
/// source wins): what the process knows of itself (service.name = `service`,
/// service.instance.id = `instance_id`, service.version = `version` when not empty, the
/// telemetry.sdk.* attributes), then OTEL_RESOURCE_ATTRIBUTES (`env_attributes`), then
/// OTEL_SERVICE_NAME (`service_name_override`, when not empty).
Resource make_resource(std::string_view service, std::string_view instance_id, std::string_view version,
                       const std::vector<std::pair<std::string, std::string>>& env_attributes,
                       std::string_view service_name_override);

/// The scope (instrumentation library) name every Mercato span is reported under.
inline constexpr std::string_view otlp_scope_name = "mercato";

/// One ExportTraceServiceRequest holding `spans` (of any number of traces) under `resource`.
std::string encode_otlp_json(const Resource& resource, std::span<const SpanData> spans);

}  // namespace mercato::trace
