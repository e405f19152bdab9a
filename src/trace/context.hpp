#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the ids that tie one request's
// spans together across services, and the `traceparent`/`tracestate` headers that carry them.
// Written here: Debian has no OpenTelemetry C++ SDK, and these few rules are all Mercato needs
// of one (docs/architecture.md#tracing).
//
//   traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//                ver trace id (16 bytes)           parent span id  flags (01 = sampled)

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::trace {

/// 16 random bytes; all zero is invalid (W3C) and means "none".
struct TraceId {
  std::array<unsigned char, 16> bytes{};
  static TraceId random();
  // valid() and low64() run for every request while tracing is on: inline, two word loads.
  bool valid() const {
    std::uint64_t w[2];
    std::memcpy(w, bytes.data(), sizeof w);
    return (w[0] | w[1]) != 0;
  }
  std::string hex() const;  // 32 lowercase hex digits
  /// Appends the 32 hex digits to `out` (the OTLP/JSON encoder: no string of its own).
  void append_hex(std::string& out) const;
  /// Writes the 32 hex digits at `out`; returns their end.
  char* write_hex(char* out) const;
  /// The lower 8 bytes as a big-endian number: the random part the ratio sampler compares.
  std::uint64_t low64() const {
    std::uint64_t v;
    std::memcpy(&v, bytes.data() + 8, sizeof v);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }
  friend bool operator==(const TraceId& a, const TraceId& b) {
    return std::memcmp(a.bytes.data(), b.bytes.data(), sizeof a.bytes) == 0;  // a fixed size: inlined
  }
};

/// 8 random bytes; all zero is invalid and means "no parent".
struct SpanId {
  std::array<unsigned char, 8> bytes{};
  static SpanId random();
  bool valid() const {
    std::uint64_t w;
    std::memcpy(&w, bytes.data(), sizeof w);
    return w != 0;
  }
  std::string hex() const;  // 16 lowercase hex digits
  void append_hex(std::string& out) const;
  char* write_hex(char* out) const;  // the 16 digits at `out`; returns their end
  // Compared on every span's close (the tail rules): a fixed-size memcmp the compiler inlines,
  // where the defaulted array comparison called the library's.
  friend bool operator==(const SpanId& a, const SpanId& b) {
    return std::memcmp(a.bytes.data(), b.bytes.data(), sizeof a.bytes) == 0;
  }
};

/// Parses exactly 32 (or 16) lowercase hex digits; nullopt for anything else, including the
/// all-zero id.
std::optional<TraceId> parse_trace_id(std::string_view hex);
std::optional<SpanId> parse_span_id(std::string_view hex);

/// What crosses a process boundary: the trace, the caller's span, and its sampling decision.
struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  bool sampled = false;
  std::string tracestate;  // validated, at most max_tracestate_length bytes; may be empty
};

inline constexpr std::string_view traceparent_header = "traceparent";
inline constexpr std::string_view tracestate_header = "tracestate";
/// W3C: at most 32 list members; 512 bytes is what vendors must propagate at least, and all
/// Mercato passes on (a longer value is dropped, not cut, since a cut member would be corrupt).
inline constexpr std::size_t max_tracestate_length = 512;

/// Parses a traceparent header value. Version 00 must be exactly 55 characters; a higher
/// version is read by its first four fields as the spec asks (forward compatibility); version
/// ff, upper-case hex, zero ids and any malformed field give nullopt (start a new trace).
std::optional<SpanContext> parse_traceparent(std::string_view value);

/// Keeps a tracestate value only when it is well-formed: at most 32 comma-separated
/// `key=value` members with the spec's characters, at most max_tracestate_length bytes.
/// Returns the empty string otherwise (W3C: an invalid tracestate is discarded).
std::string sanitize_tracestate(std::string_view value);

/// "00-<trace>-<span>-<flags>" for a call made from span `span_id` of trace `trace_id`.
std::string format_traceparent(const TraceId& trace_id, const SpanId& span_id, bool sampled);

}  // namespace mercato::trace
