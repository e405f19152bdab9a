// Inputs the fuzz harness tests/fuzz/jwt.cpp found, kept as regressions.
#include <gtest/gtest.h>

#include <limits>

#include "auth/jwt.hpp"

namespace mercato::auth {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;

Claims claims_until(std::int64_t exp) {
  Claims c;
  c.iss = "mercato-identity";
  c.aud = "mercato";
  c.sub = "0190f5b2-0000-7000-8000-000000000001";
  c.role = "viewer";
  c.store = "00000000-0000-7000-8000-000000000001";
  c.iat = kNow;
  c.exp = exp;
  return c;
}

// exp + leeway overflowed (undefined behaviour; wrapped, it read as long expired).
TEST(JwtFuzz, a_token_valid_until_the_largest_numeric_date_is_not_expired) {
  const auto key = SigningKey::generate(1);
  KeySet keys;
  keys.add(key.kid, key.public_key);
  const VerifyOptions opts{"mercato-identity", "mercato", 30};
  for (std::int64_t exp : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max() - 29}) {
    Claims out;
    EXPECT_EQ(verify_token(sign_token(claims_until(exp), key), keys, opts, kNow, out), TokenFault::none) << exp;
    EXPECT_EQ(out.exp, exp);
  }
}

}  // namespace
}  // namespace mercato::auth
