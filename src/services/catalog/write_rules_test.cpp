#include "services/catalog/write_rules.hpp"

#include <gtest/gtest.h>

#include "db/errors.hpp"

namespace mercato::catalog {
namespace {

constexpr std::string_view kId = "0190a0b0-0000-7000-8000-000000000001";

Status check(std::optional<std::string_view> header, std::int64_t version) {
  auto parsed = parse_if_match(header);
  EXPECT_TRUE(parsed.ok()) << (header ? *header : "(absent)");
  return check_if_match(*parsed, kId, version, "product");
}

TEST(IfMatchRule, an_absent_header_is_no_precondition) { EXPECT_TRUE(check(std::nullopt, 9).ok()); }

TEST(IfMatchRule, the_tag_of_the_current_version_passes_in_the_forms_writes_and_reads_return) {
  EXPECT_TRUE(check(make_etag(kId, 3), 3).ok());                                // a write's "<id>.<v>"
  EXPECT_TRUE(check("\"" + std::string(kId) + ".3.0123456789abcdef\"", 3).ok());  // a GET's "<id>.<v>.<h>"
  EXPECT_TRUE(check("\"other\", " + make_etag(kId, 3), 3).ok());                // one of a list
}

TEST(IfMatchRule, a_stale_version_is_412_precondition_failed) {
  auto st = check(make_etag(kId, 3), 4);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(st.error().http_status(), 412);
  EXPECT_NE(st.error().message.find("product"), std::string::npos);
}

TEST(IfMatchRule, a_weak_tag_never_passes_even_for_the_current_version) {
  auto st = check("W/" + make_etag(kId, 3), 3);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::precondition_failed);
}

TEST(IfMatchRule, star_passes_any_current_version) {
  EXPECT_TRUE(check("*", 1).ok());
  EXPECT_TRUE(check("*", 77).ok());
}

TEST(IfMatchRule, another_resources_tag_with_the_same_version_does_not_pass) {
  auto st = check(make_etag("0190a0b0-0000-7000-8000-000000000002", 3), 3);
  EXPECT_FALSE(st.ok());
}

Error db_error(std::string_view sqlstate) { return db::statement_error(sqlstate); }

TEST(WriteError, constraint_states_become_domain_errors_and_keep_their_sqlstate) {
  auto unique = write_error(db_error(db::reason::unique_violation), {{"sku", "taken"}});
  EXPECT_EQ(unique.code, ErrorCode::conflict);
  ASSERT_EQ(unique.details.size(), 1u);
  EXPECT_EQ(unique.details[0].field, "sku");
  EXPECT_EQ(unique.reason, db::reason::unique_violation);
  EXPECT_EQ(write_error(db_error(db::reason::foreign_key_violation)).code, ErrorCode::not_found);
  EXPECT_EQ(write_error(db_error(db::reason::check_violation)).code, ErrorCode::validation_failed);
}

TEST(WriteError, other_errors_pass_unchanged) {
  EXPECT_EQ(write_error(db::deadline_error()).code, ErrorCode::gateway_timeout);
  EXPECT_EQ(write_error(db::connection_error()).code, ErrorCode::service_unavailable);
  EXPECT_EQ(write_error(db_error("42P01")).code, ErrorCode::internal);
  EXPECT_EQ(write_error(not_found("product not found")).message, "product not found");
}

TEST(CategoriesOf, names_before_and_after_once_and_never_none) {
  EXPECT_EQ(categories_of("a", "b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(categories_of("a", "a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(categories_of("", "b"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(categories_of("").empty());
}

}  // namespace
}  // namespace mercato::catalog
