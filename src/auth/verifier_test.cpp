#include "auth/verifier.hpp"

#include <gtest/gtest.h>

#include "auth/test_support.hpp"

namespace mercato::auth {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;

/// A key source whose "remote" set the test controls.
class FakeSource : public KeySource {
 public:
  std::shared_ptr<const KeySet> current = std::make_shared<KeySet>();
  std::shared_ptr<const KeySet> remote = std::make_shared<KeySet>();
  int refreshes = 0;
  std::shared_ptr<const KeySet> keys() const override { return current; }
  asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string) override {
    ++refreshes;
    current = remote;
    co_return current;
  }
};

struct VerifierTest : ::testing::Test {
  SigningKey key = SigningKey::generate(1);
  std::shared_ptr<FakeSource> source = std::make_shared<FakeSource>();
  VerifyOptions opts{"iss", "aud", 30};
  Claims claims{"iss", "aud", "user-1", "viewer", "store-1", "", kNow, kNow + 60, {}};

  static std::shared_ptr<const KeySet> set_of(const SigningKey& k) {
    auto s = std::make_shared<KeySet>();
    s->add(k.kid, k.public_key);
    return s;
  }
};

TEST_F(VerifierTest, a_cached_token_still_expires) {
  source->current = set_of(key);
  TokenVerifier v(source, opts);
  const auto token = sign_token(claims, key);
  Claims out;
  ASSERT_EQ(v.verify(token, kNow, out), TokenFault::none);
  ASSERT_EQ(v.verify(token, kNow + 1, out), TokenFault::none);  // from the cache
  EXPECT_EQ(out.sub, "user-1");
  EXPECT_EQ(v.verify(token, kNow + 60 + 30, out), TokenFault::expired);
}

TEST_F(VerifierTest, a_cached_token_dies_with_its_key) {
  source->current = set_of(key);
  TokenVerifier v(source, opts);
  const auto token = sign_token(claims, key);
  Claims out;
  ASSERT_EQ(v.verify(token, kNow, out), TokenFault::none);
  source->current = set_of(SigningKey::generate(2));  // identity retired our key
  EXPECT_EQ(v.verify(token, kNow, out), TokenFault::unknown_key);
}

TEST_F(VerifierTest, a_failed_token_is_not_cached) {
  source->current = set_of(key);
  TokenVerifier v(source, opts);
  auto token = sign_token(claims, key);
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  Claims out;
  EXPECT_NE(v.verify(token, kNow, out), TokenFault::none);
  EXPECT_NE(v.verify(token, kNow, out), TokenFault::none);
}

// The cache hashes a token by its signature's tail: a forged token that keeps a verified one's
// signature (so its bucket) but changes its claims must not be taken for it.
TEST_F(VerifierTest, a_forged_token_with_a_cached_tokens_signature_is_not_taken_for_it) {
  source->current = set_of(key);
  TokenVerifier v(source, opts);
  const auto token = sign_token(claims, key);
  Claims out;
  ASSERT_EQ(v.verify(token, kNow, out), TokenFault::none);  // now cached
  Claims admin = claims;
  admin.role = "admin";
  const auto other = sign_token(admin, key);
  // The forged token: admin's header and claims, the cached token's signature.
  const auto forged = other.substr(0, other.rfind('.')) + token.substr(token.rfind('.'));
  ASSERT_EQ(forged.substr(forged.size() - 32), token.substr(token.size() - 32));
  out = Claims{};
  EXPECT_NE(v.verify(forged, kNow, out), TokenFault::none);
  EXPECT_NE(out.role, "admin");
  out = Claims{};
  ASSERT_EQ(v.verify(token, kNow, out), TokenFault::none);  // the real one still verifies
  EXPECT_EQ(out.role, "viewer");
}

TEST_F(VerifierTest, an_unknown_kid_asks_the_source_once_and_retries) {
  TokenVerifier v(source, opts);
  source->remote = set_of(key);  // identity rotated; we have not seen it yet
  const auto token = sign_token(claims, key);
  boost::asio::io_context io;
  Claims out;
  EXPECT_EQ(testing::run(io, v.verify_refreshing(token, kNow, out)), TokenFault::none);
  EXPECT_EQ(source->refreshes, 1);
  EXPECT_EQ(out.role, "viewer");
}

TEST_F(VerifierTest, a_kid_nobody_knows_stays_invalid_after_one_refresh) {
  TokenVerifier v(source, opts);
  const auto token = sign_token(claims, key);
  boost::asio::io_context io;
  Claims out;
  EXPECT_EQ(testing::run(io, v.verify_refreshing(token, kNow, out)), TokenFault::unknown_key);
  EXPECT_EQ(source->refreshes, 1);
}

TEST(TokenError, only_expiry_is_told_apart) {
  EXPECT_EQ(token_error(TokenFault::expired).code, ErrorCode::token_expired);
  for (auto f : {TokenFault::malformed, TokenFault::algorithm, TokenFault::unknown_key, TokenFault::signature,
                 TokenFault::not_yet_valid, TokenFault::issuer, TokenFault::audience, TokenFault::claims}) {
    EXPECT_EQ(token_error(f).code, ErrorCode::invalid_token);
    EXPECT_EQ(token_error(f).message, token_error(TokenFault::malformed).message);
  }
}

TEST_F(VerifierTest, a_revoked_users_older_tokens_are_refused_and_leave_the_cache) {
  source->current = set_of(key);
  TokenVerifier v(source, opts);
  auto revoked = std::make_shared<RevocationList>();
  v.use_revocations(revoked);
  const auto old_token = sign_token(claims, key);
  Claims out;
  ASSERT_EQ(v.verify(old_token, kNow, out), TokenFault::none);  // now cached

  revoked->add({"user-1", kNow + 1});
  EXPECT_EQ(v.verify(old_token, kNow + 2, out), TokenFault::revoked);
  // A token issued at or after the not-before is fine, and other users are untouched.
  Claims later = claims;
  later.iat = kNow + 1;
  EXPECT_EQ(v.verify(sign_token(later, key), kNow + 2, out), TokenFault::none);
  Claims other = claims;
  other.sub = "user-2";
  EXPECT_EQ(v.verify(sign_token(other, key), kNow + 2, out), TokenFault::none);
}

TEST(RevocationList, later_not_before_wins_and_merge_forgets_only_what_has_expired) {
  RevocationList list;
  std::vector<std::string> heard;
  list.on_revoked([&](const Revocation& r) { heard.push_back(r.user + "@" + std::to_string(r.not_before)); });
  EXPECT_TRUE(list.allows("u", 1));
  list.add({"u", 100});
  list.add({"u", 90});  // older: ignored
  EXPECT_FALSE(list.allows("u", 99));
  EXPECT_TRUE(list.allows("u", 100));
  RevocationSnapshot snap{{{"v", 500}, {"u", 100}}, 60};
  list.merge(snap, 520);  // u's entry (100) is older than 520 - 60: every token it revoked expired
  EXPECT_EQ(list.size(), 1u);
  EXPECT_FALSE(list.allows("v", 499));
  EXPECT_EQ(heard, (std::vector<std::string>{"u@100", "v@500"}));
}

TEST(RevocationWire, messages_and_lists_round_trip_and_garbage_is_refused) {
  auto r = parse_revocation(format_revocation({"0190-ab", 1796400000}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "0190-ab");
  EXPECT_EQ(r->not_before, 1796400000);
  const std::vector<std::string_view> garbage = {"", "user", "user ", "user -1", "user 12x", " 12",
                                                 std::string_view("u\0x 5", 5)};
  for (auto bad : garbage)
    EXPECT_FALSE(parse_revocation(bad)) << bad;
  auto list = parse_revocations(render_revocations({{{"a", 1}, {"b", 2}}, 931}));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->revocations.size(), 2u);
  EXPECT_EQ(list->horizon_seconds, 931);
  EXPECT_FALSE(parse_revocations(R"({"revocations":[{"sub":"a"}],"horizon_seconds":5})"));
  EXPECT_FALSE(parse_revocations(R"({"revocations":[],"horizon_seconds":0})"));
}

TEST(RevocationWire, a_user_changed_message_is_a_bounded_user_id) {
  EXPECT_EQ(parse_user_changed("0190-ab"), "0190-ab");
  const std::vector<std::string_view> garbage = {"", "a b", "a\n", std::string(65, 'a'), std::string_view("u\0x", 3)};
  for (auto bad : garbage)
    EXPECT_FALSE(parse_user_changed(bad)) << bad;
}

TEST(RevocationList, every_listener_hears_each_new_revocation_in_order) {
  RevocationList list;
  std::vector<std::string> heard;
  list.on_revoked([&](const Revocation& r) { heard.push_back("verifier:" + r.user); });
  list.on_revoked([&](const Revocation& r) { heard.push_back("principals:" + r.user); });
  list.add({"u", 100});
  list.add({"u", 100});  // not new: nobody is told again
  list.merge({{{"v", 500}}, 60}, 520);
  EXPECT_EQ(heard, (std::vector<std::string>{"verifier:u", "principals:u", "verifier:v", "principals:v"}));
}

}  // namespace
}  // namespace mercato::auth
