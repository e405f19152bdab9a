#pragma once
// Tracing in one process: the Tracer makes one Trace per incoming request; the request's code
// starts Spans in it through a Scope (trace/scope.hpp); when the last reference to the Trace
// goes, its finished spans are handed to the SpanSink (the OTLP exporter) — or dropped.
//
// Which traces are kept:
//   - head sampling (Sampler): decided when the request arrives, told to the next hop in the
//     traceparent flags, so a sampled trace is complete across services;
//   - tail rules, decided here when the trace ends and only for this process's spans: a trace
//     with an error span, or whose first span lasted longer than `slow_threshold`, is kept even
//     when the head decision dropped it. That is why spans are recorded for every request
//     while tracing is on. They are written in place, the first into the trace itself and the
//     others into the trace's arena (span_arena.hpp), with no allocation per span: about 300
//     instructions a span (trace_bench). Copying out, encoding and export, the expensive part,
//     happen only for kept traces.
// With no exporter configured (`recording` false) nothing is recorded at all, but trace ids
// are still made, logged, answered and propagated, so logs of every service still line up.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/clock.hpp"
#include "trace/context.hpp"
#include "trace/recorded_span.hpp"
#include "trace/sampler.hpp"
#include "trace/span_arena.hpp"
#include "trace/span_data.hpp"

namespace mercato::trace {

/// Receives the spans of each kept trace. Called from any thread; must not block (the
/// exporter queues and drops when full).
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  virtual void submit(std::vector<SpanData> spans) = 0;
};

struct TracerSettings {
  bool recording = false;  // record spans (an exporter is configured)
  Sampler sampler;
  /// Keep a trace whose first span in this process lasted longer; zero disables the rule.
  std::chrono::milliseconds slow_threshold{0};
  bool keep_errors = true;
  /// A request that starts more spans (a loop of statements) keeps its first ones only.
  std::size_t max_spans_per_trace = 512;
};

class Trace;

class Tracer : public std::enable_shared_from_this<Tracer> {
 public:
  static std::shared_ptr<Tracer> create(TracerSettings settings, std::shared_ptr<SpanSink> sink);

  /// This process's part of a trace, for a request whose caller sent `incoming` (a parsed
  /// traceparent + tracestate, nullopt when absent or malformed); `trusted` says whether the
  /// caller may decide sampling for us (see Sampler). An incoming trace id is continued either
  /// way.
  std::shared_ptr<Trace> begin(const std::optional<SpanContext>& incoming, bool trusted);

  const TracerSettings& settings() const { return settings_; }

  /// Counters for the metrics endpoint: traces handed to the sink, and spans dropped because a
  /// trace had more than max_spans_per_trace.
  std::uint64_t traces_kept() const { return kept_.load(std::memory_order_relaxed); }
  std::uint64_t spans_over_limit() const { return over_limit_.load(std::memory_order_relaxed); }

 private:
  friend class Trace;
  Tracer(TracerSettings settings, std::shared_ptr<SpanSink> sink);
  TracerSettings settings_;
  std::shared_ptr<SpanSink> sink_;
  std::atomic<std::uint64_t> kept_{0};
  std::atomic<std::uint64_t> over_limit_{0};
};

/// One request's spans in this process. Shared by the request's Spans and Scopes; thread-safe
/// (a request's coroutines may resume on any io thread, and fan out). A recording trace is
/// made by Tracer::begin; a Trace made otherwise records nothing.
///
/// Most requests are dropped at a low sample ratio, so what recording costs a request that
/// opens only its server span is kept to the minimum: that first span lives in the trace
/// itself, off the list of the others, and the arena for further spans and copied text is
/// made only when something needs it.
class Trace {
 public:
  Trace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate, bool sampled)
      : Trace(std::move(tracer), id, remote_parent, std::move(tracestate), sampled, nullptr) {}
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  const TraceId& id() const { return id_; }
  /// The trace id as 32 hex digits, made once (every log line of the request carries it).
  const std::string& id_hex() const { return id_hex_; }
  /// The head decision (what the traceparent flags tell the next hop).
  bool sampled() const { return sampled_; }
  bool recording() const { return first_span_ != nullptr; }
  /// The caller's span (invalid when this process started the trace).
  const SpanId& remote_parent() const { return remote_parent_; }
  /// The caller's tracestate, sanitized (empty when none): passed on with every call this
  /// request makes, as W3C asks of a participant that adds no member of its own.
  const std::string& tracestate() const { return tracestate_; }

  /// Keeps the trace whatever the head decision was (an error, a slow request).
  void keep() { keep_.store(true, std::memory_order_relaxed); }
  bool kept() const { return sampled_ || keep_.load(std::memory_order_relaxed); }

  // For Span (span.hpp):
  /// A new span's record, started at `start`; null when the trace does not record or already
  /// holds max_spans_per_trace spans. `parent` invalid: the caller's span.
  RecordedSpan* open(SpanId id, SpanId parent, std::string_view name, SpanKind kind, SteadyTime start);
  /// A copy of an attribute value or name in the arena (only while recording).
  std::string_view copy(std::string_view text) { return text.empty() ? std::string_view() : arena().copy(text); }
  /// Applies the tail rules to a span that just ended.
  void close(const RecordedSpan& span) {
    if (tail_keeps(span)) keep();
  }
  /// Whether the trace is kept once `span`, with its end time set, closes as it is now (the
  /// head decision, a rule that already kept it, or the tail rules on this span).
  bool kept_with(const RecordedSpan& span) const { return kept() || tail_keeps(span); }

 protected:
  /// A recording trace: `first_span` is storage for a RecordedSpan that lives as long as the
  /// trace (the recording trace's member).
  Trace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate, bool sampled,
        void* first_span);
  /// Hands the spans to the sink when the trace is kept. Run by the recording trace's
  /// destructor, while its first span's storage still exists.
  void finish();

 private:
  SpanArena& arena() {
    SpanArena* a = arena_.load(std::memory_order_acquire);
    return a ? *a : make_arena();
  }
  SpanArena& make_arena();
  // The tail rules (inline: they run as every span ends): an error span, or this process's
  // first span (the server span, which ends last) lasting longer than the slow threshold.
  bool tail_keeps(const RecordedSpan& span) const {
    if (span.status == StatusCode::error && keep_errors_) return true;
    return slow_ns_ > 0 && span.parent_span_id == remote_parent_ &&
           span.end_unix_nano - span.start_unix_nano > slow_ns_;
  }

  std::shared_ptr<Tracer> tracer_;
  TraceId id_;
  std::string id_hex_;
  SpanId remote_parent_;
  std::string tracestate_;
  bool sampled_;
  std::atomic<bool> keep_{false};
  bool keep_errors_;     // the tracer's settings, copied: read as every span ends
  std::int64_t slow_ns_;  // 0: no slow rule
  void* first_span_;                           // storage for the first span; null: not recording
  std::atomic<SpanArena*> arena_{nullptr};     // made by the first use (block_cache.hpp)
  std::atomic<RecordedSpan*> spans_{nullptr};  // every span but the first, newest first
  std::atomic<std::size_t> span_count_{0};     // opened, or refused over the limit
};

}  // namespace mercato::trace
