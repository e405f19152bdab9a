#include "services/catalog/audit_trail.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

constexpr const char* kStoreA = "0190a3c4-0000-7000-8000-00000000000a";
constexpr const char* kStoreB = "0190a3c4-0000-7000-8000-00000000000b";

TEST(Rfc3339, reads_utc_offsets_and_fractions_to_utc_microseconds) {
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("2026-12-05T17:00:00Z"), 1796490000LL * 1'000'000);
  EXPECT_EQ(*parse_rfc3339("2026-12-05T18:00:00+01:00"), *parse_rfc3339("2026-12-05T17:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("2026-12-05T16:30:00-00:30"), *parse_rfc3339("2026-12-05T17:00:00z"));
  EXPECT_EQ(*parse_rfc3339("2026-12-05t17:00:00.5Z") - *parse_rfc3339("2026-12-05T17:00:00Z"), 500000);
  EXPECT_EQ(*parse_rfc3339("2026-12-05T17:00:00.123456789Z") % 1'000'000, 123456) << "beyond microseconds dropped";
  EXPECT_EQ(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z"), 2LL * 86400 * 1'000'000)
      << "2024 is a leap year";
  EXPECT_TRUE(parse_rfc3339("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("9999-12-31T23:59:59.999999Z"));
}

TEST(Rfc3339, refuses_anything_else) {
  for (const char* bad : {"", "2026-12-05", "2026-12-05T17:00:00", "2026-12-05 17:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-05T24:00:00Z",
                          "2026-12-05T17:60:00Z", "2026-12-05T17:00:60Z", "0000-01-01T00:00:00Z",
                          "2026-12-05T17:00:00.Z", "2026-12-05T17:00:00.1234567890Z", "2026-12-05T17:00:00+0100",
                          "2026-12-05T17:00:00+24:00", "2026-12-05T17:00:00Zjunk", "+2026-12-05T17:00:00Z",
                          "2026-1-05T17:00:00Z", "now", "1e10", "2026-12-05T17:00:00Z\n"}) {
    auto r = parse_rfc3339(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::bad_request);
    }
  }
}

TEST(Rfc3339, formats_back_the_same_instant) {
  for (const char* t : {"2026-12-05T17:00:00.123456Z", "1970-01-01T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z",
                        "2024-02-29T12:34:56.000001Z", "0001-01-01T00:00:00.000000Z"}) {
    EXPECT_EQ(format_utc_micros(*parse_rfc3339(t)), t);
  }
}

TEST(AuditFilter, canonical_text_differs_for_every_field_and_scope) {
  AuditFilter base;
  base.store = kStoreA;
  std::vector<AuditFilter> variants(8, base);
  variants[1].store.reset();  // every store
  variants[2].user_id = kStoreB;
  variants[3].entity_type = "product";
  variants[4].entity_id = kStoreB;
  variants[5].action = "product.update";
  variants[6].since = 0;
  variants[7].until = 0;
  for (std::size_t i = 0; i < variants.size(); ++i)
    for (std::size_t j = i + 1; j < variants.size(); ++j)
      EXPECT_NE(variants[i].canonical(), variants[j].canonical()) << i << " vs " << j;
  AuditFilter other = base;
  other.store = kStoreB;
  EXPECT_NE(base.canonical(), other.canonical());
}

http::Request as(std::optional<http::Principal> p) {
  http::Request req;
  req.principal = std::move(p);
  return req;
}

TEST(AuditScope, admins_read_every_store_or_the_one_they_ask_for) {
  auto req = as(http::Principal{"u", "admin", "", 0});
  EXPECT_EQ(*audit_scope(req, std::nullopt), std::nullopt);
  EXPECT_EQ(*audit_scope(req, std::string(kStoreB)), std::optional<std::string>(kStoreB));
}

TEST(AuditScope, editors_read_their_own_store_only) {
  auto req = as(http::Principal{"u", "editor", kStoreA, 0});
  EXPECT_EQ(*audit_scope(req, std::nullopt), std::optional<std::string>(kStoreA));
  EXPECT_EQ(*audit_scope(req, std::string(kStoreA)), std::optional<std::string>(kStoreA));
  auto other = audit_scope(req, std::string(kStoreB));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::forbidden);
  // A token naming no store belongs to the default store (store_scope.hpp).
  auto unscoped = as(http::Principal{"u", "editor", "", 0});
  EXPECT_EQ(*audit_scope(unscoped, std::nullopt), std::optional<std::string>("00000000-0000-7000-8000-000000000001"));
}

TEST(AuditScope, viewers_are_forbidden_and_anonymous_callers_must_sign_in) {
  auto viewer = audit_scope(as(http::Principal{"u", "viewer", kStoreA, 0}), std::nullopt);
  ASSERT_FALSE(viewer);
  EXPECT_EQ(viewer.error().code, ErrorCode::forbidden);
  auto anonymous = audit_scope(as(std::nullopt), std::nullopt);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, ErrorCode::auth_required);
}

TEST(AuditRowJson, carries_both_sides_as_json_and_null_for_a_create) {
  AuditRow r{"id1", "2026-12-05T17:00:00.000000Z", kStoreA, "user1", "editor", "product.create", "product", "p1",
             std::nullopt, std::string(R"({"name":"Lamp"})"), "req1", "10.0.0.1"};
  EXPECT_EQ(audit_row_json(r),
            std::string(R"({"id":"id1","time":"2026-12-05T17:00:00.000000Z","store_id":")") + kStoreA +
                R"(","user":{"id":"user1","role":"editor"},"action":"product.create","entity":{"type":"product","id":"p1"},)"
                R"("before":null,"after":{"name":"Lamp"},"client_address":"10.0.0.1","request_id":"req1"})");
}

}  // namespace
}  // namespace mercato::catalog
