#include "container/secret_files.hpp"

#include <map>

#include <gtest/gtest.h>

namespace mercato::container {
namespace {

FileReader files(std::map<std::string, std::string> contents) {
  return [contents](const std::string& path) -> std::optional<std::string> {
    auto it = contents.find(path);
    if (it == contents.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SecretFiles, file_variable_becomes_the_variable_without_its_trailing_newline) {
  auto got = secrets_from_files({"DB_PASSWORD_FILE=/run/secrets/db", "HTTP_PORT=8080"},
                                files({{"/run/secrets/db", "s3cret\n"}}));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].first, "DB_PASSWORD");
  EXPECT_EQ((*got)[0].second, "s3cret");
}

TEST(SecretFiles, only_one_line_ending_is_removed_and_crlf_counts_as_one) {
  auto got = secrets_from_files({"A_FILE=/a", "B_FILE=/b"}, files({{"/a", "x\n\n"}, {"/b", "y\r\n"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)[0].second, "x\n");
  EXPECT_EQ((*got)[1].second, "y");
}

TEST(SecretFiles, variable_set_both_ways_is_refused_naming_both) {
  auto got = secrets_from_files({"REDIS_PASSWORD=literal", "REDIS_PASSWORD_FILE=/r"}, files({{"/r", "x"}}));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "REDIS_PASSWORD and REDIS_PASSWORD_FILE are both set: set one of them");
}

TEST(SecretFiles, unreadable_or_empty_file_is_refused_naming_the_variable) {
  auto missing = secrets_from_files({"DB_PASSWORD_FILE=/nope"}, files({}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "DB_PASSWORD_FILE=/nope: the file cannot be read");
  auto empty = secrets_from_files({"DB_PASSWORD_FILE=/e"}, files({{"/e", "\n"}}));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "DB_PASSWORD_FILE=/e: the file is empty");
}

TEST(SecretFiles, a_variable_named_only_FILE_is_left_alone) {
  auto got = secrets_from_files({"_FILE=/x", "FILE=/y"}, files({}));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->empty());
}

}  // namespace
}  // namespace mercato::container
