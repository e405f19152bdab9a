#pragma once
// What one request carries through every layer besides its bytes: the time by which it must
// be answered, and its trace (this process's part of it, and the server span new spans hang
// under). Layers below http take it as a trace::Scope (req.context.scope()). The server creates one with each Request
// (http::Request::context); the `deadline` middleware fills it in. The request id and the
// principal stay on Request itself (request_id, principal), where the existing middleware
// already puts them. Design: docs/architecture.md#request-deadline.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "trace/scope.hpp"

namespace mercato::http {

using Clock = std::chrono::steady_clock;

struct RequestContext {
  /// When the answer is due, on this host's steady clock. time_point::max() until the
  /// `deadline` middleware ran (a request built by hand in a test has no deadline).
  Clock::time_point deadline = Clock::time_point::max();
  /// Set by the tracing middleware; null for a request built by hand in a test.
  std::shared_ptr<trace::Trace> trace;
  /// The server span's id: spans the handler starts hang under it.
  trace::SpanId span;

  /// When the tracing middleware took the request: the one reading of the clock at its start,
  /// which the access log, the metrics, the deadline and the server span all start from
  /// (trace/clock.hpp says why a reading saved counts). Epoch for a request built by hand.
  Clock::time_point received{};
  /// When the metrics middleware saw the answer (the server span ends there too); epoch until.
  Clock::time_point answered{};
  /// `received`, or now for a request that skipped the tracing middleware (a test's).
  Clock::time_point received_or_now() const { return received != Clock::time_point{} ? received : Clock::now(); }

  /// Read-your-writes: the WAL position the client's reads must see (Mercato-Read-After,
  /// trace::Scope::read_after); 0 when the client sent none.
  std::uint64_t read_after = 0;

  /// The deadline, the trace and read_after, as the layers below take them.
  trace::Scope scope() const {
    trace::Scope s(deadline, trace, span);
    s.read_after = read_after;
    return s;
  }
  /// The trace id for log lines: 32 hex digits, "" before the tracing middleware ran.
  std::string_view trace_id() const { return trace ? std::string_view(trace->id_hex()) : std::string_view(); }
  /// The server span's id for log lines (16 hex digits), "" without a trace.
  std::string span_id() const { return trace ? span.hex() : std::string(); }

  /// Time left before the deadline; zero once it passed.
  Clock::duration remaining(Clock::time_point now = Clock::now()) const {
    return deadline > now ? deadline - now : Clock::duration::zero();
  }
  bool expired(Clock::time_point now = Clock::now()) const { return now >= deadline; }
};

}  // namespace mercato::http
