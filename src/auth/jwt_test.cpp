#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "auth/base64url.hpp"

namespace mercato::auth {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;

struct Fixture : ::testing::Test {
  SigningKey key = SigningKey::generate(1);
  KeySet keys;
  VerifyOptions opts{"mercato-identity", "mercato", 30};
  Claims claims;

  void SetUp() override {
    keys.add(key.kid, key.public_key);
    claims.iss = "mercato-identity";
    claims.aud = "mercato";
    claims.sub = "0190f5b2-0000-7000-8000-000000000001";
    claims.role = "editor";
    claims.store = "00000000-0000-7000-8000-000000000001";
    claims.iat = kNow;
    claims.exp = kNow + 900;
    claims.jti = "j1";
  }

  TokenFault check(const std::string& token, std::int64_t now = kNow) {
    Claims out;
    return verify_token(token, keys, opts, now, out);
  }

  // A token with the given header and payload JSON, signed by our key (so only the
  // property under test is wrong).
  std::string signed_raw(const std::string& header, const std::string& payload) {
    std::string t = base64url_encode(header) + "." + base64url_encode(payload);
    unsigned char sig[64];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(t.data()), t.size(),
                         key.secret_key.data());
    return t + "." + base64url_encode({reinterpret_cast<const char*>(sig), 64});
  }
  std::string header() const { return R"({"alg":"EdDSA","typ":"JWT","kid":")" + key.kid + "\"}"; }
  std::string payload_with(const std::string& extra_or_replacement) const {
    return R"({"iss":"mercato-identity","aud":"mercato","sub":"u1","role":"viewer","store":"s1",)" +
           extra_or_replacement + "}";
  }
};

using Jwt = Fixture;

TEST_F(Jwt, round_trip_keeps_every_claim) {
  const auto token = sign_token(claims, key);
  Claims out;
  std::string kid;
  ASSERT_EQ(verify_token(token, keys, opts, kNow, out, &kid), TokenFault::none);
  EXPECT_EQ(kid, key.kid);
  EXPECT_EQ(out.sub, claims.sub);
  EXPECT_EQ(out.role, "editor");
  EXPECT_EQ(out.store, claims.store);
  EXPECT_EQ(out.iss, claims.iss);
  EXPECT_EQ(out.aud, claims.aud);
  EXPECT_EQ(out.iat, claims.iat);
  EXPECT_EQ(out.exp, claims.exp);
  EXPECT_EQ(out.jti, "j1");
  EXPECT_EQ(peek_kid(token), key.kid);
}

TEST_F(Jwt, header_names_eddsa_and_the_kid) {
  const auto token = sign_token(claims, key);
  const auto header = base64url_decode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  EXPECT_EQ(*header, R"({"alg":"EdDSA","typ":"JWT","kid":")" + key.kid + "\"}");
}

TEST_F(Jwt, tampered_payload_fails_the_signature) {
  const auto token = sign_token(claims, key);
  const auto d1 = token.find('.'), d2 = token.rfind('.');
  auto payload = *base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  payload.replace(payload.find("editor"), 6, "admin");
  const auto forged = token.substr(0, d1 + 1) + base64url_encode(payload) + token.substr(d2);
  EXPECT_EQ(check(forged), TokenFault::signature);
}

TEST_F(Jwt, tampered_signature_fails) {
  auto token = sign_token(claims, key);
  // Flip one bit of the signature's first byte (keeps the encoding canonical).
  const auto d2 = token.rfind('.');
  auto sig = *base64url_decode(token.substr(d2 + 1));
  sig[0] = static_cast<char>(sig[0] ^ 1);
  EXPECT_EQ(check(token.substr(0, d2 + 1) + base64url_encode(sig)), TokenFault::signature);
}

TEST_F(Jwt, signature_from_another_key_with_our_kid_fails) {
  const auto other = SigningKey::generate(2);
  SigningKey impostor = other;
  impostor.kid = key.kid;
  EXPECT_EQ(check(sign_token(claims, impostor)), TokenFault::signature);
}

TEST_F(Jwt, alg_none_is_refused) {
  const auto t = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                 base64url_encode(payload_with(R"("iat":1750000000,"exp":1750000900)")) + ".";
  EXPECT_EQ(check(t), TokenFault::malformed);  // empty signature segment
  const auto t2 = base64url_encode(R"({"alg":"none","kid":")" + key.kid + "\"}") + "." +
                  base64url_encode(payload_with(R"("iat":1750000000,"exp":1750000900)")) + ".AAAA";
  EXPECT_EQ(check(t2), TokenFault::algorithm);
}

TEST_F(Jwt, hs256_keyed_with_the_public_key_is_refused) {
  // The classic algorithm-confusion attack: HMAC with the public key's bytes as secret.
  const std::string input = base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":")" + key.kid + "\"}") + "." +
                            base64url_encode(payload_with(R"("iat":1750000000,"exp":1750000900)"));
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.public_key.data(), key.public_key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  EXPECT_EQ(check(input + "." + base64url_encode({reinterpret_cast<const char*>(mac), sizeof mac})),
            TokenFault::algorithm);
}

TEST_F(Jwt, other_algorithms_and_case_variants_are_refused) {
  for (const char* alg : {"RS256", "ES256", "HS512", "eddsa", "EdDSA ", "Ed25519"}) {
    const auto t = signed_raw(std::string(R"({"alg":")") + alg + R"(","kid":")" + key.kid + "\"}",
                              payload_with(R"("iat":1750000000,"exp":1750000900)"));
    EXPECT_EQ(check(t), TokenFault::algorithm) << alg;
  }
  EXPECT_EQ(check(signed_raw(R"({"kid":")" + key.kid + "\"}", payload_with(R"("iat":1750000000,"exp":1750000900)"))),
            TokenFault::algorithm);
}

TEST_F(Jwt, crit_header_and_foreign_typ_are_refused) {
  EXPECT_EQ(check(signed_raw(R"({"alg":"EdDSA","kid":")" + key.kid + R"(","crit":["exp"]})",
                             payload_with(R"("iat":1750000000,"exp":1750000900)"))),
            TokenFault::algorithm);
  EXPECT_EQ(check(signed_raw(R"({"alg":"EdDSA","typ":"JOSE+JSON","kid":")" + key.kid + "\"}",
                             payload_with(R"("iat":1750000000,"exp":1750000900)"))),
            TokenFault::algorithm);
}

TEST_F(Jwt, unknown_or_missing_kid_is_refused) {
  const auto other = SigningKey::generate(2);
  EXPECT_EQ(check(sign_token(claims, other)), TokenFault::unknown_key);
  EXPECT_EQ(check(signed_raw(R"({"alg":"EdDSA"})", payload_with(R"("iat":1750000000,"exp":1750000900)"))),
            TokenFault::unknown_key);
}

TEST_F(Jwt, expired_after_the_leeway_only) {
  const auto token = sign_token(claims, key);
  EXPECT_EQ(check(token, claims.exp - 1), TokenFault::none);
  EXPECT_EQ(check(token, claims.exp + 29), TokenFault::none);  // clock skew tolerated
  EXPECT_EQ(check(token, claims.exp + 30), TokenFault::expired);
  EXPECT_EQ(check(token, claims.exp + 100000), TokenFault::expired);
}

TEST_F(Jwt, not_yet_valid_beyond_the_leeway) {
  claims.nbf = kNow + 120;
  EXPECT_EQ(check(sign_token(claims, key), kNow), TokenFault::not_yet_valid);
  EXPECT_EQ(check(sign_token(claims, key), kNow + 95), TokenFault::none);
  claims.nbf.reset();
  claims.iat = kNow + 60;
  claims.exp = kNow + 900;
  EXPECT_EQ(check(sign_token(claims, key), kNow), TokenFault::not_yet_valid);
}

TEST_F(Jwt, iat_may_run_one_second_ahead_even_without_leeway) {
  // Identity dates a token issued in the second of a revocation at its not-before, the next
  // whole second (services/identity/revocations.hpp).
  opts.leeway_seconds = 0;
  claims.iat = kNow + 1;
  EXPECT_EQ(check(sign_token(claims, key), kNow), TokenFault::none);
  claims.iat = kNow + 2;
  EXPECT_EQ(check(sign_token(claims, key), kNow), TokenFault::not_yet_valid);
}

TEST_F(Jwt, wrong_issuer_or_audience_is_refused) {
  claims.iss = "someone-else";
  EXPECT_EQ(check(sign_token(claims, key)), TokenFault::issuer);
  claims.iss = "mercato-identity";
  claims.aud = "other-app";
  EXPECT_EQ(check(sign_token(claims, key)), TokenFault::audience);
}

TEST_F(Jwt, audience_may_be_an_array_containing_ours) {
  const auto p =
      R"({"iss":"mercato-identity","aud":["x","mercato"],"sub":"u1","role":"viewer","store":"s1","iat":1750000000,"exp":1750000900})";
  EXPECT_EQ(check(signed_raw(header(), p)), TokenFault::none);
  const auto q =
      R"({"iss":"mercato-identity","aud":["x","y"],"sub":"u1","role":"viewer","store":"s1","iat":1750000000,"exp":1750000900})";
  EXPECT_EQ(check(signed_raw(header(), q)), TokenFault::audience);
}

TEST_F(Jwt, missing_or_mistyped_claims_are_refused) {
  const std::string base = R"("iss":"mercato-identity","aud":"mercato")";
  const std::vector<std::string> payloads = {
      "{" + base + R"(,"role":"viewer","store":"s1","iat":1750000000,"exp":1750000900})",             // no sub
      "{" + base + R"(,"sub":"u1","store":"s1","iat":1750000000,"exp":1750000900})",                  // no role
      "{" + base + R"(,"sub":"u1","role":"viewer","iat":1750000000,"exp":1750000900})",               // no store
      "{" + base + R"(,"sub":"u1","role":"viewer","store":"s1","exp":1750000900})",                   // no iat
      "{" + base + R"(,"sub":"u1","role":"viewer","store":"s1","iat":1750000000})",                   // no exp
      "{" + base + R"(,"sub":"u1","role":"root","store":"s1","iat":1750000000,"exp":1750000900})",    // unknown role
      "{" + base + R"(,"sub":7,"role":"viewer","store":"s1","iat":1750000000,"exp":1750000900})",     // sub not string
      "{" + base + R"(,"sub":"u1","role":"viewer","store":"s1","iat":1750000000,"exp":"soon"})",      // exp not number
      "{" + base + R"(,"sub":"u1","role":"viewer","store":"s1","iat":1750000900,"exp":1750000000})",  // exp before iat
  };
  for (const auto& p : payloads) EXPECT_EQ(check(signed_raw(header(), p)), TokenFault::claims) << p;
  EXPECT_EQ(
      check(signed_raw(
          header(), R"({"sub":"u1","role":"viewer","store":"s1","aud":"mercato","iat":1750000000,"exp":1750000900})")),
      TokenFault::issuer);
}

TEST_F(Jwt, duplicate_members_are_malformed) {
  EXPECT_EQ(check(signed_raw(R"({"alg":"EdDSA","alg":"none","kid":")" + key.kid + "\"}",
                             payload_with(R"("iat":1750000000,"exp":1750000900)"))),
            TokenFault::malformed);
  EXPECT_EQ(check(signed_raw(header(), payload_with(R"("role":"admin","iat":1750000000,"exp":1750000900)"))),
            TokenFault::malformed);
}

TEST_F(Jwt, garbage_truncated_and_oversized_tokens_are_malformed) {
  const auto token = sign_token(claims, key);
  for (const std::string& t :
       {std::string(""), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), std::string(".."),
        token.substr(0, token.size() - 10), token + "=", token.substr(0, token.rfind('.')), std::string("eyJ.eyJ.AAAA"),
        std::string(5000, 'a') + "." + "b.c"}) {
    const auto f = check(t);
    EXPECT_TRUE(f == TokenFault::malformed) << t << " → " << fault_name(f);
  }
  // Header that decodes to JSON but not an object.
  EXPECT_EQ(check(base64url_encode("[1]") + "." + base64url_encode("{}") + ".AAAA"), TokenFault::malformed);
}

TEST_F(Jwt, fractional_numeric_dates_are_accepted) {
  EXPECT_EQ(check(signed_raw(header(), payload_with(R"("iat":1750000000.5,"exp":1750000900.25)"))), TokenFault::none);
}

// RFC 8037 appendix A: the thumbprint of its example key, and its example signature (Ed25519
// is deterministic, so ours must match byte for byte).
TEST(JwtRfc8037, thumbprint_and_signature_match_the_rfc) {
  unsigned char seed[32];
  ASSERT_TRUE(base64url_decode_exact("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", seed, 32));
  const auto k = SigningKey::from_seed(seed, 0);
  EXPECT_EQ(base64url_encode({reinterpret_cast<const char*>(k.public_key.data()), 32}),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(k.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  const std::string input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  unsigned char sig[64];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       k.secret_key.data());
  EXPECT_EQ(base64url_encode({reinterpret_cast<const char*>(sig), 64}),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

}  // namespace
}  // namespace mercato::auth
