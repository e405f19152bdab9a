#pragma once
// What a request hands to every layer below it: when it must be answered, where its spans
// hang, and which database write its reads must see — Go's context.Context reduced to the
// three things Mercato passes down. Repositories and
// clients take a Scope instead of a bare deadline:
//
//   auto r = co_await pool_.until(scope).execute("product_by_id", db::params(id));
//   trace::Span span = scope.start("cache product", trace::SpanKind::internal);
//   co_await next_layer(scope.under(span));   // its spans become children of `span`
//
// A Scope converts implicitly from a deadline (no trace), so code that has no request — a
// background job, a test — still passes a time point.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "trace/span.hpp"
#include "trace/tracer.hpp"

namespace mercato::trace {

struct Scope {
  using Clock = std::chrono::steady_clock;

  Clock::time_point deadline = Clock::time_point::max();
  std::shared_ptr<Trace> trace;  // null: not traced
  SpanId parent;                 // spans started here hang under it (invalid: the caller's span)
  /// Read-your-writes: the WAL position (db/lsn.hpp) a read must see, 0 for none. A read
  /// goes to a replica only if the replica has replayed at least this far (db::ReplicaSet);
  /// set from the client's Mercato-Read-After, and by the cache for a fill after a write.
  std::uint64_t read_after = 0;

  Scope() = default;
  Scope(Clock::time_point d) : deadline(d) {}  // NOLINT: implicit on purpose, see above
  Scope(Clock::time_point d, std::shared_ptr<Trace> t, SpanId p) : deadline(d), trace(std::move(t)), parent(p) {}

  /// A span of this scope's trace under its parent; a no-op Span without a trace.
  Span start(std::string_view name, SpanKind kind = SpanKind::internal) const {
    if (!trace) return Span();
    return Span(trace, parent, name, kind);
  }
  /// The same deadline and read_after, with spans started from it hanging under `span`.
  Scope under(const Span& span) const {
    if (!span.trace()) return *this;
    Scope s(deadline, span.trace(), span.id());
    s.read_after = read_after;
    return s;
  }
  /// The trace id for log lines ("" when not traced).
  std::string_view trace_id() const { return trace ? std::string_view(trace->id_hex()) : std::string_view(); }
  /// The traceparent for a call made directly from this scope (better: from a client span
  /// started for the call, Span::traceparent); empty when not traced.
  std::string traceparent() const {
    return trace && parent.valid() ? format_traceparent(trace->id(), parent, trace->sampled()) : std::string();
  }
  /// Whether the request is head-sampled (e.g. the SQL comment goes only on sampled requests).
  bool sampled() const { return trace && trace->sampled(); }
};

}  // namespace mercato::trace
