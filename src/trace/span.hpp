#pragma once
// One timed operation of a request: the server request, an upstream call, a statement, a Redis
// pipeline, a cache lookup. Start it from the request's Scope, add attributes, and let it end
// when it leaves scope (or call end()):
//
//   trace::Span span = scope.start("db product_by_id", trace::SpanKind::client);
//   span.set("db.statement.name", "product_by_id");
//   auto r = co_await ...;
//   if (!r) span.set_error(r.error().message);
//   else span.set("db.response.rows", std::int64_t(r->rows()));
//
// A default-constructed Span (no trace: tracing off, a background job) does nothing, and so
// does every call on it; attribute values are copied (into the trace's arena) only while the
// trace records.
// Never put a secret, a token or a whole SQL parameter list in an attribute: spans leave the
// process (tests/security grep every exported attribute for the secrets a test run made).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "trace/clock.hpp"
#include "trace/recorded_span.hpp"
#include "trace/tracer.hpp"

namespace mercato::trace {

class Span {
 public:
  Span() = default;
  /// A span of `trace` under `parent` (invalid: the caller's span, or none), started now (the
  /// clock is read only when the trace records).
  Span(std::shared_ptr<Trace> trace, SpanId parent, std::string_view name, SpanKind kind);
  /// The same, started at `start` (a reading the caller already made: the request's arrival).
  Span(std::shared_ptr<Trace> trace, SpanId parent, std::string_view name, SpanKind kind, SteadyTime start);
  ~Span() { end(); }
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  /// True while attributes are kept (the trace records and end() was not called yet).
  bool recording() const { return record_ != nullptr; }

  /// Renames the span (a server span learns its route template after routing).
  void set_name(std::string_view name);
  /// Keys are string literals (the template admits nothing else): the span keeps a view of
  /// the key, never a copy.
  template <std::size_t N>
  void set(const char (&key)[N], std::string_view value) {
    if (record_) record_->add(std::string_view(key, N - 1), trace_->copy(value));
  }
  template <std::size_t N>
  void set(const char (&key)[N], const char* value) {
    set(key, std::string_view(value));
  }
  template <std::size_t N>
  void set(const char (&key)[N], const std::string& value) {
    set(key, std::string_view(value));
  }
  template <std::size_t N>
  void set(const char (&key)[N], std::int64_t value) {
    if (record_) record_->add(std::string_view(key, N - 1), value);
  }
  template <std::size_t N>
  void set(const char (&key)[N], int value) {
    set(key, std::int64_t{value});
  }
  template <std::size_t N>
  void set(const char (&key)[N], double value) {
    if (record_) record_->add(std::string_view(key, N - 1), value);
  }
  template <std::size_t N>
  void set(const char (&key)[N], bool value) {
    if (record_) record_->add(std::string_view(key, N - 1), value);
  }
  /// Marks the span failed (OTel status ERROR) with a short reason, and keeps the trace when
  /// the tracer keeps errors. `message` must not carry secrets or user input verbatim.
  void set_error(std::string_view message);

  /// Records the end time and hands the span to its trace; later calls do nothing.
  void end();

  /// Stops the span's clock now (end() keeps this end time) and says whether its trace will
  /// be exported as things stand: sampled, kept by an earlier error, or kept by this span (its
  /// error, or the slow rule for this process's first span). So the last span of a request,
  /// the server span, adds what only an export shows (its name, its attributes) when this is
  /// true, and an unsampled request that will be dropped skips the work. False when not
  /// recording. Set the span's error before asking.
  bool stop_clock();
  /// The same, with the span ended at `end` (a reading the caller already made).
  bool stop_clock(SteadyTime end);

  /// This span's id (invalid for a default-constructed Span) and trace.
  const SpanId& id() const { return id_; }
  const std::shared_ptr<Trace>& trace() const { return trace_; }
  /// The traceparent header for a call made inside this span; empty without a trace.
  std::string traceparent() const;

 private:
  std::shared_ptr<Trace> trace_;
  SpanId id_;
  RecordedSpan* record_ = nullptr;  // in the trace's arena; null when not recording or ended
};

}  // namespace mercato::trace
