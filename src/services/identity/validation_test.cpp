#include "services/identity/validation.hpp"

#include <gtest/gtest.h>

namespace mercato::identity {
namespace {

using namespace std::string_literals;

TEST(NormalizeEmail, every_spelling_of_one_account_gives_one_key) {
  EXPECT_EQ(normalize_email("Admin@Mercato.Dev"), "admin@mercato.dev");
  EXPECT_EQ(normalize_email("  ADMIN@mercato.dev "), "admin@mercato.dev");
  EXPECT_EQ(normalize_email("admin@mercato.dev"), "admin@mercato.dev");
  EXPECT_EQ(normalize_email("   "), "");
}

TEST(HasControl, finds_nul_and_every_c0_character_and_del) {
  EXPECT_TRUE(has_control("admin@mercato.dev\0x"s));
  EXPECT_TRUE(has_control("a\tb"));
  EXPECT_TRUE(has_control("a\x7f"));
  EXPECT_FALSE(has_control("élodie@exämple.de"));
  EXPECT_TRUE(email_problem("admin@mercato.dev\0"s).has_value());
}

}  // namespace
}  // namespace mercato::identity
