#include "trace/span.hpp"

#include <utility>

namespace mercato::trace {

Span::Span(std::shared_ptr<Trace> trace, SpanId parent, std::string_view name, SpanKind kind)
    : trace_(std::move(trace)), id_(SpanId::random()) {
  if (trace_ && trace_->recording()) record_ = trace_->open(id_, parent, name, kind, std::chrono::steady_clock::now());
}

Span::Span(std::shared_ptr<Trace> trace, SpanId parent, std::string_view name, SpanKind kind, SteadyTime start)
    : trace_(std::move(trace)), id_(SpanId::random()) {
  if (trace_) record_ = trace_->open(id_, parent, name, kind, start);
}

Span::Span(Span&& other) noexcept
    : trace_(std::move(other.trace_)), id_(other.id_), record_(std::exchange(other.record_, nullptr)) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    trace_ = std::move(other.trace_);
    id_ = other.id_;
    record_ = std::exchange(other.record_, nullptr);
  }
  return *this;
}

void Span::set_name(std::string_view name) {
  if (record_) record_->name = trace_->copy(name);
}

void Span::set_error(std::string_view message) {
  if (!record_) return;
  record_->status = StatusCode::error;
  record_->status_message = trace_->copy(message.substr(0, 256));
}

void Span::end() {
  if (!record_) return;
  if (record_->end_unix_nano == 0) record_->end_unix_nano = unix_nanos_now();
  trace_->close(*std::exchange(record_, nullptr));
}

bool Span::stop_clock() { return record_ && stop_clock(std::chrono::steady_clock::now()); }

bool Span::stop_clock(SteadyTime end) {
  if (!record_) return false;
  record_->end_unix_nano = unix_nanos(end);
  return trace_->kept_with(*record_);
}

std::string Span::traceparent() const {
  return trace_ ? format_traceparent(trace_->id(), id_, trace_->sampled()) : std::string();
}

}  // namespace mercato::trace
