#include "http/deadline.hpp"

#include "http/envelope.hpp"

namespace mercato::http {

std::optional<std::chrono::milliseconds> parse_budget(std::string_view text) {
  // Nine digits bound the value (about 11.5 days) long before an int64 could overflow; the
  // service's own limit cuts it down further.
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::int64_t ms = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  return std::chrono::milliseconds(ms);
}

Clock::time_point deadline_for(const Request& req, std::chrono::milliseconds own_limit,
                               const TrustedProxies& trusted, Clock::time_point now) {
  auto limit = own_limit;
  if (auto given = req.header(deadline_header); given && trusted.contains(req.remote_addr)) {
    if (auto budget = parse_budget(*given)) limit = std::min(limit, *budget);
  }
  return now + limit;
}

std::optional<std::chrono::milliseconds> budget_to_send(Clock::time_point deadline, Clock::time_point now,
                                                        std::chrono::milliseconds margin) {
  if (deadline <= now) return std::nullopt;
  const auto left = std::chrono::floor<std::chrono::milliseconds>(deadline - now) - margin;
  if (left <= std::chrono::milliseconds::zero()) return std::nullopt;
  // What parse_budget accepts at most, so even a request without a deadline (max) sends a
  // value the next hop reads rather than ignores.
  return std::min(left, std::chrono::milliseconds(999'999'999));
}

Hooks deadline(std::chrono::milliseconds own_limit, TrustedProxies trusted) {
  return {.before = [own_limit, trusted = std::move(trusted)](Request& req) -> std::optional<Response> {
    const auto now = req.context.received_or_now();
    req.context.deadline = deadline_for(req, own_limit, trusted, now);
    if (req.context.expired(now))
      return error_response(Error{ErrorCode::gateway_timeout, "the request's time budget was spent before it arrived"});
    return std::nullopt;
  }};
}

}  // namespace mercato::http
