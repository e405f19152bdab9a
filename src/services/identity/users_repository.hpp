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

  /// A live (not deleted) user by email, compared case-insensitively.
  asio::awaitable<Result<std::optional<User>>> by_email(std::string email);
  /// A live user by id.
  asio::awaitable<Result<std::optional<User>>> by_id(std::string id);
  asio::awaitable<Result<UserPage>> list(std::int64_t limit, std::int64_t offset);

  /// conflict (409) when a live user already has that email.
  asio::awaitable<Result<User>> create(NewUser u, std::optional<std::string> actor_id);
  /// not_found for no such live user; conflict when the change would leave no active admin.
  /// A role change, a deactivation or a new password revokes the user's refresh families.
  asio::awaitable<Result<User>> update(std::string id, UserChange change, std::optional<std::string> actor_id);
  /// Soft delete: the row stays (audit, foreign keys), its email becomes free, its families
  /// are revoked. not_found / conflict as update().
  asio::awaitable<Status> remove(std::string id, std::optional<std::string> actor_id);

  /// For `mercato-identity user add`: creates the user, or resets the live user with that
  /// email (role, password, active again, name when given) and revokes their families.
  /// Returns the user and whether it was created.
  asio::awaitable<Result<std::pair<User, bool>>> upsert(NewUser u, bool keep_name);

 private:
  db::Pool& pool_;
};

}  // namespace mercato::identity
