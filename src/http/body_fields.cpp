#include "http/body_fields.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/ids.hpp"

namespace mercato::http {

namespace {

std::string text_rule_message(const TextRule& r) {
  if (r.min > 0) return "must be " + std::to_string(r.min) + " to " + std::to_string(r.max) + " characters";
  return "must be at most " + std::to_string(r.max) + " characters";
}

}  // namespace

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

BodyFields::BodyFields(simdjson::dom::element root, std::string prefix) : prefix_(std::move(prefix)) {
  const std::string whole = prefix_.empty() ? "body" : prefix_.substr(0, prefix_.size() - 1);
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) {
    errors_.push_back({whole, "must be a JSON object"});
    return;
  }
  // The count comes from the parsed document (saturated, never walked), so an object of
  // 120,000 members is refused at the cost of its parse; below the cap a hash set finds
  // duplicates in one pass (the former pairwise check was quadratic: issue 13).
  if (obj.size() > kMaxBodyMembers) {
    errors_.push_back({whole, "must have at most " + std::to_string(kMaxBodyMembers) + " members"});
    refused_ = true;
    return;
  }
  members_.reserve(obj.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(obj.size());
  for (auto field : obj) {
    if (!seen.insert(field.key).second) {
      errors_.push_back({path(field.key), "is given more than once"});
      continue;
    }
    members_.push_back({field.key, field.value, false});
  }
}

bool BodyFields::has(std::string_view name) const {
  return std::any_of(members_.begin(), members_.end(), [&](const Member& m) { return m.key == name; });
}

std::optional<simdjson::dom::element> BodyFields::take(std::string_view name) {
  for (auto& m : members_) {
    if (m.key == name) {
      m.taken = true;
      return m.value;
    }
  }
  return std::nullopt;
}

void BodyFields::missing(std::string_view name) {
  // An object refused for its size: its one error says why, not one per field (a body that is
  // not an object still lists the required fields, as clients already expect).
  if (!refused_) add(name, "is required");
}

void BodyFields::add(std::string_view field, std::string message) {
  errors_.push_back({path(field), std::move(message)});
}

std::optional<simdjson::dom::element> BodyFields::take_present(std::string_view name, bool required) {
  auto v = take(name);
  if (!v && required) missing(name);
  return v;
}

std::optional<std::string_view> BodyFields::take_string(std::string_view name, bool required) {
  auto v = take_present(name, required);
  if (!v) return std::nullopt;
  std::string_view s;
  if (v->get(s) != simdjson::SUCCESS) {
    add(name, "must be a string");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> BodyFields::text(std::string_view name, const TextRule& rule, bool required) {
  auto taken = take_string(name, required);
  if (!taken) return std::nullopt;
  const std::string_view s = *taken;
  const auto n = utf8_length(s);
  if (n < rule.min || n > rule.max) {
    add(name, text_rule_message(rule));
    return std::nullopt;
  }
  for (unsigned char c : s) {
    const bool allowed_space = rule.multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7f) && !allowed_space) {
      add(name, "must not contain control characters");
      return std::nullopt;
    }
  }
  if (rule.min > 0 && std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    add(name, "must not be blank");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::int64_t> BodyFields::integer(std::string_view name, std::int64_t min, std::int64_t max,
                                                bool required) {
  auto v = take_present(name, required);
  if (!v) return std::nullopt;
  const std::string range = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  // simdjson keeps integers exact and types anything with a fraction or exponent as double,
  // so 19.99, 1e3 and "1999" are all refused here: money never passes through a float.
  switch (v->type()) {
    case simdjson::dom::element_type::INT64: {
      const std::int64_t n = v->get_int64().value_unsafe();
      if (n < min || n > max) break;
      return n;
    }
    case simdjson::dom::element_type::UINT64:
      break;  // above INT64_MAX: out of every range we accept
    default:
      add(name, "must be an integer (not a string or a decimal number)");
      return std::nullopt;
  }
  add(name, range);
  return std::nullopt;
}

std::optional<std::string> BodyFields::nullable_uuid(std::string_view name) {
  auto v = take(name);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::string();
  std::string_view s;
  if (v->get(s) != simdjson::SUCCESS || !ids::is_uuid(s)) {
    add(name, "must be a UUID or null");
    return std::nullopt;
  }
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return (c >= 'A' && c <= 'F') ? c + 32 : c; });
  return out;
}

std::vector<FieldError> BodyFields::finish() {
  for (const auto& m : members_)
    if (!m.taken) errors_.push_back({path(m.key), "is not a known field"});
  return std::move(errors_);
}

std::optional<std::string> BodyFields::string(std::string_view name, bool required, std::size_t max_chars) {
  auto taken = take_string(name, required);
  if (!taken) return std::nullopt;
  const std::string_view s = *taken;
  if (utf8_length(s) > max_chars) {
    add(name, "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<bool> BodyFields::boolean(std::string_view name, bool required) {
  auto v = take_present(name, required);
  if (!v) return std::nullopt;
  bool b = false;
  if (v->get(b) != simdjson::SUCCESS) {
    add(name, "must be true or false");
    return std::nullopt;
  }
  return b;
}

}  // namespace mercato::http
