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
  // What each violated constraint means in the catalog; db::domain_error does the mapping.
  db::ConstraintMeaning meaning;
  meaning.unique = "another live item of this store already uses one of these values";
  meaning.unique_details = std::move(conflict_details);
  meaning.foreign_key = "store not found";  // products.store_id, categories.store_id → stores
  meaning.check = "a value is outside what the catalog can store";
  return db::domain_error(std::move(e), meaning);
}

std::vector<std::string> categories_of(const std::string& before, const std::string& after) {
  std::vector<std::string> out;
  if (!before.empty()) out.push_back(before);
  if (!after.empty() && after != before) out.push_back(after);
  return out;
}

}  // namespace mercato::catalog
