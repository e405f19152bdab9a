#include "trace/tracer.hpp"

#include <utility>

namespace mercato::trace {

std::shared_ptr<Tracer> Tracer::create(TracerSettings settings, std::shared_ptr<SpanSink> sink) {
  if (!sink) settings.recording = false;
  return std::shared_ptr<Tracer>(new Tracer(std::move(settings), std::move(sink)));
}

Tracer::Tracer(TracerSettings settings, std::shared_ptr<SpanSink> sink)
    : settings_(std::move(settings)), sink_(std::move(sink)) {}

std::shared_ptr<Trace> Tracer::begin(const std::optional<SpanContext>& incoming, bool trusted) {
  const TraceId id = incoming ? incoming->trace_id : TraceId::random();
  const bool sampled = settings_.sampler.sample(id, incoming, trusted);
  return std::make_shared<Trace>(shared_from_this(), id, incoming ? incoming->span_id : SpanId{},
                                 incoming ? incoming->tracestate : std::string(), sampled);
}

Trace::Trace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate, bool sampled)
    : tracer_(std::move(tracer)),
      id_(id),
      id_hex_(id.hex()),
      remote_parent_(remote_parent),
      tracestate_(std::move(tracestate)),
      sampled_(sampled),
      recording_(tracer_ && tracer_->settings_.recording) {}

Trace::~Trace() {
  if (!recording_ || spans_.empty() || !kept()) return;
  tracer_->kept_.fetch_add(1, std::memory_order_relaxed);
  tracer_->sink_->submit(std::move(spans_));
}

void Trace::record(SpanData span) {
  if (!recording_) return;
  const auto& s = tracer_->settings_;
  if (span.status == StatusCode::error && s.keep_errors) keep();
  // The first span of this process (the server span) decides the slow rule: it ends last.
  if (span.parent_span_id == remote_parent_ && s.slow_threshold.count() > 0 &&
      span.end_unix_nano - span.start_unix_nano >
          std::chrono::duration_cast<std::chrono::nanoseconds>(s.slow_threshold).count())
    keep();
  std::lock_guard lock(mutex_);
  if (spans_.size() >= s.max_spans_per_trace) {
    tracer_->over_limit_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (spans_.empty()) spans_.reserve(16);  // a request's spans, without regrowing
  if (!first_recorded_ && span.parent_span_id == remote_parent_) {
    span.trace_state = tracestate_;
    first_recorded_ = true;
  }
  spans_.push_back(std::move(span));
}

}  // namespace mercato::trace
