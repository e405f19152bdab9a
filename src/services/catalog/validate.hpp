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
#include "http/message.hpp"

namespace mercato::catalog {

/// Unicode code points in valid UTF-8 (the JSON parser and percent-decoding have already
/// rejected invalid sequences where it matters).
std::size_t utf8_length(std::string_view s);
/// Valid UTF-8 (query parameters arrive as raw bytes).
bool valid_utf8(std::string_view s);

/// Rules for one text field. Lengths count code points.
struct TextRule {
  std::size_t min = 0;
  std::size_t max = 0;
  bool multiline = false;  // allow \n, \r and \t; other control characters never
};

/// Slugs: lowercase ASCII words joined by single hyphens, e.g. "blue-cotton-shirt".
bool valid_slug(std::string_view s);
/// SKUs: ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.
bool valid_sku(std::string_view s);
/// ISO 4217 shape: three uppercase ASCII letters.
bool valid_currency(std::string_view s);
/// "blue-cotton-shirt" from "Blue Cotton Shirt!" (ASCII letters and digits kept; others join).
std::string slugify(std::string_view text, std::size_t max = 120);

/// The members of a JSON request object, taken one by one by name. After the last take,
/// finish() reports every member nobody took.
class BodyFields {
 public:
  /// A root that is not an object is itself an error (field "body").
  explicit BodyFields(simdjson::dom::element root, std::string prefix = {});

  bool has(std::string_view name) const;
  /// The member, or nullopt when absent. Marks it taken.
  std::optional<simdjson::dom::element> take(std::string_view name);

  /// Typed takes: absent → nullopt with no error unless `required`; wrong type or rule broken
  /// → an error for that field and nullopt. `null` is accepted only by take_nullable_uuid.
  std::optional<std::string> text(std::string_view name, const TextRule& rule, bool required = false);
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      bool required = false);
  /// For a nullable reference: absent → nullopt; null → "" (clear it); else a UUID.
  std::optional<std::string> nullable_uuid(std::string_view name);

  void add(std::string_view field, std::string message);
  /// Unknown members become errors; returns every error collected, in body order.
  std::vector<FieldError> finish();
  std::vector<FieldError>& errors() { return errors_; }
  const std::string& prefix() const { return prefix_; }
  std::string path(std::string_view name) const { return prefix_ + std::string(name); }

 private:
  struct Member {
    std::string_view key;
    simdjson::dom::element value;
    bool taken = false;
  };
  std::vector<Member> members_;
  std::vector<FieldError> errors_;
  std::string prefix_;
};

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
