#include "trace/tracer.hpp"

#include <algorithm>
#include <cstddef>
#include <new>
#include <utility>

#include "trace/block_cache.hpp"
#include "trace/span.hpp"

namespace mercato::trace {

namespace {

// A trace that records: its first span lives in the same allocation as the trace (one
// allocation for a request that opens no other span, as without recording), and its spans are
// handed on before that storage goes.
class RecordingTrace final : public Trace {
 public:
  RecordingTrace(std::shared_ptr<Tracer> tracer, TraceId id, SpanId remote_parent, std::string tracestate,
                 bool sampled)
      : Trace(std::move(tracer), id, remote_parent, std::move(tracestate), sampled, first_span_storage_) {}
  // Most traces are dropped: the check is inline, the call made only for a kept one.
  ~RecordingTrace() {
    if (kept()) finish();
  }

 private:
  // Raw storage, constructed by Trace::open: a dropped request's trace is not written twice.
  alignas(RecordedSpan) std::byte first_span_storage_[sizeof(RecordedSpan)];  // only its address is taken early
};

using ArenaAllocator = BlockCacheAllocator<SpanArena>;

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
             void* first_span)
    : tracer_(std::move(tracer)),
      id_(id),
      id_hex_(id.hex()),
      remote_parent_(remote_parent),
      tracestate_(std::move(tracestate)),
      sampled_(sampled),
      keep_errors_(tracer_ && tracer_->settings_.keep_errors),
      slow_ns_(tracer_ ? std::chrono::duration_cast<std::chrono::nanoseconds>(tracer_->settings_.slow_threshold).count()
                       : 0),
      first_span_(tracer_ && tracer_->settings_.recording ? first_span : nullptr) {}

Trace::~Trace() {
  if (SpanArena* a = arena_.load(std::memory_order_acquire)) {
    ArenaAllocator alloc;
    a->~SpanArena();
    alloc.deallocate(a, 1);
  }
}

SpanArena& Trace::make_arena() {
  ArenaAllocator alloc;
  SpanArena* made = new (alloc.allocate(1)) SpanArena;
  SpanArena* current = nullptr;
  if (arena_.compare_exchange_strong(current, made, std::memory_order_acq_rel, std::memory_order_acquire))
    return *made;
  made->~SpanArena();  // another thread of the request made it first
  alloc.deallocate(made, 1);
  return *current;
}

RecordedSpan* Trace::open(SpanId id, SpanId parent, std::string_view name, SpanKind kind, SteadyTime start) {
  if (!first_span_) return nullptr;
  const std::size_t n = span_count_.fetch_add(1, std::memory_order_relaxed);
  if (n >= tracer_->settings_.max_spans_per_trace) {
    tracer_->over_limit_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  // The first span (the server span, opened before the request runs anything) goes into the
  // trace's own storage and stays off the list; finish() reads it from there.
  auto* span = new (n == 0 ? first_span_ : arena().allocate(sizeof(RecordedSpan))) RecordedSpan;
  span->span_id = id;
  span->parent_span_id = parent.valid() ? parent : remote_parent_;
  span->name = copy(name);
  span->kind = kind;
  span->start_unix_nano = unix_nanos(start);
  if (n == 0) return span;
  // Pushed on the list at once (not at its end): the list is read only when the last owner
  // of the trace lets go, and every Span holds the trace until it has ended.
  span->next = spans_.load(std::memory_order_relaxed);
  while (!spans_.compare_exchange_weak(span->next, span, std::memory_order_release, std::memory_order_relaxed)) {
  }
  return span;
}

void Trace::finish() {
  const std::size_t opened =
      std::min(span_count_.load(std::memory_order_acquire), tracer_->settings_.max_spans_per_trace);
  if (!first_span_ || opened == 0 || !kept()) return;
  std::vector<SpanData> spans;
  spans.reserve(opened);
  if (const auto* first = std::launder(static_cast<const RecordedSpan*>(first_span_)); first->end_unix_nano != 0)
    spans.push_back(to_span_data(*first, id_));
  const auto list_start = static_cast<std::ptrdiff_t>(spans.size());
  for (const RecordedSpan* r = spans_.load(std::memory_order_acquire); r; r = r->next)
    if (r->end_unix_nano != 0) spans.push_back(to_span_data(*r, id_));
  // In the order they ended, as a reader of the export expects children before parents (the
  // list is newest first: reversed, ties keep the order they were opened in).
  std::reverse(spans.begin() + list_start, spans.end());
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
