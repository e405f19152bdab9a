#include "trace/recorded_span.hpp"

#include <string>
#include <type_traits>

namespace mercato::trace {

SpanData to_span_data(const RecordedSpan& r, const TraceId& trace_id) {
  SpanData d;
  d.trace_id = trace_id;
  d.span_id = r.span_id;
  d.parent_span_id = r.parent_span_id;
  d.name = r.name;
  d.kind = r.kind;
  d.start_unix_nano = r.start_unix_nano;
  d.end_unix_nano = r.end_unix_nano;
  d.attributes.reserve(r.attribute_count);
  for (std::uint8_t i = 0; i < r.attribute_count; ++i) {
    const auto& a = r.attributes()[i];
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>)
            d.attributes.push_back({a.key, std::string(v)});
          else
            d.attributes.push_back({a.key, v});
        },
        a.value);
  }
  d.dropped_attributes_count = r.dropped_attributes;
  d.status = r.status;
  d.status_message = r.status_message;
  return d;
}

}  // namespace mercato::trace
