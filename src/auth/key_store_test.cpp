#include "auth/key_store.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "auth/test_support.hpp"

namespace mercato::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct KeyDir : ::testing::Test {
  std::string dir;
  void SetUp() override {
    dir = (fs::temp_directory_path() / ("mercato-keys-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name()))
              .string();
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  static unsigned mode(const std::string& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }
};

TEST_F(KeyDir, first_open_creates_a_private_directory_and_key_file) {
  auto keys = open_keys(dir + "/nested/keys", 1000);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(mode(dir + "/nested/keys"), 0700u);
  const auto file = dir + "/nested/keys/" + (*keys)[0].kid + ".jwk";
  EXPECT_EQ(mode(file), 0600u);
  auto again = open_keys(dir + "/nested/keys", 2000);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].kid, (*keys)[0].kid);
  EXPECT_EQ((*again)[0].secret_key, (*keys)[0].secret_key);
  EXPECT_EQ((*again)[0].created_ms, 1000);
}

TEST_F(KeyDir, loose_permissions_are_tightened) {
  auto keys = open_keys(dir, 1000);
  ASSERT_TRUE(keys);
  const auto file = dir + "/" + (*keys)[0].kid + ".jwk";
  ::chmod(file.c_str(), 0644);
  ::chmod(dir.c_str(), 0755);
  ASSERT_TRUE(load_keys(dir));
  EXPECT_EQ(mode(dir), 0700u);
  EXPECT_EQ(mode(file), 0600u);
}

TEST_F(KeyDir, a_key_file_that_does_not_match_its_kid_is_an_error) {
  auto keys = open_keys(dir, 1000);
  ASSERT_TRUE(keys);
  const auto other = SigningKey::generate(5);
  std::ofstream(dir + "/" + other.kid + ".jwk")
      << R"({"kty":"OKP","crv":"Ed25519","kid":")" << other.kid
      << R"(","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","created_ms":5})";
  auto loaded = load_keys(dir);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(other.kid), std::string::npos);
}

TEST_F(KeyDir, newest_key_signs_and_older_ones_verify_until_their_tokens_expire) {
  std::vector<SigningKey> all;
  all.push_back(SigningKey::generate(0));
  all.push_back(SigningKey::generate(10'000));
  all.push_back(SigningKey::generate(20'000));
  const auto overlap = std::chrono::milliseconds(15'000);
  // Key 0 stopped signing at 10 s (when key 1 appeared) and verifies until 25 s; key 1
  // stopped at 20 s and verifies until 35 s.
  auto live = live_keys(all, 24'000, overlap);
  EXPECT_EQ(live.size(), 3u);
  live = live_keys(all, 26'000, overlap);
  ASSERT_EQ(live.size(), 2u);  // key 0 is gone
  EXPECT_EQ(live[0].kid, all[1].kid);
  live = live_keys(all, 36'000, overlap);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].kid, all[2].kid);
}

TEST_F(KeyDir, local_keys_follow_a_rotation_on_reload) {
  ASSERT_TRUE(create_key(dir, unix_now_ms() - 60'000));
  auto lk = LocalKeys::open(dir, 15min);
  ASSERT_TRUE(lk) << lk.error().message;
  const auto first = (*lk)->snapshot()->signer.kid;
  auto rotated = create_key(dir, unix_now_ms());
  ASSERT_TRUE(rotated);
  EXPECT_EQ((*lk)->snapshot()->signer.kid, first);  // not until it looks again
  ASSERT_TRUE((*lk)->reload());
  const auto snap = (*lk)->snapshot();
  EXPECT_EQ(snap->signer.kid, rotated->kid);
  EXPECT_EQ(snap->verify->size(), 2u);
  EXPECT_TRUE(snap->verify->find(first));
  EXPECT_NE(snap->jwks.find(first), std::string::npos);
  EXPECT_NE(snap->jwks.find(rotated->kid), std::string::npos);
}

TEST_F(KeyDir, the_signing_key_creation_time_is_exported_and_follows_a_rotation) {
  ASSERT_TRUE(create_key(dir, unix_now_ms() - 86'400'000));
  auto lk = LocalKeys::open(dir, 15min);
  ASSERT_TRUE(lk) << lk.error().message;
  EXPECT_EQ(signing_key_created_gauge().value(), static_cast<double>((*lk)->snapshot()->signer.created_ms) / 1000.0);
  // A key created a day later, as `keys rotate` would; the gauge moves on reload.
  auto rotated = create_key(dir, (*lk)->snapshot()->signer.created_ms + 86'400'000 - 1'000);
  ASSERT_TRUE(rotated);
  ASSERT_TRUE((*lk)->reload());
  EXPECT_EQ(signing_key_created_gauge().value(), static_cast<double>(rotated->created_ms) / 1000.0);
  EXPECT_NE(metrics::Registry::global().render().find("identity_signing_key_created_timestamp_seconds "),
            std::string::npos);
}

// `keys rotate --activate-in`: a key whose time is still to come is published (every instance
// and every verifier learns it first) but the current key keeps signing until then.
TEST_F(KeyDir, a_key_whose_time_is_to_come_verifies_but_signs_only_from_then) {
  const auto now = unix_now_ms();
  auto current = create_key(dir, now - 60'000);
  ASSERT_TRUE(current);
  auto pending = create_key(dir, now + 3'600'000);
  ASSERT_TRUE(pending);
  auto lk = LocalKeys::open(dir, 15min);
  ASSERT_TRUE(lk) << lk.error().message;
  auto snap = (*lk)->snapshot();
  EXPECT_EQ(snap->signer.kid, current->kid);
  EXPECT_TRUE(snap->verify->find(pending->kid));
  EXPECT_TRUE(snap->verify->find(current->kid));
  EXPECT_NE(snap->jwks.find(pending->kid), std::string::npos);

  auto all = load_keys(dir);
  ASSERT_TRUE(all);
  EXPECT_EQ((*all)[signing_index(*all, now)].kid, current->kid);
  EXPECT_EQ((*all)[signing_index(*all, now + 3'600'000)].kid, pending->kid);
  EXPECT_EQ(live_keys(*all, now, 15min).size(), 2u);
  // Its time come, it signs, and the old key verifies its last tokens for `overlap` more.
  const auto later = live_keys(*all, now + 3'600'000 + 60'000, 15min);
  EXPECT_EQ(later.size(), 2u);
  EXPECT_EQ(live_keys(*all, now + 3'600'000 + 16 * 60'000, 15min).size(), 1u);
}

TEST_F(KeyDir, with_every_key_still_to_come_the_oldest_signs) {
  const auto now = unix_now_ms();
  ASSERT_TRUE(create_key(dir, now + 60'000));
  ASSERT_TRUE(create_key(dir, now + 120'000));
  auto all = load_keys(dir);
  ASSERT_TRUE(all);
  EXPECT_EQ(signing_index(*all, now), 0u);
}

TEST_F(KeyDir, refresh_for_an_unknown_kid_rereads_the_directory) {
  auto lk = LocalKeys::open(dir, 15min);
  ASSERT_TRUE(lk);
  auto rotated = create_key(dir, unix_now_ms() + 1);
  ASSERT_TRUE(rotated);
  ::usleep(1'100'000);  // refresh_for rereads at most once a second
  boost::asio::io_context io;
  auto keys = testing::run(io, (*lk)->refresh_for(rotated->kid));
  EXPECT_TRUE(keys->find(rotated->kid));
}

}  // namespace
}  // namespace mercato::auth
