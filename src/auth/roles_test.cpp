#include "auth/roles.hpp"

#include <gtest/gtest.h>

namespace mercato::auth {
namespace {

http::Request with_role(std::string role) {
  http::Request r;
  r.principal = http::Principal{"user-1", std::move(role), "store-1", 0};
  return r;
}

TEST(RequireRole, no_principal_is_auth_required) {
  http::Request r;
  auto st = require_role(r, Role::viewer);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::auth_required);
}

TEST(RequireRole, roles_are_ordered) {
  EXPECT_TRUE(require_role(with_role("admin"), Role::editor).ok());
  EXPECT_TRUE(require_role(with_role("editor"), Role::editor).ok());
  EXPECT_EQ(require_role(with_role("viewer"), Role::editor).error().code, ErrorCode::forbidden);
  EXPECT_EQ(require_role(with_role("editor"), Role::admin).error().code, ErrorCode::forbidden);
}

TEST(RequireRole, unknown_role_is_forbidden) {
  EXPECT_EQ(require_role(with_role("root"), Role::viewer).error().code, ErrorCode::forbidden);
  EXPECT_EQ(require_role(with_role(""), Role::viewer).error().code, ErrorCode::forbidden);
}

}  // namespace
}  // namespace mercato::auth
