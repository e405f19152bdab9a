#include "auth/passwords.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "core/metrics.hpp"

namespace mercato::auth {
namespace {

TEST(PasswordPolicy, length_is_12_to_256_bytes) {
  EXPECT_TRUE(password_problem("short"));
  EXPECT_TRUE(password_problem(std::string(11, 'a')));
  EXPECT_FALSE(password_problem(std::string(12, 'a')));
  EXPECT_FALSE(password_problem(std::string(256, 'a')));
  EXPECT_TRUE(password_problem(std::string(257, 'a')));
  EXPECT_TRUE(password_problem(""));
}

TEST(PasswordPolicy, counts_bytes_and_wants_clean_utf8) {
  // Four 3-byte characters are 12 bytes: accepted.
  EXPECT_FALSE(password_problem("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"));
  EXPECT_FALSE(password_problem("correct horse battery staple"));
  EXPECT_TRUE(password_problem("abcdefghijk\xff"));      // not UTF-8
  EXPECT_TRUE(password_problem("abcdefghijk\xe2\x82"));  // truncated sequence
  EXPECT_TRUE(password_problem("abcdefghijkl\n"));       // control character
  EXPECT_TRUE(password_problem(std::string("abcdefghijk\0l", 13)));
  EXPECT_TRUE(password_problem("abcdefghijk\xc0\xaf"));  // overlong '/'
}

TEST(PasswordHash, is_argon2id_and_verifies) {
  const auto h = hash_password("correct horse battery", PasswordCost::minimal());
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "correct horse battery"));
  EXPECT_FALSE(verify_password(h, "correct horse batterY"));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
}

TEST(PasswordHasher, hashes_and_verifies_off_the_loop) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  boost::asio::io_context io;
  auto h = testing::run(io, hasher.hash("a long enough password"));
  ASSERT_TRUE(h);
  auto ok = testing::run(io, hasher.verify(*h, "a long enough password"));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(*ok);
  auto bad = testing::run(io, hasher.verify(*h, "another password!"));
  ASSERT_TRUE(bad);
  EXPECT_FALSE(*bad);
  EXPECT_EQ(hasher.pending(), 0);
}

TEST(PasswordHasher, an_unknown_account_costs_one_verification_like_a_wrong_password) {
  PasswordHasher hasher(1, 4, PasswordCost::minimal());
  auto& counter = metrics::Registry::global().counter("password_verifications_total", "").with({});
  boost::asio::io_context io;
  const double before = counter.value();
  auto r = testing::run(io, hasher.verify_dummy("whatever password"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(counter.value(), before + 1);
}

TEST(PasswordHasher, a_full_queue_answers_unavailable_at_once) {
  PasswordHasher hasher(1, 2, PasswordCost::interactive());
  boost::asio::io_context io;
  std::vector<Result<bool>> results;
  for (int i = 0; i < 5; ++i)
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          results.push_back(co_await hasher.verify_dummy("some password here"));
        },
        boost::asio::detached);
  io.run();
  ASSERT_EQ(results.size(), 5u);
  int unavailable = 0;
  for (const auto& r : results)
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::service_unavailable);
      ++unavailable;
    }
  EXPECT_EQ(unavailable, 3);
  EXPECT_EQ(hasher.pending(), 0);
}

}  // namespace
}  // namespace mercato::auth
