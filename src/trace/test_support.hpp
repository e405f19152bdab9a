#pragma once
// Helpers for the tests that check what code records as spans (unit tests of any folder and
// tests/integration); no service includes this.

#include <cstddef>
#include <mutex>
#include <string_view>
#include <vector>

#include "trace/span_data.hpp"
#include "trace/tracer.hpp"

namespace mercato::trace::testing {

/// Keeps every span the tracer exports, batch after batch, in one list (the exporter thread
/// submits while the test reads: guarded by m).
struct SpanList : SpanSink {
  std::mutex m;
  std::vector<SpanData> spans;

  void submit(std::vector<SpanData> batch) override {
    std::lock_guard lock(m);
    for (auto& s : batch) spans.push_back(std::move(s));
  }

  /// The nth (from 0) span named `name`, or nullptr.
  const SpanData* named(std::string_view name, std::size_t nth = 0) {
    std::lock_guard lock(m);
    for (const auto& s : spans)
      if (s.name == name && nth-- == 0) return &s;
    return nullptr;
  }
};

/// Keeps each exported batch (one finished trace) apart, in the order they came.
struct TraceList : SpanSink {
  std::mutex m;
  std::vector<std::vector<SpanData>> traces;

  void submit(std::vector<SpanData> spans) override {
    std::lock_guard lock(m);
    traces.push_back(std::move(spans));
  }

  std::size_t size() {
    std::lock_guard lock(m);
    return traces.size();
  }
};

}  // namespace mercato::trace::testing
