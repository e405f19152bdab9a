#include "auth/authenticate.hpp"

#include <gtest/gtest.h>

#include "auth/test_support.hpp"

namespace mercato::auth {
namespace {

class StaticSource : public KeySource {
 public:
  explicit StaticSource(std::shared_ptr<const KeySet> s) : set(std::move(s)) {}
  std::shared_ptr<const KeySet> set;
  std::shared_ptr<const KeySet> keys() const override { return set; }
  asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string) override { co_return set; }
};

struct AuthenticateTest : ::testing::Test {
  SigningKey key = SigningKey::generate(1);
  http::Middleware mw;
  boost::asio::io_context io;
  bool reached = false;
  std::optional<http::Principal> seen;

  void SetUp() override {
    auto set = std::make_shared<KeySet>();
    set->add(key.kid, key.public_key);
    mw = authenticate(
        std::make_shared<TokenVerifier>(std::make_shared<StaticSource>(set), VerifyOptions{"iss", "aud", 0}));
  }

  std::string token(std::int64_t iat, std::int64_t exp) {
    return sign_token(Claims{"iss", "aud", "user-9", "admin", "store-2", "", iat, exp, {}}, key);
  }

  http::Response call(std::optional<std::string> authorization) {
    http::Request req;
    std::string value = authorization.value_or("");
    if (authorization) req.headers.emplace_back("Authorization", value);
    http::Next next = [this](http::Request& r) -> asio::awaitable<http::Response> {
      reached = true;
      seen = r.principal;
      co_return http::Response{};
    };
    return testing::run(io, mw(req, next));
  }
};

TEST_F(AuthenticateTest, no_header_passes_without_a_principal) {
  auto r = call(std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(reached);
  EXPECT_FALSE(seen);
}

TEST_F(AuthenticateTest, a_good_token_fills_the_principal) {
  const auto now = unix_now();
  auto r = call("Bearer " + token(now, now + 60));
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->subject, "user-9");
  EXPECT_EQ(seen->role, "admin");
  EXPECT_EQ(seen->store, "store-2");
  reached = false;
  call("bearer   " + token(now, now + 60));  // scheme is case-insensitive
  EXPECT_TRUE(reached);
}

TEST_F(AuthenticateTest, an_expired_token_is_token_expired) {
  const auto now = unix_now();
  auto r = call("Bearer " + token(now - 120, now - 60));
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(reached);
  EXPECT_NE(r.body.find("\"token_expired\""), std::string::npos);
  EXPECT_TRUE(r.header("WWW-Authenticate"));
}

TEST_F(AuthenticateTest, a_present_but_bad_header_is_invalid_token) {
  for (const char* h : {"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer abc.def.ghi", "Token x", ""}) {
    reached = false;
    auto r = call(std::string(h));
    EXPECT_EQ(r.status, 401) << h;
    EXPECT_FALSE(reached) << h;
    EXPECT_NE(r.body.find("\"invalid_token\""), std::string::npos) << h;
  }
}

TEST(BearerToken, parses_the_scheme) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER abc "), "abc");
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Bearer   "));
  EXPECT_FALSE(bearer_token("Basic abc"));
}

}  // namespace
}  // namespace mercato::auth
