#include "services/identity/validation.hpp"

#include <algorithm>
#include <charconv>

#include "auth/roles.hpp"

namespace mercato::identity {

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string normalize_email(std::string_view e) {
  while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
  while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
  std::string out(e);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; });
  return out;
}

bool has_body(const http::Request& req) {
  return std::any_of(req.body.begin(), req.body.end(),
                     [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; });
}

Result<std::unique_ptr<json::Document>> read_json_body(const http::Request& req) {
  const auto ct = req.header("Content-Type").value_or("");
  const auto media = ct.substr(0, ct.find(';'));
  std::string_view trimmed = media;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  if (!http::iequals(trimmed, "application/json"))
    return Error{ErrorCode::unsupported_media_type, "request body must be application/json"};
  return json::Document::parse(req.body);
}

std::optional<std::string> email_problem(std::string_view e) {
  const auto at = e.find('@');
  if (e.size() < 3 || e.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 == e.size() ||
      e.find('@', at + 1) != std::string_view::npos || e.substr(at + 1).find('.') == std::string_view::npos ||
      e.back() == '.' || e.find(' ') != std::string_view::npos || has_control(e))
    return "must be an email address such as name@example.com";
  return std::nullopt;
}

std::optional<std::string> name_problem(std::string_view n) {
  if (http::utf8_length(n) > 200) return "must be at most 200 characters";
  if (has_control(n)) return "must not contain control characters";
  return std::nullopt;
}

std::optional<std::string> role_problem(std::string_view r) {
  if (!auth::parse_role(r)) return "must be one of admin, editor, viewer";
  return std::nullopt;
}

Result<PageQuery> read_page_query(const http::Request& req) {
  PageQuery q;
  std::vector<FieldError> errors;
  const auto number = [&](std::string_view name, std::int64_t min, std::int64_t max, std::int64_t& out) {
    auto v = req.query_param(name);
    if (!v) return;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (v->empty() || ec != std::errc{} || end != v->data() + v->size() || n < min || n > max) {
      errors.push_back(
          {std::string(name), "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)});
      return;
    }
    out = n;
  };
  number("page", 1, 1'000'000, q.page);
  number("per_page", 1, 100, q.per_page);
  for (const auto& name : req.query_names())
    if (name != "page" && name != "per_page") errors.push_back({name, "is not a known query parameter"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  return q;
}

}  // namespace mercato::identity
