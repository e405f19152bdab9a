#pragma once
// The members of a JSON request body, read by name with every problem collected, so one 422
// lists all bad fields, and members nobody asked for reported (a typo such as `prise_cents` or
// `passwrod` is an error, not silently ignored). Shared by the catalog and identity services.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/error.hpp"

namespace mercato::http {

/// Unicode code points in valid UTF-8 (the JSON parser and percent-decoding have already
/// rejected invalid sequences where it matters).
std::size_t utf8_length(std::string_view s);

/// Members one JSON object of a request body may have. A larger object is refused as a whole
/// (one 422 detail, "must have at most 256 members") before any member is looked at: no route
/// takes more than a few dozen, and the cap bounds the work and the error list a body can cause.
inline constexpr std::size_t kMaxBodyMembers = 256;

/// Rules for one text field. Lengths count code points.
struct TextRule {
  std::size_t min = 0;
  std::size_t max = 0;
  bool multiline = false;  // allow \n, \r and \t; other control characters never
};

/// The members of a JSON request object, taken one by one by name. After the last take,
/// finish() reports every member nobody took.
class BodyFields {
 public:
  /// A root that is not an object is itself an error (field "body", or the prefix's path). An
  /// object of more than kMaxBodyMembers members is the one error: takes then report nothing.
  explicit BodyFields(simdjson::dom::element root, std::string prefix = {});

  bool has(std::string_view name) const;
  /// The member, or nullopt when absent. Marks it taken.
  std::optional<simdjson::dom::element> take(std::string_view name);

  /// Typed takes: absent → nullopt with no error unless `required`; wrong type or rule broken
  /// → an error for that field and nullopt. `null` is accepted only by nullable_uuid.
  std::optional<std::string> text(std::string_view name, const TextRule& rule, bool required = false);
  /// A string taken as it is (no control-character or blank checks, e.g. a password), at most
  /// `max_chars` code points.
  std::optional<std::string> string(std::string_view name, bool required, std::size_t max_chars = 1024);
  std::optional<bool> boolean(std::string_view name, bool required = false);
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      bool required = false);
  /// For a nullable reference: absent → nullopt; null → "" (clear it); else a UUID.
  std::optional<std::string> nullable_uuid(std::string_view name);

  void add(std::string_view field, std::string message);
  /// Unknown members become errors; returns every error collected, in body order.
  std::vector<FieldError> finish();
  std::vector<FieldError>& errors() { return errors_; }
  const std::string& prefix() const { return prefix_; }
  /// A member named "" gets a visible name (found by fuzzing: the error named no field).
  std::string path(std::string_view name) const {
    return prefix_ + (name.empty() ? std::string("(empty name)") : std::string(name));
  }

 private:
  /// take(), and a "required" error when the member is absent and required.
  std::optional<simdjson::dom::element> take_present(std::string_view name, bool required);
  /// take_present() of a string member; any other type is a "must be a string" error.
  std::optional<std::string_view> take_string(std::string_view name, bool required);
  struct Member {
    std::string_view key;
    simdjson::dom::element value;
    bool taken = false;
  };
  void missing(std::string_view name);

  std::vector<Member> members_;
  std::vector<FieldError> errors_;
  bool refused_ = false;  // too many members: nothing to take, nothing more to report
  std::string prefix_;
};

}  // namespace mercato::http
