#pragma once
// A span as it is recorded, in place in its trace's arena (span_arena.hpp): fixed size,
// trivially destructible, strings pointing into the arena. Copied out into a SpanData only
// when the trace is kept.

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <variant>

#include "trace/context.hpp"
#include "trace/span_data.hpp"

namespace mercato::trace {

/// Values as recorded: strings are arena copies (or literals), nothing owns memory.
using RecordedValue = std::variant<std::string_view, std::int64_t, double, bool>;

struct RecordedAttribute {
  std::string_view key;  // a string literal (Span::set admits nothing else)
  RecordedValue value;
};

struct RecordedSpan {
  /// The most attributes a span keeps; Mercato's spans set at most 8. Further ones are counted
  /// in dropped_attributes (OTLP's dropped_attributes_count), not kept.
  static constexpr std::uint8_t max_attributes = 10;

  RecordedSpan* next = nullptr;  // the trace's list of spans, newest first
  SpanId span_id;
  SpanId parent_span_id;
  std::string_view name;
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;  // 0 while the span runs
  std::string_view status_message;
  SpanKind kind = SpanKind::internal;
  StatusCode status = StatusCode::unset;
  std::uint8_t attribute_count = 0;
  std::uint32_t dropped_attributes = 0;

  void add(std::string_view key, RecordedValue value) {
    if (attribute_count < max_attributes) new (&storage_[attribute_count++]) RecordedAttribute{key, value};
    else ++dropped_attributes;
  }
  /// The first attribute_count entries.
  const RecordedAttribute* attributes() const { return std::launder(reinterpret_cast<const RecordedAttribute*>(storage_)); }

 private:
  // Raw storage, constructed as attributes are added: a span starts without writing all ten.
  struct alignas(RecordedAttribute) Slot {
    std::byte bytes[sizeof(RecordedAttribute)];
  };
  Slot storage_[max_attributes];
};
static_assert(std::is_trivially_destructible_v<RecordedSpan>, "the arena never runs destructors");

/// The exporter's copy of a finished span of trace `trace_id` (owning its strings).
SpanData to_span_data(const RecordedSpan& span, const TraceId& trace_id);

}  // namespace mercato::trace
