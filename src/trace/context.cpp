#include "trace/context.hpp"

#include <algorithm>

#include "core/ids.hpp"

namespace mercato::trace {
namespace {

constexpr char kHex[] = "0123456789abcdef";

template <std::size_t N>
void write_hex(const std::array<unsigned char, N>& bytes, char* out) {
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xF];
  }
}

template <std::size_t N>
std::string to_hex(const std::array<unsigned char, N>& bytes) {
  std::string out(2 * N, '0');
  write_hex(bytes, out.data());
  return out;
}

template <std::size_t N>
void append_hex_digits(const std::array<unsigned char, N>& bytes, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + 2 * N);
  write_hex(bytes, out.data() + at);
}

// Lowercase only: W3C forbids upper-case hex in traceparent.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <std::size_t N>
bool from_hex(std::string_view text, std::array<unsigned char, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

// tracestate key: lcalpha (lcalpha|digit|_|-|*|/){0,255}, or tenant@system (W3C §3.3.1.3.1).
bool valid_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/' ||
         c == '@';
}

// tracestate value: printable ASCII except ',' and '='; no trailing space.
bool valid_value(std::string_view v) {
  if (v.empty() || v.size() > 256 || v.back() == ' ') return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c <= 0x7E && c != ',' && c != '='; });
}

bool valid_member(std::string_view m) {
  const auto eq = m.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq > 256) return false;
  const auto key = m.substr(0, eq);
  if (!(key[0] >= 'a' && key[0] <= 'z') && !(key[0] >= '0' && key[0] <= '9')) return false;
  if (std::count(key.begin(), key.end(), '@') > 1) return false;
  return std::all_of(key.begin(), key.end(), valid_key_char) && valid_value(m.substr(eq + 1));
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

TraceId TraceId::random() {
  TraceId id;
  do ids::random_bytes(id.bytes.data(), id.bytes.size());
  while (!id.valid());
  return id;
}
std::string TraceId::hex() const { return to_hex(bytes); }
void TraceId::append_hex(std::string& out) const { append_hex_digits(bytes, out); }
char* TraceId::write_hex(char* out) const {
  trace::write_hex(bytes, out);
  return out + 2 * bytes.size();
}

SpanId SpanId::random() {
  SpanId id;
  do ids::random_bytes(id.bytes.data(), id.bytes.size());
  while (!id.valid());
  return id;
}
std::string SpanId::hex() const { return to_hex(bytes); }
void SpanId::append_hex(std::string& out) const { append_hex_digits(bytes, out); }
char* SpanId::write_hex(char* out) const {
  trace::write_hex(bytes, out);
  return out + 2 * bytes.size();
}

std::optional<TraceId> parse_trace_id(std::string_view hex) {
  TraceId id;
  if (!from_hex(hex, id.bytes) || !id.valid()) return std::nullopt;
  return id;
}

std::optional<SpanId> parse_span_id(std::string_view hex) {
  SpanId id;
  if (!from_hex(hex, id.bytes) || !id.valid()) return std::nullopt;
  return id;
}

std::optional<SpanContext> parse_traceparent(std::string_view value) {
  value = trim_ows(value);
  // version(2) - trace id(32) - span id(16) - flags(2)
  if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  std::array<unsigned char, 1> version{};
  if (!from_hex(value.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append fields after a '-'.
  if (version[0] == 0 ? value.size() != 55 : value.size() > 55 && value[55] != '-') return std::nullopt;
  std::array<unsigned char, 1> flags{};
  if (!from_hex(value.substr(53, 2), flags)) return std::nullopt;
  auto trace_id = parse_trace_id(value.substr(3, 32));
  auto span_id = parse_span_id(value.substr(36, 16));
  if (!trace_id || !span_id) return std::nullopt;
  SpanContext ctx;
  ctx.trace_id = *trace_id;
  ctx.span_id = *span_id;
  ctx.sampled = (flags[0] & 0x01) != 0;
  return ctx;
}

std::string sanitize_tracestate(std::string_view value) {
  if (value.size() > max_tracestate_length) return {};
  std::size_t members = 0;
  std::string out;
  out.reserve(value.size());
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto member = trim_ows(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (member.empty()) continue;  // empty list members are allowed and dropped
    if (!valid_member(member) || ++members > 32) return {};
    if (!out.empty()) out += ',';
    out += member;
  }
  return out;
}

std::string format_traceparent(const TraceId& trace_id, const SpanId& span_id, bool sampled) {
  // Written in place: every answer of every service carries one.
  std::string out = "00-00000000000000000000000000000000-0000000000000000-00";
  write_hex(trace_id.bytes, out.data() + 3);
  write_hex(span_id.bytes, out.data() + 36);
  if (sampled) out[54] = '1';
  return out;
}

}  // namespace mercato::trace
