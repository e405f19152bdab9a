#include "services/gateway/ops_config.hpp"

#include <charconv>

namespace mercato::gateway {
namespace {

using K = config::Kind;

constexpr config::VarSpec kVars[] = {
    // The driver sets it to the stack's own Prometheus; Prometheus itself stays on loopback and
    // is never proxied: the gateway runs only the fixed queries of ops_panels.cpp.
    {"PROMETHEUS_URL", K::string, "",
     "Prometheus HTTP API the admins' operations view reads, http://host:port (empty: the /api/v1/admin/ops endpoints answer 503)"},
};

void load(config::Reader& r, config::Settings& s) {
  s.prometheus_url = r.string("PROMETHEUS_URL");
  if (auto p = parse_prometheus_url(s.prometheus_url); !p)
    r.fail_rule("PROMETHEUS_URL=\"" + s.prometheus_url + "\": " + p.error().message);
}

constexpr config::Group kGroup{"ops", "src/services/gateway/ops_config.cpp", kVars, load};

}  // namespace

const config::Group& ops_config() { return kGroup; }

Result<std::optional<PrometheusEndpoint>> parse_prometheus_url(std::string_view text) {
  if (text.empty()) return std::optional<PrometheusEndpoint>{};
  constexpr std::string_view scheme = "http://";
  if (!text.starts_with(scheme)) return bad_request("expected http://host:port (plain HTTP; the client has no TLS)");
  std::string_view rest = text.substr(scheme.size());
  if (rest.find_first_of("?#@ \t") != std::string_view::npos)
    return bad_request("expected http://host:port[/prefix] without user, query or fragment");
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  PrometheusEndpoint e;
  e.address.port = 80;
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_request("an IPv6 host must end with ]");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_request("expected :port after the IPv6 host");
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad_request("the host is missing");
  if (!port.empty() || authority.ends_with(':')) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || n < 1 || n > 65535)
      return bad_request("expected a port number 1-65535");
    e.address.port = static_cast<std::uint16_t>(n);
  }
  e.address.host = std::string(host);
  e.path_prefix = std::string(path);
  return std::optional<PrometheusEndpoint>(std::move(e));
}

}  // namespace mercato::gateway
