// Access-token verification (auth::verify_token, peek_kid). The first byte picks what the
// rest is:
//   0: a token as a client sends it;
//   1: a header and a payload (JSON text) that this harness signs with a trusted key, so that
//      the claim checks behind the signature see hostile JSON too;
//   2: claims that sign_token writes and verify_token must read back unchanged.
#include <fuzzer/FuzzedDataProvider.h>
#include <simdjson.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/roles.hpp"
#include "check.hpp"

using namespace mercato;
using namespace mercato::auth;

namespace {

// A realistic clock (the verifier's own, never the attacker's): 2027-01-15.
constexpr std::int64_t kNow = 1'800'000'000;

const SigningKey& key() {
  static const SigningKey k = [] {
    std::array<unsigned char, 32> seed{};
    seed.fill(7);
    return SigningKey::from_seed(seed.data(), 0);
  }();
  return k;
}

const KeySet& keys() {
  static const KeySet s = [] {
    KeySet ks;
    ks.add(key().kid, key().public_key);
    return ks;
  }();
  return s;
}

const VerifyOptions& options() {
  static const VerifyOptions o = [] {
    VerifyOptions v;
    v.issuer = "mercato-identity";
    v.audience = "mercato";
    v.leeway_seconds = 30;
    return v;
  }();
  return o;
}

std::string sign_raw(std::string_view header, std::string_view payload) {
  std::string token = base64url_encode(header) + "." + base64url_encode(payload);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       key().secret_key.data());
  return token + "." + base64url_encode({reinterpret_cast<const char*>(sig), sizeof sig});
}

/// What a verified token promises its reader.
void check_accepted(const Claims& c, std::int64_t now) {
  FUZZ_CHECK(c.iss == options().issuer && !c.sub.empty() && !c.store.empty() && parse_role(c.role));
  FUZZ_CHECK(c.exp > c.iat && c.iat <= now + options().leeway_seconds);
  FUZZ_CHECK(now - options().leeway_seconds < c.exp);
}

bool utf8(const std::string& s) { return simdjson::validate_utf8(s.data(), s.size()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto mode = in.ConsumeIntegralInRange<int>(0, 2);
  Claims out;
  std::string kid;
  switch (mode) {
    case 0: {
      const std::string token = in.ConsumeRemainingBytesAsString();
      (void)peek_kid(token);
      if (verify_token(token, keys(), options(), kNow, out, &kid) == TokenFault::none) check_accepted(out, kNow);
      break;
    }
    case 1: {
      const std::string header = in.ConsumeRandomLengthString(256);
      const std::string token = sign_raw(header, in.ConsumeRemainingBytesAsString());
      (void)peek_kid(token);
      if (verify_token(token, keys(), options(), kNow, out, &kid) == TokenFault::none) check_accepted(out, kNow);
      break;
    }
    case 2: {
      Claims c;
      c.iss = options().issuer;
      c.aud = options().audience;
      c.sub = in.ConsumeRandomLengthString(64);
      c.store = in.ConsumeRandomLengthString(64);
      c.jti = in.ConsumeRandomLengthString(64);
      c.role = in.ConsumeRandomLengthString(16);
      c.iat = in.ConsumeIntegral<std::int64_t>();
      c.exp = in.ConsumeIntegral<std::int64_t>();
      if (in.ConsumeBool()) c.nbf = in.ConsumeIntegral<std::int64_t>();
      const std::int64_t now = in.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000'000);
      const std::string token = sign_token(c, key());
      FUZZ_CHECK(peek_kid(token) == key().kid);
      const auto fault = verify_token(token, keys(), options(), now, out, &kid);
      if (fault == TokenFault::none) check_accepted(out, now);
      const bool valid = !c.sub.empty() && !c.store.empty() && parse_role(c.role) && c.exp > c.iat &&
                         c.iat <= now + options().leeway_seconds &&
                         (!c.nbf || *c.nbf <= now + options().leeway_seconds) &&
                         now < c.exp && utf8(c.sub) && utf8(c.store) && utf8(c.jti);
      if (valid) {
        FUZZ_CHECK(fault == TokenFault::none);
        FUZZ_CHECK(out.sub == c.sub && out.store == c.store && out.role == c.role && out.iat == c.iat &&
                   out.exp == c.exp && out.nbf == c.nbf);
      }
      break;
    }
  }
  return 0;
}
