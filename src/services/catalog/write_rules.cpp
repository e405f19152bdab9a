#include "services/catalog/write_rules.hpp"

#include "db/errors.hpp"

namespace mercato::catalog {

Status check_if_match(const std::optional<IfMatch>& if_match, std::string_view id, std::int64_t version,
                      std::string_view what) {
  if (!if_match || if_match->matches(id, version)) return Status{};
  return Error{ErrorCode::precondition_failed,
               "the " + std::string(what) + " changed since you read it: fetch it again and retry with its new ETag"};
}

Error write_error(Error e, std::vector<FieldError> conflict_details) {
  Error out;
  if (e.reason == db::reason::unique_violation) {
    out = conflict("another live item of this store already uses one of these values");
    out.details = std::move(conflict_details);
  } else if (e.reason == db::reason::foreign_key_violation) {
    out = not_found("store not found");
  } else if (e.reason == db::reason::check_violation) {
    out = validation_failed({}, "a value is outside what the catalog can store");
  } else {
    return e;
  }
  out.reason = std::move(e.reason);
  return out;
}

std::vector<std::string> categories_of(const std::string& before, const std::string& after) {
  std::vector<std::string> out;
  if (!before.empty()) out.push_back(before);
  if (!after.empty() && after != before) out.push_back(after);
  return out;
}

}  // namespace mercato::catalog
