// v2's keyset cursor (CursorSigner::decode). The first byte picks what the rest is:
//   0: a token as a client sends it, and the query it is decoded for;
//   1: a position (sort key, id) and a query, encoded and decoded again: it must come back
//      unchanged, and be refused for any other query;
//   2: a payload this harness signs with the signer's key, so that the code after the MAC
//      check sees hostile contents too (random tokens never get past the MAC).
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "services/catalog/cursor.hpp"

using namespace mercato;
using namespace mercato::catalog;

namespace {

constexpr std::string_view kSecret = "fuzz cursor secret";

const CursorSigner& signer() {
  static const CursorSigner s(kSecret);
  return s;
}

using MacKey = std::array<unsigned char, crypto_auth_KEYBYTES>;

/// base64url(payload || MAC), as CursorSigner::encode writes a token.
std::string sign_with(const MacKey& key, std::string_view payload) {
  std::string buf(payload);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), key.data());
  buf.append(reinterpret_cast<const char*>(mac), sizeof mac);
  const auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(buf.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

/// The MAC key CursorSigner derives from kSecret: its constructor's derivation, repeated here,
/// with a check that fails loudly if the two drift apart.
MacKey derive_mac_key() {
  MacKey k{};
  FUZZ_CHECK(sodium_init() >= 0);
  constexpr std::string_view context = "mercato catalog cursor v1";
  crypto_generichash(k.data(), k.size(), reinterpret_cast<const unsigned char*>(kSecret.data()), kSecret.size(),
                     reinterpret_cast<const unsigned char*>(context.data()), context.size());
  // A cursor the signer made must be the one this harness makes of the same payload.
  const std::string token = signer().encode("q", {"k", "i"});
  std::string raw(token.size(), '\0');
  std::size_t len = 0;
  FUZZ_CHECK(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), token.data(), token.size(),
                               nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  raw.resize(len - crypto_auth_BYTES);
  FUZZ_CHECK(sign_with(k, raw) == token);
  return k;
}

std::string sign(std::string_view payload) {
  static const MacKey key = derive_mac_key();
  return sign_with(key, payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto mode = in.ConsumeIntegralInRange<int>(0, 2);
  const std::string query = in.ConsumeRandomLengthString(64);
  switch (mode) {
    case 0: {
      (void)signer().decode(in.ConsumeRemainingBytesAsString(), query);
      break;
    }
    case 1: {
      CursorPosition pos;
      pos.key = in.ConsumeRandomLengthString(128);
      pos.id = in.ConsumeRemainingBytesAsString();
      // The key ends at the first NUL; PostgreSQL text (every sort key) never holds one.
      if (pos.key.find('\0') != std::string::npos) return 0;
      const std::string token = signer().encode(query, pos);
      auto back = signer().decode(token, query);
      if (token.size() > CursorSigner::kMaxTokenLength) {
        FUZZ_CHECK(!back);
        break;
      }
      FUZZ_CHECK(back && *back == pos);
      FUZZ_CHECK(!signer().decode(token, query + "x"));
      break;
    }
    case 2: {
      auto back = signer().decode(sign(in.ConsumeRemainingBytesAsString()), query);
      if (back) FUZZ_CHECK(back->key.find('\0') == std::string::npos);
      break;
    }
  }
  return 0;
}
