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
                          x + R"(","kid":"ok"}]})";
  auto parsed = parse_jwks(doc);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_TRUE(parsed->find("ok"));
}

TEST(Jwks, broken_documents_are_errors) {
  for (const char* doc :
       {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[1]})",
        R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"short","kid":"k"}]})",
        R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})"}) {
    EXPECT_FALSE(parse_jwks(doc)) << doc;
  }
}

}  // namespace
}  // namespace mercato::auth
