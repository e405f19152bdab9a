#include "auth/base64url.hpp"

#include <gtest/gtest.h>

namespace mercato::auth {
namespace {

TEST(Base64url, round_trips_every_length_without_padding) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    const auto enc = base64url_encode(bytes);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(enc.size(), (bytes.size() * 4 + 2) / 3);
    const auto dec = base64url_decode(enc);
    ASSERT_TRUE(dec) << enc;
    EXPECT_EQ(*dec, bytes);
    bytes.push_back(static_cast<char>(n * 37 + 250));
  }
}

TEST(Base64url, uses_the_url_safe_alphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(*base64url_decode("-_-_"), "\xfb\xff\xbf");
}

TEST(Base64url, refuses_the_standard_alphabet_padding_and_whitespace) {
  EXPECT_FALSE(base64url_decode("+/+/"));
  EXPECT_FALSE(base64url_decode("QQ=="));
  EXPECT_FALSE(base64url_decode("QQ="));
  EXPECT_FALSE(base64url_decode("QU JD"));
  EXPECT_FALSE(base64url_decode("QUJD\n"));
  EXPECT_FALSE(base64url_decode("QUJD."));
}

TEST(Base64url, refuses_impossible_lengths_and_non_canonical_trailing_bits) {
  EXPECT_FALSE(base64url_decode("Q"));  // 1 mod 4 can encode nothing
  EXPECT_FALSE(base64url_decode("QUJDR"));
  EXPECT_TRUE(base64url_decode("QQ"));   // "A"
  EXPECT_FALSE(base64url_decode("QR"));  // same byte with a stray low bit set
  EXPECT_TRUE(base64url_decode("QUI"));  // "AB"
  EXPECT_FALSE(base64url_decode("QUJ"));
}

TEST(Base64url, empty_is_empty) {
  EXPECT_EQ(base64url_encode(""), "");
  ASSERT_TRUE(base64url_decode(""));
  EXPECT_EQ(*base64url_decode(""), "");
}

TEST(Base64url, exact_decoding_insists_on_the_length) {
  unsigned char out[3];
  EXPECT_TRUE(base64url_decode_exact("QUJD", out, 3));
  EXPECT_FALSE(base64url_decode_exact("QUI", out, 3));
  EXPECT_FALSE(base64url_decode_exact("QUJDRA", out, 3));
}

}  // namespace
}  // namespace mercato::auth
