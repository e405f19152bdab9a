#pragma once
// Head sampling, with OpenTelemetry's names and rules (OTEL_TRACES_SAMPLER / _ARG):
//   always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off,
//   parentbased_traceidratio.
// The parent-based samplers follow the caller's sampled flag, but only a caller the service
// trusts (TRUSTED_PROXIES): anyone else could otherwise make every request of a flood
// expensive by setting the flag, or hide theirs by clearing it. An untrusted caller's trace id
// is kept (a browser click can still be followed) and the service decides by its own rule.

#include <optional>
#include <string_view>

#include "trace/context.hpp"

namespace mercato::trace {

class Sampler {
 public:
  enum class Rule { always_on, always_off, ratio };

  /// `rule` for a root (and for an untrusted parent); `parent_based` follows a trusted parent.
  Sampler(Rule rule = Rule::always_on, double ratio = 1.0, bool parent_based = true);

  /// Parses OTEL_TRACES_SAMPLER's value and OTEL_TRACES_SAMPLER_ARG (the ratio, 0–1, for the
  /// *traceidratio rules; empty = 1.0 as the specification says). nullopt for an unknown name
  /// or a bad ratio.
  static std::optional<Sampler> parse(std::string_view name, std::string_view arg);

  /// The head decision for a trace `trace_id` whose caller sent `parent` (nullopt: none),
  /// `trusted` telling whether that caller may decide for us.
  bool sample(const TraceId& trace_id, const std::optional<SpanContext>& parent, bool trusted) const;

  Rule rule() const { return rule_; }
  double ratio() const { return ratio_; }
  bool parent_based() const { return parent_based_; }

 private:
  Rule rule_;
  double ratio_;
  bool parent_based_;
  std::uint64_t bound_;  // sampled when trace_id.low64() < bound_ (ratio rule)
};

}  // namespace mercato::trace
