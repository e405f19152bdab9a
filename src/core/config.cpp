#include "core/config.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/ip_block.hpp"
#include "core/json.hpp"

namespace mercato::config {
namespace {

using namespace units;
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

using K = Kind;

// Bounds (min/max) are the last two fields of a VarSpec: integers in their unit, durations
// in ms, sizes in bytes. Defaults are parsed by the same code as the environment, so a bad
// default fails the unit tests (every service's groups load with no variable set). An unset or
// empty variable takes its default; variables for which empty means something (passwords)
// therefore default to empty.
constexpr VarSpec kCoreVars[] = {
    {"ENVIRONMENT", K::choice, "development",
     "deployment environment; production refuses to start without the secrets and TLS each service needs",
     "development|test|production"},
    {"LOG_LEVEL", K::level, "info", "lowest level written to the log: debug|info|warn|error|off"},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto pos = s.find(sep);
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return parts;
    s.remove_prefix(pos + 1);
  }
}

// Digits only (no sign, no spaces), fitting in uint64.
bool parse_unsigned(std::string_view s, std::uint64_t& out) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), is_digit)) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_port(std::string_view s, std::uint16_t& out) {
  std::uint64_t v = 0;
  if (!parse_unsigned(s, v) || v < 1 || v > 65535) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

bool parse_integer(std::string_view s, std::int64_t& out) {
  if (s.empty() || !(is_digit(s[0]) || (s[0] == '-' && s.size() > 1))) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool parse_bool(std::string_view s, bool& out) {
  for (auto t : {"true", "1", "yes", "on"})
    if (iequals(s, t)) return out = true, true;
  for (auto f : {"false", "0", "no", "off"})
    if (iequals(s, f)) return out = false, true;
  return false;
}

bool valid_host(std::string_view h) {
  return !h.empty() && std::none_of(h.begin(), h.end(), [](char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '/' || c == '@' || static_cast<unsigned char>(c) < 0x20;
  });
}

// "h:p" or "[v6]:p".
bool parse_host_port(std::string_view item, HostPort& out) {
  std::string_view host, port;
  if (!item.empty() && item.front() == '[') {
    const auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':') return false;
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
  } else {
    const auto colon = item.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 needs brackets
  }
  std::uint16_t p = 0;
  if (!valid_host(host) || !parse_port(port, p)) return false;
  out = {std::string(host), p};
  return true;
}

// "gateway=8080,catalog=8081,*=8080": every comma-separated part is service=value.
bool is_per_service(std::string_view d) {
  if (d.find('=') == std::string_view::npos) return false;
  for (auto part : split(d, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    for (char c : part.substr(0, eq))
      if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '*')) return false;
  }
  return true;
}

std::string_view service_default(const VarSpec& v, std::string_view service) {
  if (!is_per_service(v.default_value)) return v.default_value;
  std::string_view any;
  for (auto part : split(v.default_value, ',')) {
    const auto eq = part.find('=');
    const auto who = part.substr(0, eq);
    if (who == service) return part.substr(eq + 1);
    if (who == "*") any = part.substr(eq + 1);
  }
  return any;
}

std::string format_duration(std::int64_t ms) {
  if (ms == 0) return "0";
  std::string out;
  const std::pair<std::int64_t, const char*> units[] = {{kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}, {1, "ms"}};
  for (auto [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

std::string format_bytes(std::int64_t n) {
  const std::pair<std::int64_t, const char*> units[] = {{kGiB, "GiB"}, {1024 * kKiB, "MiB"}, {kKiB, "KiB"}};
  for (auto [size, name] : units)
    if (n >= size && n % size == 0) return std::to_string(n / size) + name;
  return std::to_string(n);
}

// "from 1ms to 1h", "at least 1KiB"; `fmt` renders a bound in the kind's unit.
template <class Fmt>
std::string range_text(const VarSpec& v, Fmt fmt) {
  if (v.max < 0) return "at least " + fmt(v.min);
  return "from " + fmt(v.min) + " to " + fmt(v.max);
}

bool canonical_ip(std::string_view text, std::string& out) {
  const std::string s(text);
  unsigned char addr[16];
  char buf[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, s.c_str(), addr) == 1 && inet_ntop(family, addr, buf, sizeof buf) != nullptr) {
      out = buf;
      return true;
    }
  }
  return false;
}

// An IP address, or a CIDR block such as 10.244.0.0/16 (a Kubernetes pod network, whose
// addresses change with every pod) in canonical text with the host bits cleared. A /0 block is
// refused: it would trust every peer's X-Forwarded-For, which is never what was meant.
bool canonical_ip_or_block(std::string_view text, std::string& out) {
  if (text.find('/') == std::string_view::npos) return canonical_ip(text, out);
  const auto block = parse_ip_block(text);
  if (!block) return false;
  out = to_string(*block);
  return !out.empty();
}

bool valid_origin(std::string_view o) {
  if (o == "*") return true;
  const auto scheme_end = o.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  const auto rest = o.substr(scheme_end + 3);
  // Browsers send Origin without a path, so "http://x/" would never match anything.
  return !rest.empty() && rest.find('/') == std::string_view::npos && valid_host(rest);
}

bool canonical_origin(std::string_view text, std::string& out) {
  if (!valid_origin(text)) return false;
  out = text;
  return true;
}

/// Comma-separated items (blank ones skipped), each through `canonical`; on the first item it
/// refuses, false and `out` left empty.
bool list_items(std::string_view text, std::vector<std::string>& out,
                bool (*canonical)(std::string_view, std::string&)) {
  for (auto item : split(text, ',')) {
    const auto t = trim(item);
    if (t.empty()) continue;
    std::string c;
    if (!canonical(t, c)) {
      out.clear();
      return false;
    }
    out.push_back(std::move(c));
  }
  return true;
}

std::string kind_name(Kind k) {
  switch (k) {
    case Kind::string: return "string";
    case Kind::integer: return "integer";
    case Kind::port: return "port";
    case Kind::duration: return "duration";
    case Kind::boolean: return "boolean";
    case Kind::string_list: return "list";
    case Kind::byte_size: return "bytes";
    case Kind::level: return "level";
    case Kind::choice: return "choice";
    case Kind::http_date: return "HTTP-date";
  }
  return "string";
}

/// The accepted range in the kind's unit, or empty when the type alone bounds it.
std::string range_of(const VarSpec& v) {
  switch (v.kind) {
    case Kind::integer:
      return std::to_string(v.min) + "-" + std::to_string(v.max < 0 ? kIntMax : v.max);
    case Kind::duration:
      return v.max < 0 ? ">= " + format_duration(v.min) : format_duration(v.min) + "-" + format_duration(v.max);
    case Kind::byte_size:
      return v.max < 0 ? ">= " + format_bytes(v.min) : format_bytes(v.min) + "-" + format_bytes(v.max);
    case Kind::port:
      return "1-65535";
    case Kind::choice:
      return std::string(v.choices);
    default:
      return {};
  }
}

}  // namespace



bool parse_duration(std::string_view text, Duration& out) {
  if (text == "0") {
    out = Duration{0};
    return true;
  }
  if (text.empty()) return false;
  struct Unit {
    std::string_view suffix;
    std::int64_t ms;
    int rank;  // units must appear in increasing rank: largest first, each once
  };
  // "ms" before "m" so the longer suffix wins.
  static constexpr Unit kUnits[] = {{"h", kHour, 0}, {"ms", 1, 3}, {"m", kMinute, 1}, {"s", kSecond, 2}};
  std::int64_t total = 0;
  int last_rank = -1;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) ++digits;
    std::uint64_t n = 0;
    if (!parse_unsigned(text.substr(0, digits), n) || n > static_cast<std::uint64_t>(INT64_MAX)) return false;
    text.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (!unit || unit->rank <= last_rank) return false;
    last_rank = unit->rank;
    text.remove_prefix(unit->suffix.size());
    std::int64_t part = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(n), unit->ms, &part) ||
        __builtin_add_overflow(total, part, &total))
      return false;
  }
  out = Duration{total};
  return true;
}

bool parse_byte_size(std::string_view text, std::size_t& out) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  std::uint64_t n = 0;
  if (!parse_unsigned(text.substr(0, digits), n)) return false;
  const std::string_view unit = text.substr(digits);
  struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},          {"B", 1},
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
      {"KB", 1000},     {"MB", 1000'000},   {"GB", 1000'000'000}, {"TB", 1000'000'000'000},
  };
  for (const auto& u : kUnits) {
    if (unit == u.suffix) {
      std::uint64_t v = 0;
      if (__builtin_mul_overflow(n, u.factor, &v) || v > std::numeric_limits<std::size_t>::max()) return false;
      out = static_cast<std::size_t>(v);
      return true;
    }
  }
  return false;
}

bool parse_host_list(std::string_view text, std::vector<HostPort>& out) {
  std::vector<HostPort> hosts;
  if (!trim(text).empty()) {
    for (auto item : split(text, ',')) {
      HostPort hp;
      if (!parse_host_port(trim(item), hp)) return false;
      hosts.push_back(std::move(hp));
    }
  }
  out = std::move(hosts);
  return true;
}

bool parse_http_date(std::string_view text, std::int64_t& unix_seconds) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": every field at a fixed offset.
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return false;
  auto number = [&](std::size_t pos, std::size_t len, unsigned& out) {
    std::uint64_t v = 0;
    if (!parse_unsigned(text.substr(pos, len), v)) return false;
    out = static_cast<unsigned>(v);
    return true;
  };
  unsigned day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!number(5, 2, day) || !number(12, 4, year) || !number(17, 2, hour) || !number(20, 2, minute) ||
      !number(23, 2, second) || hour > 23 || minute > 59 || second > 60)
    return false;
  unsigned month = 0;
  while (month < 12 && kMonths[month] != text.substr(8, 3)) ++month;
  if (month == 12) return false;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)), std::chrono::month(month + 1),
                                         std::chrono::day(day)};
  if (!date.ok()) return false;
  const std::chrono::sys_days days{date};
  if (kDays[std::chrono::weekday(days).c_encoding()] != text.substr(0, 3)) return false;
  unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(days.time_since_epoch()).count() + hour * 3600 +
                 minute * 60 + second;
  return true;
}

std::string_view default_for(const VarSpec& v, std::string_view service) { return service_default(v, service); }

// ---- Reader ----

void Reader::begin(const Group& group) {
  group_ = &group;
  consumed_.assign(group.vars.size(), false);
}

void Reader::end() {
  if (failed() || group_ == nullptr) return;
  for (std::size_t i = 0; i < consumed_.size(); ++i) {
    if (!consumed_[i]) {
      error_ = Error{ErrorCode::internal, "config: " + std::string(group_->vars[i].name) + " (group " +
                                              std::string(group_->name) + ") is declared but never read"};
      return;
    }
  }
}

const VarSpec& Reader::find(std::string_view name) const {
  if (group_ != nullptr)
    for (const auto& v : group_->vars)
      if (v.name == name) return v;
  throw std::logic_error("config: " + std::string(name) + " is not declared in group " +
                         std::string(group_ ? group_->name : "(none)"));
}

bool Reader::is_set(std::string_view name) const {
  const char* v = getenv_(std::string(name).c_str());
  return v != nullptr && *v != '\0';
}

Reader::Raw Reader::take(std::string_view name, Kind kind) {
  const VarSpec& spec = find(name);
  if (spec.kind != kind) throw std::logic_error("config: " + std::string(name) + " read as the wrong kind");
  consumed_[static_cast<std::size_t>(&spec - group_->vars.data())] = true;
  const char* v = getenv_(std::string(name).c_str());
  if (v != nullptr && *v != '\0') return {&spec, v};
  return {&spec, std::string(default_for(spec, service_))};
}

void Reader::fail(const Raw& r, const std::string& expected) {
  if (failed()) return;
  // Quoted and escaped, so a value with a newline still gives one line; cut so a pasted
  // blob does not flood the terminal.
  constexpr std::size_t kMaxShown = 100;
  std::string shown = r.text.size() > kMaxShown ? r.text.substr(0, kMaxShown) + "..." : r.text;
  std::string msg = "config: " + std::string(r.spec->name) + "=";
  json::append_quoted(msg, shown);
  msg += ": " + expected;
  error_ = Error{ErrorCode::bad_request, std::move(msg)};
}

std::string Reader::string(std::string_view name) { return std::string(take(name, K::string).text); }

std::string Reader::string_or(std::string_view name, const std::string& fallback) {
  std::string v = string(name);
  return v.empty() ? fallback : v;
}

std::uint16_t Reader::port_of(const Raw& r) {
  std::uint16_t p = 0;
  if (!failed() && !parse_port(r.text, p)) fail(r, "expected a port number 1-65535");
  return p;
}

std::uint16_t Reader::port(std::string_view name) { return port_of(take(name, K::port)); }

std::uint16_t Reader::port_or(std::string_view name, std::uint16_t fallback) {
  Raw r = take(name, K::port);
  return r.text.empty() ? fallback : port_of(r);
}

int Reader::integer(std::string_view name) {
  Raw r = take(name, K::integer);
  std::int64_t v = 0;
  const std::int64_t max = r.spec->max < 0 ? kIntMax : r.spec->max;
  if (failed()) return 0;
  if (!parse_integer(r.text, v) || v < r.spec->min || v > max) {
    fail(r, "expected an integer " + std::to_string(r.spec->min) + "-" + std::to_string(max));
    return 0;
  }
  return static_cast<int>(v);
}

Duration Reader::duration(std::string_view name) {
  Raw r = take(name, K::duration);
  Duration d{};
  if (failed()) return d;
  if (!parse_duration(r.text, d)) {
    fail(r, "expected a duration such as 500ms, 30s, 15m or 1h30m");
  } else if (d.count() < r.spec->min || (r.spec->max >= 0 && d.count() > r.spec->max)) {
    fail(r, "expected a duration " + range_text(*r.spec, format_duration));
  }
  return d;
}

std::size_t Reader::bytes(std::string_view name) {
  Raw r = take(name, K::byte_size);
  std::size_t n = 0;
  if (failed()) return n;
  if (!parse_byte_size(r.text, n)) {
    fail(r, "expected a byte size such as 1048576, 512KiB, 64MiB or 1GiB");
  } else if (n < static_cast<std::uint64_t>(r.spec->min) ||
             (r.spec->max >= 0 && n > static_cast<std::uint64_t>(r.spec->max))) {
    fail(r, "expected a byte size " + range_text(*r.spec, format_bytes));
  }
  return n;
}

bool Reader::boolean(std::string_view name) {
  Raw r = take(name, K::boolean);
  bool b = false;
  if (!failed() && !parse_bool(r.text, b)) fail(r, "expected true or false");
  return b;
}

std::vector<std::string> Reader::origin_list(std::string_view name) {
  Raw r = take(name, K::string_list);
  std::vector<std::string> origins;
  if (!failed() && !list_items(r.text, origins, canonical_origin))
    fail(r, "expected origins such as http://localhost:3000 (no path) separated by commas, or *");
  return origins;
}

std::vector<std::string> Reader::ip_list(std::string_view name) {
  Raw r = take(name, K::string_list);
  std::vector<std::string> ips;
  if (!failed() && !list_items(r.text, ips, canonical_ip_or_block))
    fail(r, "expected IP addresses or CIDR blocks (not /0) separated by commas, such as 10.0.0.1,10.244.0.0/16");
  return ips;
}

std::string Reader::optional_ip(std::string_view name) {
  Raw r = take(name, K::string);
  std::string ip;
  if (failed() || trim(r.text).empty()) return ip;
  if (!canonical_ip(trim(r.text), ip)) fail(r, "expected one IP address of this host, such as 127.0.0.4");
  return ip;
}

std::string Reader::ip_address(std::string_view name) {
  Raw r = take(name, K::string);
  std::string ip;
  if (!failed() && !canonical_ip(r.text, ip)) fail(r, "expected an IP address such as 127.0.0.1");
  return r.text;
}

std::string Reader::http_date(std::string_view name) {
  Raw r = take(name, K::http_date);
  std::int64_t t = 0;
  if (failed() || r.text.empty()) return {};
  if (!parse_http_date(r.text, t)) fail(r, "expected an HTTP-date such as Sun, 06 Nov 1994 08:49:37 GMT");
  return r.text;
}

log::Level Reader::level(std::string_view name) {
  Raw r = take(name, K::level);
  log::Level l = log::Level::info;
  if (!failed() && !log::parse_level(r.text, l)) fail(r, "expected one of debug|info|warn|error|off");
  return l;
}

std::string Reader::choice(std::string_view name) {
  Raw r = take(name, K::choice);
  if (failed()) return {};
  for (auto c : split(r.spec->choices, '|'))
    if (iequals(r.text, c)) return std::string(c);
  fail(r, "expected one of " + std::string(r.spec->choices));
  return {};
}

std::vector<HostPort> Reader::upstream(std::string_view host_name, std::string_view port_name) {
  Raw r = take(host_name, K::string);
  const std::uint16_t p = port(port_name);
  if (failed()) return {};
  std::vector<HostPort> hosts;
  const std::string_view text = r.text;
  const bool bracketed_host = text.size() > 2 && text.front() == '[' && text.back() == ']';
  if (bracketed_host) {
    hosts.push_back({std::string(text.substr(1, text.size() - 2)), p});
  } else if (text.find_first_of(":,") == std::string_view::npos && valid_host(text)) {
    hosts.push_back({std::string(text), p});
  } else if (!parse_host_list(text, hosts) || hosts.empty()) {
    fail(r, "expected a host, or host:port pairs separated by commas");
  }
  return hosts;
}

std::string Reader::socket_path(std::string_view name) {
  Raw r = take(name, K::string);
  if (failed() || r.text.empty()) return {};
  const std::string& path = r.text;
  if (path.front() != '/' || path.find('\0') != std::string::npos) {
    fail(r, "expected an absolute path such as /run/mercato/catalog.sock");
  } else if (path.size() > kMaxSocketPath) {
    fail(r, "expected a socket file path of at most " + std::to_string(kMaxSocketPath) + " bytes");
  } else if (path.back() == '/') {
    fail(r, "expected the path of a socket file, not of a directory");
  } else {
    // The directory must be there already: the service creates the socket, not its parents
    // (their ownership and mode decide who may reach it).
    const std::string dir = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail(r, "expected a path in an existing directory");
  }
  return path;
}

void Reader::upstream_socket(std::vector<HostPort>& hosts, std::string_view socket_name, std::string_view host_name) {
  std::string path = socket_path(socket_name);
  if (failed() || path.empty() || hosts.empty()) return;
  if (hosts.size() > 1) {
    fail_rule(std::string(socket_name) + " is set, but " + std::string(host_name) + " lists " +
              std::to_string(hosts.size()) + " instances: a socket reaches one instance on this host");
    return;
  }
  hosts.front().socket = std::move(path);
}

int Reader::at_most(std::string_view lower_name, int value, std::string_view upper_name, int upper) {
  if (failed() || value <= upper) return value;
  const VarSpec& spec = find(lower_name);
  if (!is_set(lower_name)) return upper;
  fail(Raw{&spec, std::string(getenv_(std::string(lower_name).c_str()))},
       "expected an integer " + std::to_string(spec.min) + "-" + std::to_string(spec.max) + ", at most " +
           std::string(upper_name) + " (" + std::to_string(upper) + ")");
  return value;
}

void Reader::port_differs(std::string_view name, std::uint16_t value, std::string_view other,
                          std::uint16_t other_value) {
  if (failed() || value != other_value) return;
  const VarSpec& spec = find(name);
  const char* set = getenv_(std::string(name).c_str());
  fail(Raw{&spec, set && *set ? std::string(set) : std::to_string(value)},
       "expected a port other than " + std::string(other) + " (" + std::to_string(other_value) + ")");
}

void Reader::require_in_production(const Settings& s, std::string_view name, const std::string& value,
                                   std::string_view what) {
  if (s.environment == "production" && value.empty())
    fail_rule(std::string(name) + " is empty: ENVIRONMENT=production requires it (" + std::string(what) + ")");
}

void Reader::fail_rule(std::string message) {
  if (!failed()) error_ = Error{ErrorCode::bad_request, "config: " + std::move(message)};
}

// ---- groups ----

namespace {

void load_core(Reader& r, Settings& s) {
  s.environment = r.choice("ENVIRONMENT");
  s.log_level = r.level("LOG_LEVEL");
}

constexpr Group kCoreGroup{"core", "src/core/config.cpp", kCoreVars, load_core};

}  // namespace

const Group& core_group() { return kCoreGroup; }

Status check_groups(const Groups& groups) {
  std::vector<std::string_view> names;
  std::vector<std::pair<std::string_view, std::string_view>> vars;  // variable, group
  auto error = [](std::string message) { return Error{ErrorCode::internal, "config: " + std::move(message)}; };
  for (const Group* g : groups) {
    if (g == nullptr || g->load == nullptr) return error("a group without a loader");
    if (std::find(names.begin(), names.end(), g->name) != names.end())
      return error("group " + std::string(g->name) + " listed twice");
    for (auto dep : g->after)
      if (std::find(names.begin(), names.end(), dep) == names.end())
        return error("group " + std::string(g->name) + " reads group " + std::string(dep) +
                     ", which must come before it");
    names.push_back(g->name);
    auto check_name = [&](std::string_view name) -> Status {
      for (const auto& [other, owner] : vars)
        if (other == name)
          return error(std::string(name) + " is declared by group " + std::string(owner) + " and group " +
                       std::string(g->name));
      vars.emplace_back(name, g->name);
      return {};
    };
    for (const auto& v : g->vars) {
      if (auto st = check_name(v.name); !st) return st;
      if (v.doc.empty()) return error(std::string(v.name) + " has no doc");
      if (v.kind == Kind::choice && v.choices.empty()) return error(std::string(v.name) + " has no choices");
    }
    for (const auto& retired : g->retired)
      if (auto st = check_name(retired.name); !st) return st;
  }
  return {};
}

Result<Settings> load(std::string_view service, const Groups& groups, const Getenv& getenv,
                      std::vector<std::string>* warnings) {
  if (auto st = check_groups(groups); !st) return st.error();
  Reader r(service, getenv);
  Settings s;
  s.service = std::string(service);
  for (const Group* g : groups) {
    r.begin(*g);
    g->load(r, s);
    r.end();
    if (r.error()) return *r.error();
  }
  if (warnings != nullptr) {
    for (const Group* g : groups) {
      for (const auto& retired : g->retired) {
        const char* v = getenv(std::string(retired.name).c_str());
        if (v != nullptr && *v != '\0')
          warnings->push_back(std::string(retired.name) + " is set but no longer read: " + std::string(retired.why));
      }
    }
  }
  return s;
}

Result<Settings> load_from_env(std::string_view service, const Groups& groups, std::vector<std::string>* warnings) {
  return load(
      service, groups, [](const char* name) -> const char* { return std::getenv(name); }, warnings);
}

namespace {

std::string shown_default(const VarSpec& v, std::string_view service) {
  std::string d(default_for(v, service));
  return d.empty() ? "\"\"" : d;
}

/// The doc, with the choices when the doc does not already list them.
std::string doc_of(const VarSpec& v) {
  std::string out(v.doc);
  if (v.kind == Kind::choice && v.doc.find(v.choices) == std::string_view::npos) {
    out += " (";
    out += v.choices;
    out += ')';
  }
  return out;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string help_text(std::string_view service, const Groups& groups) {
  std::size_t name_width = 0, type_width = 0, default_width = 0;
  for (const Group* g : groups) {
    for (const auto& v : g->vars) {
      name_width = std::max(name_width, v.name.size());
      type_width = std::max(type_width, kind_name(v.kind).size());
      default_width = std::max(default_width, shown_default(v, service).size());
    }
  }
  std::string out = "Environment variables of mercato-" + std::string(service) +
                    " (an unset or empty variable takes the default shown):\n";
  for (const Group* g : groups) {
    out += "\n[" + std::string(g->name) + "]\n";
    for (const auto& v : g->vars) {
      out += "  " + padded(std::string(v.name), name_width + 2) + padded(kind_name(v.kind), type_width + 2) +
             padded(shown_default(v, service), default_width + 2) + doc_of(v);
      if (const auto range = range_of(v); !range.empty() && v.kind != Kind::choice && v.kind != Kind::port)
        out += " [" + range + "]";
      out += '\n';
    }
  }
  return out;
}

namespace {

// Markdown table cells: `|` would end the cell, a newline the row.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string markdown_table(std::span<const ServiceGroups> services) {
  // Rows in the order of first appearance: each service's groups, in its load order.
  struct Row {
    const VarSpec* var;
    const Group* group;
    std::vector<std::string_view> services;
  };
  std::vector<Row> rows;
  struct Retired {
    const RetiredVar* var;
    std::vector<std::string_view> services;
  };
  std::vector<Retired> retired;
  for (const auto& svc : services) {
    for (const Group* g : svc.groups) {
      for (const auto& v : g->vars) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.var->name == v.name; });
        if (it == rows.end()) it = rows.insert(rows.end(), Row{&v, g, {}});
        it->services.push_back(svc.service);
      }
      for (const auto& v : g->retired) {
        auto it = std::find_if(retired.begin(), retired.end(), [&](const Retired& r) { return r.var->name == v.name; });
        if (it == retired.end()) it = retired.insert(retired.end(), Retired{&v, {}});
        it->services.push_back(svc.service);
      }
    }
  }
  auto join = [](const std::vector<std::string_view>& items) {
    std::string out;
    for (auto item : items) out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
  };
  std::string out =
      "| variable | read by | default | meaning | declared in |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& r : rows) {
    // One default when every reader has the same; else "catalog: 8081; identity: 8082".
    std::string defaults;
    bool same = true;
    const std::string first(default_for(*r.var, r.services.front()));
    for (auto svc : r.services) same = same && default_for(*r.var, svc) == first;
    auto code = [](const std::string& d) { return d.empty() ? std::string("empty") : "`" + cell(d) + "`"; };
    if (same) {
      defaults = code(first);
    } else {
      for (auto svc : r.services)
        defaults += (defaults.empty() ? "" : "; ") + std::string(svc) + ": " + code(std::string(default_for(*r.var, svc)));
    }
    std::string meaning = cell(doc_of(*r.var));
    const auto range = range_of(*r.var);
    if (!range.empty() && r.var->kind != Kind::choice && r.var->kind != Kind::port)
      meaning += " (" + kind_name(r.var->kind) + ", " + cell(range) + ")";
    out += "| `" + std::string(r.var->name) + "` | " + join(r.services) + " | " + defaults + " | " + meaning +
           " | `" + std::string(r.group->file) + "` |\n";
  }
  if (!retired.empty()) {
    out += "\nNo longer read (a service that finds one set logs a warning naming it at start):\n\n";
    for (const auto& r : retired)
      out += "- `" + std::string(r.var->name) + "` (" + join(r.services) + "): " + std::string(r.var->why) + "\n";
  }
  return out;
}

}  // namespace mercato::config
