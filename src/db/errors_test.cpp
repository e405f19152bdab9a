#include "db/errors.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

TEST(DbErrors, unique_violation_keeps_its_sqlstate_as_reason_and_hides_details) {
  Error e = statement_error("23505");
  EXPECT_EQ(e.code, ErrorCode::internal);
  EXPECT_EQ(e.reason, reason::unique_violation);
  EXPECT_EQ(e.message, "database error");
}

TEST(DbErrors, server_going_away_is_unavailable_not_internal) {
  for (auto state : {"57P01", "57P02", "57P03", "08006", "08001", "53300", "25006"}) {
    Error e = statement_error(state);
    EXPECT_EQ(e.code, ErrorCode::service_unavailable) << state;
    EXPECT_EQ(e.reason, reason::connection) << state;
    EXPECT_TRUE(ends_session(state)) << state;
  }
  EXPECT_FALSE(ends_session("23505"));
  EXPECT_FALSE(ends_session("57014"));  // query_canceled: the session survives
}

// A write refused as read_only_sql_transaction reached a server that is no primary (any
// more): the session is closed rather than reused, so the next one finds the new primary,
// and the caller gets 503 (try again), not 500.
TEST(DbErrors, a_write_on_a_read_only_server_ends_the_session_and_is_503) {
  Error e = statement_error("25006");
  EXPECT_EQ(e.code, ErrorCode::service_unavailable);
  EXPECT_TRUE(ends_session("25006"));
}

TEST(DbErrors, transport_errors_are_503_with_distinct_reasons) {
  EXPECT_EQ(connection_error().http_status(), 503);
  EXPECT_EQ(connection_error().message, "database unavailable");
  EXPECT_EQ(timeout_error().reason, reason::timeout);
  EXPECT_EQ(timeout_error().message, "database query timed out");
  EXPECT_EQ(pool_exhausted_error().reason, reason::pool_exhausted);
  EXPECT_EQ(pool_exhausted_error().message, "database pool exhausted");
}

TEST(DbErrors, a_violated_constraint_becomes_the_domain_error_its_caller_names) {
  ConstraintMeaning m{"email taken", {{"email", "already used"}}, "store not found", "out of range"};
  Error e = domain_error(statement_error("23505"), m);
  EXPECT_EQ(e.code, ErrorCode::conflict);
  EXPECT_EQ(e.http_status(), 409);
  EXPECT_EQ(e.message, "email taken");
  ASSERT_EQ(e.details.size(), 1u);
  EXPECT_EQ(e.details[0].field, "email");
  EXPECT_EQ(e.reason, reason::unique_violation);
  EXPECT_EQ(domain_error(statement_error("23503"), m).code, ErrorCode::not_found);
  EXPECT_EQ(domain_error(statement_error("23514"), m).code, ErrorCode::validation_failed);
}

TEST(DbErrors, other_errors_and_unnamed_constraints_pass_through_unchanged) {
  ConstraintMeaning only_unique{"email taken", {}, {}, {}};
  EXPECT_EQ(domain_error(statement_error("23503"), only_unique).code, ErrorCode::internal);
  EXPECT_EQ(domain_error(statement_error("23514"), only_unique).code, ErrorCode::internal);
  EXPECT_EQ(domain_error(deadline_error(), only_unique).code, ErrorCode::gateway_timeout);
  EXPECT_EQ(domain_error(connection_error(), only_unique).reason, reason::connection);
  EXPECT_EQ(domain_error(statement_error("23505"), ConstraintMeaning{}).code, ErrorCode::internal);
}

}  // namespace
}  // namespace mercato::db
