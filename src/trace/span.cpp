#include "trace/span.hpp"

#include <utility>

namespace mercato::trace {

std::int64_t unix_nanos_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Span::Span(std::shared_ptr<Trace> trace, SpanId parent, std::string_view name, SpanKind kind)
    : trace_(std::move(trace)), id_(SpanId::random()) {
  if (!trace_ || !trace_->recording()) return;
  data_.emplace();
  data_->attributes.reserve(8);  // the most any span of Mercato's sets; one allocation
  data_->trace_id = trace_->id();
  data_->span_id = id_;
  data_->parent_span_id = parent.valid() ? parent : trace_->remote_parent();
  data_->name = name;
  data_->kind = kind;
  data_->start_unix_nano = unix_nanos_now();
}

// A moved-from optional stays engaged: it is reset, or the source would record a second,
// empty span when it ends.
Span::Span(Span&& other) noexcept : trace_(std::move(other.trace_)), id_(other.id_), data_(std::move(other.data_)) {
  other.data_.reset();
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    trace_ = std::move(other.trace_);
    id_ = other.id_;
    data_ = std::move(other.data_);
    other.data_.reset();
  }
  return *this;
}

void Span::set_name(std::string_view name) {
  if (data_) data_->name = name;
}


void Span::set_error(std::string_view message) {
  if (!data_) return;
  data_->status = StatusCode::error;
  data_->status_message = message.substr(0, 256);
}

void Span::end() {
  if (!data_) return;
  data_->end_unix_nano = unix_nanos_now();
  SpanData data = std::move(*data_);
  data_.reset();
  trace_->record(std::move(data));
}

std::string Span::traceparent() const {
  return trace_ ? format_traceparent(trace_->id(), id_, trace_->sampled()) : std::string();
}

}  // namespace mercato::trace
