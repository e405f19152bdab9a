#include "trace/tracing_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "core/json.hpp"
#include "trace/sampler.hpp"

namespace mercato::trace {
namespace {

using K = config::Kind;
using namespace config::units;

// The standard variables keep the specification's formats (integers in milliseconds, not
// Mercato's "5s"), so a deployment's existing OTEL_* settings mean the same here.
constexpr config::VarSpec kVars[] = {
    {"OTEL_SDK_DISABLED", K::boolean, "false",
     "true turns tracing off entirely: nothing is recorded or exported (trace ids are still made, propagated and "
     "logged)"},
    {"OTEL_SERVICE_NAME", K::string, "",
     "service.name of the exported spans (empty: the service's own name, gateway|catalog|identity); set it per "
     "process, not for a whole stack"},
    {"OTEL_RESOURCE_ATTRIBUTES", K::string, "",
     "more resource attributes of the exported spans, key=value pairs separated by commas with percent-encoded "
     "values (deployment.environment.name=prod,service.namespace=shop)"},
    {"OTEL_TRACES_EXPORTER", K::string, "",
     "otlp or none; empty: otlp when an endpoint is set, else none — with no endpoint nothing is recorded, trace "
     "ids still propagate"},
    {"OTEL_EXPORTER_OTLP_ENDPOINT", K::string, "",
     "OTLP/HTTP receiver as http://host:port[/path]; spans go to its path followed by /v1/traces (with OTEL_TRACES_EXPORTER=otlp "
     "and no endpoint: http://localhost:4318). Plain HTTP only: send to a local collector"},
    {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", K::string, "",
     "full URL spans are POSTed to, used as is (overrides OTEL_EXPORTER_OTLP_ENDPOINT)"},
    // http/json by default, not the specification's http/protobuf: a receiver or a person
    // reading a capture can check JSON by eye, and every OTLP/HTTP receiver takes both.
    {"OTEL_EXPORTER_OTLP_PROTOCOL", K::string, "http/json",
     "OTLP encoding: http/json or http/protobuf (about half the bytes); grpc is refused at start"},
    {"OTEL_EXPORTER_OTLP_TIMEOUT", K::integer, "10000",
     "milliseconds one export may take, connect, write and answer included; a batch that misses it is dropped",
     {}, 1, 600'000},
    {"OTEL_EXPORTER_OTLP_HEADERS", K::string, "",
     "headers sent with every export, key=value pairs separated by commas with percent-encoded values (a "
     "collector's credential: never logged)"},
    {"OTEL_BSP_MAX_QUEUE_SIZE", K::integer, "2048",
     "spans waiting for export at most; when full, new spans are dropped and counted "
     "(tracing_spans_dropped_total{reason=\"queue_full\"})",
     {}, 1, 1'000'000},
    {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", K::integer, "512",
     "spans per export at most; at most OTEL_BSP_MAX_QUEUE_SIZE", {}, 1, 1'000'000},
    {"OTEL_BSP_SCHEDULE_DELAY", K::integer, "5000",
     "milliseconds between exports (a full batch goes at once)", {}, 1, 3'600'000},
    {"OTEL_TRACES_SAMPLER", K::choice, "parentbased_always_on",
     "head sampling rule; parentbased_* follow the sampled flag of a trusted caller (TRUSTED_PROXIES) only",
     "always_on|always_off|traceidratio|parentbased_always_on|parentbased_always_off|parentbased_traceidratio"},
    {"OTEL_TRACES_SAMPLER_ARG", K::string, "",
     "the ratio of traces kept by the *traceidratio samplers, 0 to 1 (empty: 1)"},
    {"TRACES_SLOW_THRESHOLD", K::duration, "1s",
     "a request whose server span lasts longer is exported even when head sampling dropped it (0: no such rule)",
     {}, 0, kHour},
    {"TRACES_KEEP_ERRORS", K::boolean, "true",
     "a request with a failed span is exported even when head sampling dropped it"},
};

constexpr std::string_view kDefaultEndpoint = "http://localhost:4318";  // the specification's

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    const int hi = i + 1 < in.size() ? hex_digit(in[i + 1]) : -1;
    const int lo = i + 2 < in.size() ? hex_digit(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return true;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 1123 host name: dot-separated labels of letters, digits and '-', none starting or
// ending with '-', at most 63 bytes each and 253 in all.
bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  if (h.back() == '.') h.remove_suffix(1);
  while (!h.empty()) {
    const auto dot = h.find('.');
    const auto label = h.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    if (dot == std::string_view::npos) break;
    h.remove_prefix(dot + 1);
    if (h.empty()) return false;
  }
  return true;
}

bool is_ip(int family, std::string_view text) {
  unsigned char buf[16];
  return inet_pton(family, std::string(text).c_str(), buf) == 1;
}

std::string shown(std::string_view value) {
  std::string out;
  json::append_quoted(out, value.size() > 100 ? std::string(value.substr(0, 100)) + "..." : std::string(value));
  return out;
}

void load(config::Reader& r, config::Settings& s) {
  auto& t = s.tracing;
  const bool disabled = r.boolean("OTEL_SDK_DISABLED");
  t.service_name = r.string("OTEL_SERVICE_NAME");

  const std::string resource = r.string("OTEL_RESOURCE_ATTRIBUTES");
  std::size_t bad = 0;
  if (auto kv = parse_key_values(resource, &bad)) {
    t.resource_attributes = std::move(*kv);
  } else {
    r.fail_rule("OTEL_RESOURCE_ATTRIBUTES=" + shown(resource) + ": item " + std::to_string(bad) +
                " is not key=value with a percent-encoded value");
  }

  std::string exporter = r.string("OTEL_TRACES_EXPORTER");
  std::transform(exporter.begin(), exporter.end(), exporter.begin(), [](unsigned char c) { return std::tolower(c); });
  exporter = std::string(trim(exporter));
  if (!exporter.empty() && exporter != "otlp" && exporter != "none")
    r.fail_rule("OTEL_TRACES_EXPORTER=" + shown(exporter) + ": expected otlp or none (the only exporters built in)");

  // An endpoint is checked even when nothing exports: a mistake is worth reporting now, not
  // when someone turns tracing on.
  const std::string base = r.string("OTEL_EXPORTER_OTLP_ENDPOINT");
  const std::string traces = r.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  auto endpoint_of = [&](std::string_view name, const std::string& value) -> std::optional<HttpUrl> {
    std::string why;
    auto url = parse_http_url(value, &why);
    // A URL with user info could carry a password: never echo it.
    if (!url) r.fail_rule(std::string(name) + "=" + (value.find('@') == std::string::npos ? shown(value) : "(not shown)") + ": " + why);
    return url;
  };
  std::optional<HttpUrl> endpoint;
  if (!traces.empty()) {
    endpoint = endpoint_of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces);
    if (endpoint && endpoint->path.empty()) endpoint->path = "/";
  }
  if (!base.empty()) {
    auto b = endpoint_of("OTEL_EXPORTER_OTLP_ENDPOINT", base);
    if (b && !endpoint) {
      // The specification: the signal's path is appended to the base URL's path.
      while (!b->path.empty() && b->path.back() == '/') b->path.pop_back();
      b->path += "/v1/traces";
      endpoint = b;
    }
  }
  const bool endpoint_set = endpoint.has_value();
  if (!endpoint) {
    endpoint = parse_http_url(kDefaultEndpoint);
    endpoint->path = "/v1/traces";
  }
  t.endpoint = {endpoint->host, endpoint->port};
  t.endpoint_path = endpoint->path;

  const std::string protocol = r.string("OTEL_EXPORTER_OTLP_PROTOCOL");
  t.protobuf = protocol == "http/protobuf";
  if (protocol != "http/json" && protocol != "http/protobuf")
    r.fail_rule("OTEL_EXPORTER_OTLP_PROTOCOL=" + shown(protocol) +
                ": expected http/json or http/protobuf (OTLP over gRPC is not implemented; every OTLP receiver "
                "takes OTLP/HTTP, on port 4318)");

  t.export_timeout = config::Duration{r.integer("OTEL_EXPORTER_OTLP_TIMEOUT")};

  // The value is often a credential: an error names the item, never its text.
  const std::string headers = r.string("OTEL_EXPORTER_OTLP_HEADERS");
  if (auto kv = parse_key_values(headers, &bad)) {
    for (std::size_t i = 0; i < kv->size(); ++i) {
      const auto& [key, value] = (*kv)[i];
      const bool name_ok = std::all_of(key.begin(), key.end(), is_token_char);
      const bool value_ok = std::none_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
      std::string lower = key;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      const bool framing = lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
                           lower == "content-type" || lower == "host";
      if (!name_ok || !value_ok || framing) {
        r.fail_rule("OTEL_EXPORTER_OTLP_HEADERS: item " + std::to_string(i + 1) +
                    (framing ? " sets a header the exporter writes itself"
                             : " is not a header name with a value free of CR, LF and NUL") +
                    " (values are not shown: they may be credentials)");
        break;
      }
    }
    t.headers = std::move(*kv);
  } else {
    r.fail_rule("OTEL_EXPORTER_OTLP_HEADERS: item " + std::to_string(bad) +
                " is not key=value with a percent-encoded value (values are not shown: they may be credentials)");
  }

  t.max_queue_size = r.integer("OTEL_BSP_MAX_QUEUE_SIZE");
  t.max_export_batch_size = r.at_most("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", r.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
                                      "OTEL_BSP_MAX_QUEUE_SIZE", t.max_queue_size);
  t.schedule_delay = config::Duration{r.integer("OTEL_BSP_SCHEDULE_DELAY")};

  t.sampler = r.choice("OTEL_TRACES_SAMPLER");
  t.sampler_arg = std::string(trim(r.string("OTEL_TRACES_SAMPLER_ARG")));
  if (!t.sampler.empty() && !Sampler::parse(t.sampler, t.sampler_arg))
    r.fail_rule("OTEL_TRACES_SAMPLER_ARG=" + shown(t.sampler_arg) + ": expected a ratio from 0 to 1 for " +
                "OTEL_TRACES_SAMPLER=" + t.sampler);

  t.slow_threshold = r.duration("TRACES_SLOW_THRESHOLD");
  t.keep_errors = r.boolean("TRACES_KEEP_ERRORS");

  t.exporting = !disabled && (exporter == "otlp" || (exporter.empty() && endpoint_set));
}

constexpr config::Group kGroup{"tracing", "src/trace/tracing_config.cpp", kVars, load};

}  // namespace

const config::Group& tracing_config() { return kGroup; }

std::optional<std::vector<std::pair<std::string, std::string>>> parse_key_values(std::string_view text,
                                                                                 std::size_t* bad_item) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t index = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    ++index;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    std::string key, value;
    if (eq == std::string_view::npos || trim(item.substr(0, eq)).empty() ||
        !percent_decode(trim(item.substr(0, eq)), key) || !percent_decode(trim(item.substr(eq + 1)), value)) {
      if (bad_item != nullptr) *bad_item = index;
      return std::nullopt;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* why) {
  auto refuse = [why](std::string reason) -> std::optional<HttpUrl> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  constexpr std::string_view kExpected = "expected http://host:port[/path]";
  auto starts_with_ci = [&](std::string_view prefix) {
    return url.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), url.begin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  };
  if (starts_with_ci("https://"))
    return refuse("https is not supported (the exporter has no TLS): send to a collector on this host or network "
                  "over http:// and let it forward over TLS");
  if (!starts_with_ci("http://")) return refuse(std::string(kExpected));
  std::string_view rest = url.substr(7);
  const auto path_at = rest.find('/');
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) return refuse(std::string(kExpected) + " without user info");
  if (authority.find_first_of("?#") != std::string_view::npos || path.find_first_of("?#") != std::string_view::npos)
    return refuse(std::string(kExpected) + " without a query or fragment");
  for (char c : path)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return refuse(std::string(kExpected) + ": the path has a space or a control character");
  HttpUrl out;
  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse(std::string(kExpected) + ": unclosed [");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return refuse(std::string(kExpected));
    if (!after.empty()) port = after.substr(1);
    if (!is_ip(AF_INET6, host)) return refuse(std::string(kExpected) + ": not an IPv6 address in brackets");
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (!is_ip(AF_INET, host) && !valid_host_name(host))
      return refuse(std::string(kExpected) + ": not a valid host name or IP address");
  }
  const bool port_given = authority.find(':', authority.find(']') == std::string_view::npos ? 0 : authority.find(']')) !=
                          std::string_view::npos;
  if (port_given && port.empty()) return refuse(std::string(kExpected) + ": empty port");
  if (!port.empty()) {
    unsigned value = 0;
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return refuse(std::string(kExpected) + ": the port must be 1-65535");
    for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
    if (value < 1 || value > 65535) return refuse(std::string(kExpected) + ": the port must be 1-65535");
    out.port = static_cast<std::uint16_t>(value);
  }
  out.host = std::string(host);
  out.path = std::string(path);
  return out;
}

}  // namespace mercato::trace
