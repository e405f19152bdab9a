#pragma once
// The variables of tracing (config::Group "tracing", listed by every service): OpenTelemetry's
// standard names (OTEL_*) for the exporter, the batch processor and the sampler, so an operator
// configures Mercato as any other OpenTelemetry SDK, plus Mercato's tail rules (TRACES_*).
// service::Tracing (src/service/tracing.hpp) builds the exporter and the Tracer from them.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace mercato::trace {

/// OTEL_* and TRACES_* → Settings::tracing.
const config::Group& tracing_config();

/// `key=value,key=value` with percent-encoded values, the form of OTEL_RESOURCE_ATTRIBUTES and
/// OTEL_EXPORTER_OTLP_HEADERS (W3C Baggage without properties). Blanks around items, keys and
/// values are trimmed, empty items skipped. nullopt when an item has no '=', an empty key, or a
/// '%' not followed by two hex digits; `bad_item` (1-based) then names the item.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_key_values(std::string_view text,
                                                                                 std::size_t* bad_item = nullptr);

/// An http:// URL split for the exporter: host (an IPv6 address without its brackets), port
/// (80 when absent) and path ("" when absent; no query or fragment).
struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string path;
};
/// nullopt, with the reason in `why`, for anything but http://host[:port][/path] on a valid
/// host name, IPv4 address or [IPv6] address (no user info, query or fragment).
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* why = nullptr);

}  // namespace mercato::trace
