#pragma once
// A finished span as the exporter sees it: OpenTelemetry's span model, reduced to the fields
// Mercato records (no events or links). Enum values are OTLP's, so the exporter writes them
// as they are.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "trace/context.hpp"

namespace mercato::trace {

enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

/// A span's attribute. The key is a string literal (Span::set takes only those): every span of
/// every request records several, and a key copied into a std::string would cost an allocation
/// each, the largest part of recording a span.
struct Attribute {
  std::string_view key;  // OpenTelemetry semantic-convention names where one exists (db.statement.name…)
  AttributeValue value;
};

/// A resource attribute (service.name, OTEL_RESOURCE_ATTRIBUTES…): made once, keys from anywhere.
struct ResourceAttribute {
  std::string key;
  AttributeValue value;
};

struct SpanData {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // invalid (all zero) for the trace's root
  std::string trace_state;  // the caller's tracestate, on this process's first span only
  std::string name;
  SpanKind kind = SpanKind::internal;
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;
  std::vector<Attribute> attributes;
  std::uint32_t dropped_attributes_count = 0;  // set beyond what a span keeps (RecordedSpan)
  StatusCode status = StatusCode::unset;
  std::string status_message;  // set with StatusCode::error only
};

}  // namespace mercato::trace
