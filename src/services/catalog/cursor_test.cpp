#include "services/catalog/cursor.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

const CursorPosition kPos{"2025-03-25T22:15:18.686333Z", "01a212d5-06d5-7604-b29e-d1807add0128"};
constexpr std::string_view kQuery = R"(["store","-created_at",null,null,null])";

TEST(Cursor, round_trips_its_position) {
  CursorSigner s("secret");
  auto back = s.decode(s.encode(kQuery, kPos), kQuery);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, kPos);
}

TEST(Cursor, is_url_safe_and_opaque) {
  const auto token = CursorSigner("secret").encode(kQuery, kPos);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(token.find("2025"), std::string::npos);
}

TEST(Cursor, names_with_any_bytes_round_trip) {
  CursorSigner s("secret");
  const CursorPosition odd{"Ünïcode | name \" with ' quotes", "01a212d5-06d5-7604-b29e-d1807add0128"};
  auto back = s.decode(s.encode(kQuery, odd), kQuery);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, odd);
}

TEST(Cursor, every_single_character_change_is_rejected) {
  CursorSigner s("secret");
  const auto token = s.encode(kQuery, kPos);
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    auto r = s.decode(t, kQuery);
    ASSERT_FALSE(r.ok()) << "position " << i;
    EXPECT_EQ(r.error().code, ErrorCode::bad_request);
  }
}

TEST(Cursor, truncated_extended_and_garbage_tokens_are_rejected) {
  CursorSigner s("secret");
  const auto token = s.encode(kQuery, kPos);
  for (const std::string& bad : {token.substr(0, token.size() - 1), token + "A", std::string("garbage"),
                                 std::string(), std::string("%%%"), std::string(2000, 'A')})
    EXPECT_FALSE(s.decode(bad, kQuery).ok()) << bad;
}

TEST(Cursor, a_cursor_of_another_key_is_rejected) {
  const auto token = CursorSigner("one").encode(kQuery, kPos);
  EXPECT_FALSE(CursorSigner("two").decode(token, kQuery).ok());
  EXPECT_FALSE(CursorSigner::random().decode(token, kQuery).ok());
  EXPECT_TRUE(CursorSigner("one").decode(token, kQuery).ok());  // same secret: another instance accepts it
}

TEST(Cursor, a_cursor_of_another_query_is_rejected) {
  CursorSigner s("secret");
  auto r = s.decode(s.encode(kQuery, kPos), R"(["store","price",null,null,null])");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("different query"), std::string::npos);
}

}  // namespace
}  // namespace mercato::catalog
