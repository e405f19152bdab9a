#pragma once
// The request deadline: where it comes from, and what a hop passes on.
//
// A caller that already spent part of a request's time tells the next hop how much is left in
// X-Request-Deadline-Ms, as a relative budget in milliseconds (hosts' clocks differ, so never
// an absolute time). A service believes it only from a peer listed in TRUSTED_PROXIES (anyone
// else could otherwise ask it to work for an hour), and never for longer than its own limit.
// The gateway starts the budget at UPSTREAM_TIMEOUT; each hop sends what remains minus a small
// margin, so the callee gives up (and cancels its statement) before the caller stops waiting.
// Design: docs/architecture.md#request-deadline.

#include <chrono>
#include <optional>
#include <string_view>

#include "http/client_address.hpp"
#include "http/handler.hpp"
#include "http/message.hpp"

namespace mercato::http {

inline constexpr std::string_view deadline_header = "X-Request-Deadline-Ms";

/// What a hop keeps for itself out of the budget it passes on: the time to carry the callee's
/// answer back (a loopback round trip is well under 1 ms; this leaves room for a busy host).
inline constexpr std::chrono::milliseconds hop_margin{50};

/// The budget in a X-Request-Deadline-Ms value: 1–9 ASCII digits (0 is a spent budget).
/// nullopt for anything else: empty, a sign, spaces, a fraction, more digits.
std::optional<std::chrono::milliseconds> parse_budget(std::string_view text);

/// The deadline of `req` received at `now`: now + own_limit, shortened to now + the budget of
/// its X-Request-Deadline-Ms when the peer is trusted and the value is well-formed. A bad or
/// untrusted value is ignored (the request still gets the service's own limit).
Clock::time_point deadline_for(const Request& req, std::chrono::milliseconds own_limit,
                               const TrustedProxies& trusted, Clock::time_point now);

/// The X-Request-Deadline-Ms to send on a call made for a request due at `deadline`: what
/// remains at `now` minus `margin`, rounded down to whole milliseconds. nullopt when nothing
/// would remain: the call should not be made.
std::optional<std::chrono::milliseconds> budget_to_send(Clock::time_point deadline, Clock::time_point now,
                                                        std::chrono::milliseconds margin = hop_margin);

/// Sets req.context.deadline (see deadline_for) and answers 504 `gateway_timeout` at once when
/// it has already passed (a caller that sent a spent budget), without running the handler.
Hooks deadline(std::chrono::milliseconds own_limit, TrustedProxies trusted);

}  // namespace mercato::http
