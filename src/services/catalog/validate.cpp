#include "services/catalog/validate.hpp"

#include <algorithm>
#include <charconv>

#include "core/ids.hpp"

namespace mercato::catalog {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_lower(c) || is_upper(c); }

}  // namespace

bool valid_utf8(std::string_view s) {
  return simdjson::validate_utf8(s.data(), s.size());
}

bool valid_slug(std::string_view s) {
  if (s.empty() || s.size() > 120 || s.front() == '-' || s.back() == '-') return false;
  char prev = 0;
  for (char c : s) {
    if (!(is_lower(c) || is_digit(c) || c == '-')) return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

bool valid_sku(std::string_view s) {
  if (s.empty() || s.size() > 64 || !is_alnum(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool valid_currency(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), is_upper);
}

std::string slugify(std::string_view text, std::size_t max) {
  std::string out;
  bool pending_hyphen = false;
  for (char c : text) {
    if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
    if (is_lower(c) || is_digit(c)) {
      if (pending_hyphen && !out.empty()) out += '-';
      pending_hyphen = false;
      out += c;
    } else {
      pending_hyphen = true;
    }
  }
  if (out.size() > max) out.resize(max);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// ---- QueryParams ----

QueryParams::QueryParams(const http::Request& req, std::initializer_list<std::string_view> allowed) : req_(req) {
  auto names = req.query_names();
  std::vector<std::string> seen;
  for (auto& n : names) {
    if (std::find(allowed.begin(), allowed.end(), n) == allowed.end()) {
      if (!valid_utf8(n) || n.size() > 64) n = "(unprintable)";
      add(n, "is not a known parameter");
    } else if (std::find(seen.begin(), seen.end(), n) != seen.end()) {
      add(n, "is given more than once");
    } else {
      seen.push_back(n);
    }
  }
}

std::optional<std::int64_t> QueryParams::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  auto v = req_.query_param(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  const bool digits = !v->empty() && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (!digits || ec != std::errc{} || end != v->data() + v->size() || n < min || n > max) {
    add(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> QueryParams::text(std::string_view name, std::size_t max_length) {
  auto v = req_.query_param(name);
  if (!v) return std::nullopt;
  if (!valid_utf8(*v)) {
    add(name, "must be valid UTF-8");
    return std::nullopt;
  }
  if (utf8_length(*v) > max_length) {
    add(name, "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  for (unsigned char c : *v) {
    if (c < 0x20 || c == 0x7f) {
      add(name, "must not contain control characters");
      return std::nullopt;
    }
  }
  return v;
}

std::optional<std::string> QueryParams::uuid(std::string_view name) {
  auto v = req_.query_param(name);
  if (!v) return std::nullopt;
  if (!ids::is_uuid(*v)) {
    add(name, "must be a UUID");
    return std::nullopt;
  }
  std::transform(v->begin(), v->end(), v->begin(), [](char c) { return (c >= 'A' && c <= 'F') ? c + 32 : c; });
  return v;
}

std::optional<std::string> QueryParams::choice(std::string_view name, std::initializer_list<std::string_view> choices) {
  auto v = req_.query_param(name);
  if (!v) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
    std::string list;
    for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    add(name, "must be one of " + list);
    return std::nullopt;
  }
  return v;
}

Status require_json(const http::Request& req) {
  auto ct = req.header("Content-Type");
  std::string_view t = ct ? *ct : std::string_view{};
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (http::iequals(t, "application/json") || http::iequals(t, "application/merge-patch+json")) return {};
  return Error{ErrorCode::unsupported_media_type, "request body must be application/json"};
}

}  // namespace mercato::catalog
