#include "db/migrations.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

std::vector<std::string> names_of(const std::vector<MigrationFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.file_name);
  return out;
}

TEST(OrderMigrations, sorts_by_number_not_by_text) {
  auto files = order_migrations({"10_ten.sql", "2_two.sql", "0001_one.sql", "3_three.sql", "4_a.sql", "5_b.sql",
                                 "6_c.sql", "7_d.sql", "8_e.sql", "9_f.sql"});
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(names_of(*files).front(), "0001_one.sql");
  EXPECT_EQ(names_of(*files)[1], "2_two.sql");
  EXPECT_EQ(names_of(*files).back(), "10_ten.sql");
  EXPECT_EQ(files->back().version, 10);
}

TEST(OrderMigrations, ignores_files_that_are_not_sql) {
  auto files = order_migrations({"README.md", "0001_init.sql", ".keep"});
  ASSERT_TRUE(files);
  EXPECT_EQ(names_of(*files), std::vector<std::string>{"0001_init.sql"});
}

TEST(OrderMigrations, empty_directory_is_fine) {
  auto files = order_migrations({});
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

TEST(OrderMigrations, duplicate_number_is_an_error_naming_both_files) {
  auto files = order_migrations({"0001_init.sql", "0002_a.sql", "0002_b.sql"});
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("0002_a.sql"), std::string::npos);
  EXPECT_NE(files.error().message.find("0002_b.sql"), std::string::npos);
}

TEST(OrderMigrations, gap_is_an_error_naming_the_missing_number) {
  auto files = order_migrations({"0001_init.sql", "0003_c.sql"});
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("number 2 is missing"), std::string::npos) << files.error().message;
}

TEST(OrderMigrations, must_start_at_one) {
  EXPECT_FALSE(order_migrations({"0002_b.sql"}));
}

TEST(OrderMigrations, malformed_sql_file_names_are_errors) {
  for (const char* bad : {"init.sql", "_init.sql", "0001init.sql", "0001_.sql", "00a1_x.sql", "0000_zero.sql"}) {
    auto files = order_migrations({bad});
    EXPECT_FALSE(files) << bad;
  }
}

TEST(Sha256, matches_known_vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace mercato::db
