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

TEST(ReadinessGate, answers_503_on_a_held_back_path_until_ready_and_then_lets_it_through) {
  bool ready = false;
  const auto gate = mercato::service::readiness_gate([&ready] { return ready; }, "catalog", {"/api/v1/.well-known/"});
  mercato::http::Request req;
  req.target = "/api/v1/products";
  auto answer = gate.before(req);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("catalog database is not ready"), std::string::npos) << answer->body;
  req.target = "/api/v1/.well-known/jwks.json";
  EXPECT_FALSE(gate.before(req)) << "an exempt path passes while not ready";
  ready = true;
  req.target = "/api/v1/products";
  EXPECT_FALSE(gate.before(req));
}
