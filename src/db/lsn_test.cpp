#include "db/lsn.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

TEST(Lsn, reads_what_postgresql_prints) {
  EXPECT_EQ(parse_lsn("0/0"), Lsn{0});
  EXPECT_EQ(parse_lsn("16/B374D848"), (Lsn{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(parse_lsn("ffffffff/ffffffff"), ~Lsn{0});
  EXPECT_EQ(parse_lsn("0/3000060"), Lsn{0x3000060});
}

TEST(Lsn, prints_as_postgresql_does) {
  EXPECT_EQ(format_lsn(0), "0/0");
  EXPECT_EQ(format_lsn((Lsn{0x16} << 32) | 0xB374D848u), "16/B374D848");
  for (Lsn v : {Lsn{1}, Lsn{0x1234567890abcdefULL}, ~Lsn{0}}) EXPECT_EQ(parse_lsn(format_lsn(v)), v);
}

TEST(Lsn, refuses_anything_else) {
  for (const char* bad : {"", "/", "0/", "/0", "0", "0//0", "0/0/0", "123456789/0", "0/123456789", "0x1/0", "-1/0",
                          " 0/0", "0/0 ", "g/0", "0/1\n", "+1/0"})
    EXPECT_FALSE(parse_lsn(bad)) << bad;
}

}  // namespace
}  // namespace mercato::db
