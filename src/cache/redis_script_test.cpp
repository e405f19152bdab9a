#include "cache/redis_script.hpp"

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

TEST(Script, sha1_is_lowercase_hex_of_the_source_as_redis_names_it) {
  // Reference values from sha1sum; Redis names a script by exactly this digest.
  EXPECT_EQ(Script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(Script("return redis.call('GET', KEYS[1])").sha1(), "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f");
  EXPECT_EQ(Script("return 1").source(), "return 1");
}

TEST(Script, sha1_of_empty_input_is_the_standard_digest) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Script, sha1_covers_every_byte_including_nul) {
  const std::string with_nul("return 1\0", 9);
  EXPECT_NE(sha1_hex(with_nul), sha1_hex("return 1"));
  EXPECT_EQ(sha1_hex(with_nul).size(), 40u);
}

}  // namespace
}  // namespace mercato::cache
