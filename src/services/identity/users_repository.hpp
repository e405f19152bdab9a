#pragma once
// The users table: every SQL statement about users lives here, including the ones that
// revoke a user's refresh-token families, because they must commit with the user change
// that caused them.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"

namespace mercato::identity {

namespace asio = boost::asio;

struct User {
  std::string id;
  std::string email;
  std::string name;
  std::string role;
  std::string store_id;
  bool active = true;
  std::string password_hash;  // never leaves the service
  std::string created_at;     // RFC 3339, UTC, milliseconds
  std::string updated_at;
  std::string password_changed_at;
  /// Unix seconds; 0 when never set. Tokens of this user issued before it are revoked.
  std::int64_t tokens_not_before = 0;

  bool can_log_in() const { return active; }
};

struct NewUser {
  std::string email;
  std::string name;
  std::string role;
  std::string password_hash;
};

/// Fields a PATCH may change; absent ones stay as they are.
struct UserChange {
  std::optional<std::string> name;
  std::optional<std::string> role;
  std::optional<bool> active;
  std::optional<std::string> password_hash;  // already hashed
};

struct UserPage {
  std::vector<User> users;
  std::int64_t total = 0;
};

class UsersRepository {
 public:
  /// Registers the prepared statements with `pool`.
  explicit UsersRepository(db::Pool& pool);

  /// A live (not deleted) user by email, which must be normalize_email()'d (lower-case,
  /// trimmed): it is compared with lower(email) as given.
  asio::awaitable<Result<std::optional<User>>> by_email(std::string email);
  /// A live user by id.
  asio::awaitable<Result<std::optional<User>>> by_id(std::string id);
  asio::awaitable<Result<UserPage>> list(std::int64_t limit, std::int64_t offset);

  /// conflict (409) when a live user already has that email.
  asio::awaitable<Result<User>> create(NewUser u, std::optional<std::string> actor_id);
  /// not_found for no such live user; conflict when the change would leave no active admin.
  /// A role change, a deactivation or a new password revokes the user's refresh families;
  /// those and a re-activation also set tokens_not_before to `not_before` (Unix seconds), so
  /// the returned user's tokens_not_before == not_before says the caller must publish it.
  asio::awaitable<Result<User>> update(std::string id, UserChange change, std::optional<std::string> actor_id,
                                       std::int64_t not_before);
  /// Soft delete: the row stays (audit, foreign keys), its email becomes free, its families
  /// are revoked and its tokens_not_before set. not_found / conflict as update().
  asio::awaitable<Status> remove(std::string id, std::optional<std::string> actor_id, std::int64_t not_before);

  /// For `mercato-identity user add`: creates the user, or resets the live user with that
  /// email (role, password, active again, name when given), revokes their families and sets
  /// tokens_not_before. Returns the user and whether it was created.
  asio::awaitable<Result<std::pair<User, bool>>> upsert(NewUser u, bool keep_name, std::int64_t not_before);

  /// Every user (deleted ones too) whose tokens_not_before is less than `horizon_seconds`
  /// old: what verifiers must still refuse. Served by users_tokens_not_before_idx.
  asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> recent_revocations(
      std::int64_t horizon_seconds);

 private:
  db::Pool& pool_;
};

}  // namespace mercato::identity
