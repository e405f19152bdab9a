#include "auth/jwks.hpp"

#include <gtest/gtest.h>

#include "auth/base64url.hpp"

namespace mercato::auth {
namespace {

TEST(Jwks, renders_okp_ed25519_signing_keys) {
  const auto k = SigningKey::generate(1);
  KeySet set;
  set.add(k.kid, k.public_key);
  const auto json = render_jwks(set);
  const auto x = base64url_encode({reinterpret_cast<const char*>(k.public_key.data()), 32});
  EXPECT_EQ(json, R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + x + R"(","kid":")" + k.kid +
                      R"(","use":"sig","alg":"EdDSA"}]})");
}

TEST(Jwks, parse_round_trips_plain_and_enveloped) {
  const auto a = SigningKey::generate(1), b = SigningKey::generate(2);
  KeySet set;
  set.add(a.kid, a.public_key);
  set.add(b.kid, b.public_key);
  const auto json = render_jwks(set);
  for (const auto& doc : {json, R"({"success":true,"data":)" + json + "}"}) {
    auto parsed = parse_jwks(doc);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 2u);
    ASSERT_TRUE(parsed->find(a.kid));
    EXPECT_EQ(*parsed->find(a.kid), a.public_key);
    EXPECT_EQ(*parsed->find(b.kid), b.public_key);
  }
}

TEST(Jwks, skips_keys_of_other_types_and_uses) {
  const auto a = SigningKey::generate(1);
  const auto x = base64url_encode({reinterpret_cast<const char*>(a.public_key.data()), 32});
  const std::string doc = R"({"keys":[{"kty":"RSA","n":"x","e":"AQAB","kid":"r"},)"
                          R"({"kty":"OKP","crv":"X25519","x":")" +
                          x +
                          R"(","kid":"ecdh"},)"
                          R"({"kty":"OKP","crv":"Ed25519","x":")" +
                          x +
                          R"(","kid":"enc","use":"enc"},)"
                          R"({"kty":"OKP","crv":"Ed25519","x":")" +
                          x + R"(","kid":")" + a.kid + R"("}]})";
  auto parsed = parse_jwks(doc);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_TRUE(parsed->find(a.kid));
}

TEST(Jwks, broken_documents_are_errors) {
  for (const char* doc :
       {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[1]})",
        R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"short","kid":"k"}]})",
        R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})"}) {
    EXPECT_FALSE(parse_jwks(doc)) << doc;
  }
}

TEST(Jwks, a_key_whose_kid_is_not_its_thumbprint_is_ignored_and_named) {
  const auto a = SigningKey::generate(1), b = SigningKey::generate(2);
  const auto x = [](const SigningKey& k) {
    return base64url_encode({reinterpret_cast<const char*>(k.public_key.data()), 32});
  };
  // b's key published under a's kid: a verifier would check a's tokens with the wrong key,
  // or an attacker's key with a trusted kid.
  const std::string doc = R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + x(b) + R"(","kid":")" + a.kid +
                          R"("},{"kty":"OKP","crv":"Ed25519","x":")" + x(b) + R"(","kid":")" + b.kid + R"("}]})";
  std::vector<std::string> ignored;
  auto parsed = parse_jwks(doc, &ignored);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 1u);
  EXPECT_FALSE(parsed->find(a.kid));
  EXPECT_TRUE(parsed->find(b.kid));
  EXPECT_EQ(ignored, std::vector<std::string>{a.kid});
}

TEST(Jwks, a_retiring_key_carries_the_end_of_its_last_token) {
  const auto old_key = SigningKey::generate(1), current = SigningKey::generate(2);
  KeySet set;
  set.add(old_key.kid, old_key.public_key, 1'796'400'930);
  set.add(current.kid, current.public_key);
  const auto json = render_jwks(set);
  EXPECT_NE(json.find(R"("exp":1796400930)"), std::string::npos) << json;
  auto parsed = parse_jwks(json);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->not_after(old_key.kid), 1'796'400'930);
  EXPECT_EQ(parsed->not_after(current.kid), 0);
}

}  // namespace
}  // namespace mercato::auth
