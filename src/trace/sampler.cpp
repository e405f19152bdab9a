#include "trace/sampler.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace mercato::trace {

Sampler::Sampler(Rule rule, double ratio, bool parent_based)
    : rule_(rule), ratio_(ratio), parent_based_(parent_based) {
  if (!(ratio_ >= 0.0)) ratio_ = 0.0;  // also NaN
  if (ratio_ > 1.0) ratio_ = 1.0;
  // 2^64 * ratio, saturated: ratio 1.0 samples every id, 0.0 none.
  const long double scaled = static_cast<long double>(ratio_) * 18446744073709551616.0L;
  bound_ = ratio_ >= 1.0 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(scaled);
}

std::optional<Sampler> Sampler::parse(std::string_view name, std::string_view arg) {
  bool parent_based = false;
  if (name.starts_with("parentbased_")) {
    parent_based = true;
    name.remove_prefix(12);
  }
  if (name == "always_on") return Sampler(Rule::always_on, 1.0, parent_based);
  if (name == "always_off") return Sampler(Rule::always_off, 0.0, parent_based);
  if (name != "traceidratio") return std::nullopt;
  double ratio = 1.0;
  if (!arg.empty()) {
    const auto* end = arg.data() + arg.size();
    auto [p, ec] = std::from_chars(arg.data(), end, ratio);
    if (ec != std::errc{} || p != end || !std::isfinite(ratio) || ratio < 0.0 || ratio > 1.0) return std::nullopt;
  }
  return Sampler(Rule::ratio, ratio, parent_based);
}

bool Sampler::sample(const TraceId& trace_id, const std::optional<SpanContext>& parent, bool trusted) const {
  if (parent_based_ && parent && trusted) return parent->sampled;
  switch (rule_) {
    case Rule::always_on: return true;
    case Rule::always_off: return false;
    case Rule::ratio:
      // The trace id's random low bytes, so every service that decides by the same ratio
      // decides the same way for the same trace.
      return ratio_ >= 1.0 || trace_id.low64() < bound_;
  }
  return false;
}

}  // namespace mercato::trace
