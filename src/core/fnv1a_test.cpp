#include "core/fnv1a.hpp"

#include <gtest/gtest.h>

namespace mercato {
namespace {

// The reference values of the FNV authors' test suite (64-bit FNV-1a): a slip in the prime, the
// basis or the order of xor and multiply changes every ETag the services send.
TEST(Fnv1a, matches_the_reference_values) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fnv1a, continues_from_a_previous_hash_as_if_the_bytes_were_joined) {
  EXPECT_EQ(fnv1a("bar", fnv1a("foo")), fnv1a("foobar"));
}

TEST(Fnv1a, reads_bytes_above_0x7f_as_unsigned) {
  // A signed char would sign-extend 0xe9 into the xor and give a different hash.
  EXPECT_EQ(fnv1a("\xe9"), (kFnv1aOffsetBasis ^ 0xe9ULL) * 0x100000001b3ULL);
}

static_assert(fnv1a("a") == 0xaf63dc4c8601ec8cULL, "usable in constant expressions");

}  // namespace
}  // namespace mercato
