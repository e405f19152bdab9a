#include "service/readiness_gate.hpp"

#include <gtest/gtest.h>

using mercato::service::held_back;

TEST(ReadinessGate, HoldsBackEveryApiPath) {
  for (const char* path : {"/api/v1/products", "/api/v2/products", "/api/v1/auth/login", "/api/"})
    EXPECT_TRUE(held_back(path, {})) << path;
}

TEST(ReadinessGate, LetsHealthAndOtherPathsThrough) {
  for (const char* path : {"/health/ready", "/health/live", "/internal/v1/revocations", "/api", "/apix/v1", "/"})
    EXPECT_FALSE(held_back(path, {})) << path;
}

TEST(ReadinessGate, ExemptPrefixesPassOnlyWhatTheyName) {
  const std::vector<std::string> jwks{"/api/v1/.well-known/"};
  EXPECT_FALSE(held_back("/api/v1/.well-known/jwks.json", jwks));
  EXPECT_TRUE(held_back("/api/v1/.well-known", jwks));  // not under the prefix
  EXPECT_TRUE(held_back("/api/v2/.well-known/jwks.json", jwks));
  EXPECT_TRUE(held_back("/api/v1/users", jwks));
}
