#pragma once
// OTLP/HTTP protobuf: the same ExportTraceServiceRequest as otlp_json.hpp, in the binary
// protobuf wire format (Content-Type application/x-protobuf), the specification's default
// protocol: about half the bytes of the JSON and cheaper to write. Written by hand for this one
// fixed message (varints, fixed64 times, length-delimited nested messages) because no protobuf
// library is installed here and the schema never changes at run time; field numbers are those
// of opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto.

#include <span>
#include <string>

#include "trace/otlp_json.hpp"  // Resource
#include "trace/span_data.hpp"

namespace mercato::trace {

/// One ExportTraceServiceRequest holding `spans` under `resource`, serialized.
std::string encode_otlp_proto(const Resource& resource, std::span<const SpanData> spans);

}  // namespace mercato::trace
