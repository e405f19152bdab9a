#include "auth/refresh_token.hpp"

#include <set>

#include <gtest/gtest.h>

namespace mercato::auth {
namespace {

using namespace std::chrono_literals;

TEST(RefreshToken, is_43_base64url_characters_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = new_refresh_token();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_TRUE(is_refresh_token_shape(t));
    EXPECT_TRUE(seen.insert(t).second);
  }
  EXPECT_FALSE(is_refresh_token_shape("short"));
  EXPECT_FALSE(is_refresh_token_shape(std::string(43, '+')));
}

TEST(RefreshToken, hash_is_hex_sha256) {
  EXPECT_EQ(refresh_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RefreshToken, fingerprint_separates_its_parts) {
  EXPECT_NE(client_fingerprint("ab", "c"), client_fingerprint("a", "bc"));
  EXPECT_EQ(client_fingerprint("1.2.3.4", "ua"), client_fingerprint("1.2.3.4", "ua"));
}

TEST(GraceSeal, only_the_presented_token_opens_the_successor) {
  const auto old_token = new_refresh_token(), successor = new_refresh_token();
  const auto sealed = seal_successor(old_token, successor);
  EXPECT_EQ(sealed.find(successor), std::string::npos);
  EXPECT_EQ(open_successor(old_token, sealed), successor);
  EXPECT_FALSE(open_successor(new_refresh_token(), sealed));
  auto tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(open_successor(old_token, tampered));
  EXPECT_FALSE(open_successor(old_token, "zz"));
  EXPECT_FALSE(open_successor(old_token, ""));
}

struct Decide : ::testing::Test {
  RefreshState s;
  const std::string me = client_fingerprint("10.0.0.1", "Firefox");
  void SetUp() override {
    s.used = true;
    s.since_used = 500ms;
    s.used_by = me;
    s.successor_unused = true;
    s.has_sealed_successor = true;
  }
  RefreshAction run() const { return decide_refresh(s, me, 2s); }
};

TEST_F(Decide, an_unused_token_rotates) {
  s.used = false;
  EXPECT_EQ(run(), RefreshAction::rotate);
}

TEST_F(Decide, a_duplicate_from_the_same_client_inside_the_window_gets_the_same_successor) {
  EXPECT_EQ(run(), RefreshAction::replay_successor);
  s.since_used = 2s;
  EXPECT_EQ(run(), RefreshAction::replay_successor);
}

TEST_F(Decide, a_used_token_after_the_window_is_reuse) {
  s.since_used = 2001ms;
  EXPECT_EQ(run(), RefreshAction::reuse_detected);
}

TEST_F(Decide, a_duplicate_from_another_client_is_reuse) {
  s.used_by = client_fingerprint("10.0.0.2", "curl");
  EXPECT_EQ(run(), RefreshAction::reuse_detected);
}

TEST_F(Decide, a_duplicate_whose_successor_moved_on_is_reuse) {
  s.successor_unused = false;
  EXPECT_EQ(run(), RefreshAction::reuse_detected);
}

TEST_F(Decide, revoked_or_expired_families_are_rejected_before_anything_else) {
  s.family_revoked = true;
  EXPECT_EQ(run(), RefreshAction::reject);
  s.family_revoked = false;
  s.family_expired = true;
  s.used = false;
  EXPECT_EQ(run(), RefreshAction::reject);
}

TEST_F(Decide, a_user_who_may_no_longer_log_in_loses_the_family) {
  s.used = false;
  s.user_can_login = false;
  EXPECT_EQ(run(), RefreshAction::revoke);
}

}  // namespace
}  // namespace mercato::auth
