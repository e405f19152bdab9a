#include "trace/tracer.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include "trace/block_cache.hpp"
#include "trace/span.hpp"

namespace mercato::trace {

namespace {

// A trace that records: its arena lives in the same allocation as the trace (one allocation
// per request, as without recording), and its spans are handed on before the arena goes.
class RecordingTrace final : public Trace {
 public:
  RecordingTrace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate,
                 bool sampled)
      : Trace(std::move(tracer), id, remote_parent, std::move(tracestate), sampled, &arena_) {}
  // Most traces are dropped: the check is inline, the call made only for a kept one.
  ~RecordingTrace() {
    if (kept()) finish();
  }

 private:
  SpanArena arena_;  // only its address is taken before it is constructed
};

}  // namespace

std::shared_ptr<Tracer> Tracer::create(TracerSettings settings, std::shared_ptr<SpanSink> sink) {
  if (!sink) settings.recording = false;
  return std::shared_ptr<Tracer>(new Tracer(std::move(settings), std::move(sink)));
}

Tracer::Tracer(TracerSettings settings, std::shared_ptr<SpanSink> sink)
    : settings_(std::move(settings)), sink_(std::move(sink)) {}

std::shared_ptr<Trace> Tracer::begin(const std::optional<SpanContext>& incoming, bool trusted) {
  const TraceId id = incoming ? incoming->trace_id : TraceId::random();
  const bool sampled = settings_.sampler.sample(id, incoming, trusted);
  const SpanId parent = incoming ? incoming->span_id : SpanId{};
  std::string tracestate = incoming ? incoming->tracestate : std::string();
  if (settings_.recording)
    return std::allocate_shared<RecordingTrace>(BlockCacheAllocator<RecordingTrace>(), shared_from_this(), id, parent,
                                                std::move(tracestate), sampled);
  return std::make_shared<Trace>(shared_from_this(), id, parent, std::move(tracestate), sampled);
}

Trace::Trace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate, bool sampled,
             SpanArena* arena)
    : tracer_(std::move(tracer)),
      id_(id),
      id_hex_(id.hex()),
      remote_parent_(remote_parent),
      tracestate_(std::move(tracestate)),
      sampled_(sampled),
      arena_(tracer_ && tracer_->settings_.recording ? arena : nullptr) {}

RecordedSpan* Trace::open(SpanId id, SpanId parent, std::string_view name, SpanKind kind) {
  if (!arena_) return nullptr;
  if (span_count_.fetch_add(1, std::memory_order_relaxed) >= tracer_->settings_.max_spans_per_trace) {
    tracer_->over_limit_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  auto* span = new (arena_->allocate(sizeof(RecordedSpan))) RecordedSpan;
  span->span_id = id;
  span->parent_span_id = parent.valid() ? parent : remote_parent_;
  span->name = arena_->copy(name);
  span->kind = kind;
  span->start_unix_nano = unix_nanos_now();
  // Pushed on the list at once (not at its end): the list is read only when the last owner
  // of the trace lets go, and every Span holds the trace until it has ended.
  span->next = spans_.load(std::memory_order_relaxed);
  while (!spans_.compare_exchange_weak(span->next, span, std::memory_order_release, std::memory_order_relaxed)) {
  }
  return span;
}

namespace {

// The tail rules: an error span, or this process's first span (the server span, which ends
// last) lasting longer than the slow threshold.
bool tail_keeps(const TracerSettings& s, const RecordedSpan& span, const SpanId& remote_parent) {
  if (span.status == StatusCode::error && s.keep_errors) return true;
  return span.parent_span_id == remote_parent && s.slow_threshold.count() > 0 &&
         span.end_unix_nano - span.start_unix_nano >
             std::chrono::duration_cast<std::chrono::nanoseconds>(s.slow_threshold).count();
}

}  // namespace

void Trace::close(const RecordedSpan& span) {
  if (tail_keeps(tracer_->settings_, span, remote_parent_)) keep();
}

bool Trace::kept_with(const RecordedSpan& span) const {
  return kept() || tail_keeps(tracer_->settings_, span, remote_parent_);
}

void Trace::finish() {
  RecordedSpan* head = spans_.load(std::memory_order_acquire);
  if (!arena_ || !head || !kept()) return;
  std::vector<SpanData> spans;
  spans.reserve(span_count_.load(std::memory_order_relaxed));
  for (const RecordedSpan* r = head; r; r = r->next)
    if (r->end_unix_nano != 0) spans.push_back(to_span_data(*r, id_));
  // In the order they ended, as a reader of the export expects children before parents.
  std::reverse(spans.begin(), spans.end());
  std::stable_sort(spans.begin(), spans.end(),
                   [](const SpanData& a, const SpanData& b) { return a.end_unix_nano < b.end_unix_nano; });
  if (spans.empty()) return;
  // The tracestate goes on this process's first span under the caller (the server span).
  auto first = std::find_if(spans.begin(), spans.end(),
                            [&](const SpanData& d) { return d.parent_span_id == remote_parent_; });
  if (first != spans.end()) first->trace_state = tracestate_;
  tracer_->kept_.fetch_add(1, std::memory_order_relaxed);
  tracer_->sink_->submit(std::move(spans));
}

}  // namespace mercato::trace
