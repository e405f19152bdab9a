#include "services/identity/validation.hpp"

#include <algorithm>
#include <charconv>

#include "auth/roles.hpp"

namespace mercato::identity {

namespace {
std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}
}  // namespace

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

Fields::Fields(simdjson::dom::element root) {
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) {
    errors_.push_back({"body", "must be a JSON object"});
    return;
  }
  for (auto field : obj) {
    const bool dup = std::any_of(members_.begin(), members_.end(), [&](const Member& m) { return m.key == field.key; });
    if (dup) {
      errors_.push_back({std::string(field.key), "is given more than once"});
      continue;
    }
    members_.push_back({field.key, field.value, false});
  }
}

std::optional<simdjson::dom::element> Fields::take(std::string_view name) {
  for (auto& m : members_) {
    if (m.key == name) {
      m.taken = true;
      return m.value;
    }
  }
  return std::nullopt;
}

void Fields::add(std::string_view field, std::string message) {
  errors_.push_back({std::string(field), std::move(message)});
}

std::optional<std::string> Fields::string(std::string_view name, bool required, std::size_t max_chars) {
  auto v = take(name);
  if (!v) {
    if (required) add(name, "is required");
    return std::nullopt;
  }
  std::string_view s;
  if (v->get(s) != simdjson::SUCCESS) {
    add(name, "must be a string");
    return std::nullopt;
  }
  if (utf8_chars(s) > max_chars) {
    add(name, "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<bool> Fields::boolean(std::string_view name, bool required) {
  auto v = take(name);
  if (!v) {
    if (required) add(name, "is required");
    return std::nullopt;
  }
  bool b = false;
  if (v->get(b) != simdjson::SUCCESS) {
    add(name, "must be true or false");
    return std::nullopt;
  }
  return b;
}

std::vector<FieldError> Fields::finish() {
  for (const auto& m : members_)
    if (!m.taken) errors_.push_back({std::string(m.key), "is not a known field"});
  return std::move(errors_);
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
  if (utf8_chars(n) > 200) return "must be at most 200 characters";
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
