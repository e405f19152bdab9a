#pragma once
// Input checking shared by every catalog route. Both readers collect every problem instead of
// stopping at the first, so one 422 lists all bad fields; both reject names they were not told
// about, so a typo (`per-page`, `prise_cents`) is an error rather than silently ignored.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/error.hpp"
#include "http/body_fields.hpp"
#include "http/message.hpp"

namespace mercato::catalog {

// The JSON body reader every service shares (src/http/body_fields.hpp).
using http::BodyFields;
using http::TextRule;
using http::utf8_length;

/// Valid UTF-8 (query parameters arrive as raw bytes).
bool valid_utf8(std::string_view s);

/// Slugs: lowercase ASCII words joined by single hyphens, e.g. "blue-cotton-shirt".
bool valid_slug(std::string_view s);
/// SKUs: ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.
bool valid_sku(std::string_view s);
/// ISO 4217 shape: three uppercase ASCII letters.
bool valid_currency(std::string_view s);
/// "blue-cotton-shirt" from "Blue Cotton Shirt!" (ASCII letters and digits kept; others join).
std::string slugify(std::string_view text, std::size_t max = 120);

/// The query parameters of a request, checked like BodyFields.
class QueryParams {
 public:
  QueryParams(const http::Request& req, std::initializer_list<std::string_view> allowed);

  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);
  std::optional<std::string> text(std::string_view name, std::size_t max_length);
  std::optional<std::string> uuid(std::string_view name);
  /// One of `choices`.
  std::optional<std::string> choice(std::string_view name, std::initializer_list<std::string_view> choices);

  bool ok() const { return errors_.empty(); }
  std::vector<FieldError>& errors() { return errors_; }
  void add(std::string_view field, std::string message) { errors_.push_back({std::string(field), std::move(message)}); }

 private:
  const http::Request& req_;
  std::vector<FieldError> errors_;
};

/// 415 unless the body is declared JSON (application/json or application/merge-patch+json).
Status require_json(const http::Request& req);

}  // namespace mercato::catalog
