#pragma once
// What one request carries through every layer besides its bytes: the time by which it must
// be answered, and a slot for the trace context. The server creates one with each Request
// (http::Request::context); the `deadline` middleware fills it in. The request id and the
// principal stay on Request itself (request_id, principal), where the existing middleware
// already puts them. Design: docs/architecture.md#request-deadline.

#include <chrono>
#include <optional>
#include <string>

namespace mercato::http {

using Clock = std::chrono::steady_clock;

/// A future trace context (W3C traceparent); empty until tracing exists.
struct TraceContext {
  std::optional<std::string> traceparent;
};

struct RequestContext {
  /// When the answer is due, on this host's steady clock. time_point::max() until the
  /// `deadline` middleware ran (a request built by hand in a test has no deadline).
  Clock::time_point deadline = Clock::time_point::max();
  TraceContext trace;

  /// Time left before the deadline; zero once it passed.
  Clock::duration remaining(Clock::time_point now = Clock::now()) const {
    return deadline > now ? deadline - now : Clock::duration::zero();
  }
  bool expired(Clock::time_point now = Clock::now()) const { return now >= deadline; }
};

}  // namespace mercato::http
