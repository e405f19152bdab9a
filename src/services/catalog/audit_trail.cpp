#include "services/catalog/audit_trail.hpp"

#include <cstdio>

#include "auth/roles.hpp"
#include "core/json.hpp"
#include "services/catalog/store_scope.hpp"

namespace mercato::catalog {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil; g++ 12's <chrono> has year_month_day but this is shorter to check here).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// The digits at text[at, at+n) as a number; false when any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t n, unsigned& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

}  // namespace

Result<std::int64_t> parse_rfc3339(std::string_view t) {
  const Error bad = bad_request("must be an RFC 3339 date-time such as 2026-12-05T17:00:00Z");
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM); RFC 3339 §5.6 allows t/z in lower case and a space
  // for T (§5.6 NOTE); only T/t are accepted: a space does not survive a query string intact.
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (t.size() < 20 || !digits(t, 0, 4, year) || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
      !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2, hour) || t[13] != ':' ||
      !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second))
    return bad;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59)
    return bad;
  std::size_t at = 19;
  std::int64_t micros = 0;
  if (at < t.size() && t[at] == '.') {
    ++at;
    std::size_t n = 0;
    std::int64_t scale = 100000;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9') {
      // Beyond microseconds (PostgreSQL's precision) digits are accepted and dropped.
      if (n < 6) micros += (t[at] - '0') * scale, scale /= 10;
      ++at, ++n;
      if (n > 9) return bad;
    }
    if (n == 0) return bad;
  }
  std::int64_t offset_minutes = 0;
  if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    unsigned oh = 0, om = 0;
    if (!digits(t, at + 1, 2, oh) || at + 3 >= t.size() || t[at + 3] != ':' || !digits(t, at + 4, 2, om) ||
        oh > 23 || om > 59)
      return bad;
    offset_minutes = (t[at] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 60 + om);
    at += 6;
  } else {
    return bad;
  }
  if (at != t.size()) return bad;
  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                               offset_minutes * 60;
  return seconds * 1'000'000 + micros;
}

std::string format_utc_micros(std::int64_t micros) {
  std::int64_t secs = micros / 1'000'000, frac = micros % 1'000'000;
  if (frac < 0) frac += 1'000'000, --secs;
  std::int64_t days = secs / 86400, rest = secs % 86400;
  if (rest < 0) rest += 86400, --days;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60), static_cast<long long>(frac));
  return buf;
}

std::string AuditFilter::canonical() const {
  // Field names in the text, so no two filters print the same (a value holds no '\n': each is
  // a UUID, a choice, a checked action or a number).
  std::string out = "audit1";
  auto add = [&out](std::string_view name, const std::optional<std::string>& v) {
    out.append("\n").append(name).append("=").append(v ? *v : "-");
  };
  auto add_time = [&out](std::string_view name, const std::optional<std::int64_t>& v) {
    out.append("\n").append(name).append("=").append(v ? std::to_string(*v) : "-");
  };
  add("store", store ? store : std::optional<std::string>("*"));
  add("user", user_id);
  add("entity_type", entity_type);
  add("entity_id", entity_id);
  add("action", action);
  add_time("since", since);
  add_time("until", until);
  return out;
}

Result<std::optional<std::string>> audit_scope(const http::Request& req, const std::optional<std::string>& asked) {
  // Editors and admins; a viewer is 403 and an anonymous caller 401 (audit_trail.hpp says why).
  if (auto st = auth::require_role(req, auth::Role::editor); !st) return st.error();
  if (req.principal->role == "admin") return asked;
  const std::string own = std::string(req.principal->store.empty() ? kDefaultStoreId : req.principal->store);
  std::string own_lower = own;
  for (char& c : own_lower)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  if (asked && *asked != own_lower)
    return Error{ErrorCode::forbidden, "your account may read only its own store's audit trail"};
  return std::optional<std::string>(own_lower);
}

std::string audit_row_json(const AuditRow& r) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("id").string(r.id);
  w.key("time").string(r.time);
  w.key("store_id").string(r.store_id);
  w.key("user").begin_object().key("id").string(r.user_id).key("role").string(r.user_role).end_object();
  w.key("action").string(r.action);
  w.key("entity").begin_object().key("type").string(r.entity_type).key("id").string(r.entity_id).end_object();
  // The representations as the write stored them (products_json / categories_json): both
  // sides whole, so a client diffs them itself.
  w.key("before");
  if (r.before) w.raw(*r.before);
  else w.null();
  w.key("after");
  if (r.after) w.raw(*r.after);
  else w.null();
  w.key("client_address").string(r.client_address);
  w.key("request_id").string(r.request_id);
  w.end_object();
  return out;
}

}  // namespace mercato::catalog
