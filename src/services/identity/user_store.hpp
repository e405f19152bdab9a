#pragma once
// What the user use-cases (users_service.hpp) need from storage, as an interface: the rules
// (the last active admin, what revokes whose sessions, what is audited) are then testable
// without PostgreSQL. UsersRepository (users_repository.hpp) is the PostgreSQL implementation;
// users_service_test.cpp has an in-memory one. Implementations hold data access only: no
// rules, no audit decisions, no HTTP.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "trace/scope.hpp"

namespace mercato::identity {

namespace asio = boost::asio;

/// Every call takes the trace::Scope of the request it works for (req.context.scope(): when it
/// must be answered, and the trace its statements' spans join). Work no request waits for (the
/// command line) passes kNoDeadline, which converts to a scope without a trace.
using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

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

/// One audit_log row: who (nullopt: the command line) did what to whom; `detail` is a JSON object.
struct AuditEntry {
  std::optional<std::string> actor_id;
  std::string action;
  std::string target_id;
  std::string detail;
};

/// The statements of one user-changing transaction (UserStore::write). Each runs on that
/// transaction's connection, in the order called; an error leaves the transaction failed.
class UserWrites {
 public:
  virtual ~UserWrites() = default;
  /// Locks every live active admin's row (two requests demoting the last two admins at once
  /// then serialise here) and returns how many there are.
  virtual asio::awaitable<Result<std::int64_t>> lock_active_admins() = 0;
  /// The live user with this id, or with this normalize_email()'d email, row locked.
  virtual asio::awaitable<Result<std::optional<User>>> lock_by_id(const std::string& id) = 0;
  virtual asio::awaitable<Result<std::optional<User>>> lock_by_email(const std::string& email) = 0;
  /// A new user with a new id. conflict (409) when a live user already has the email.
  virtual asio::awaitable<Result<User>> insert(const NewUser& u) = 0;
  /// Applies `change` to the live user `id` (password_changed_at follows a new password) and,
  /// when given, sets tokens_not_before to `not_before` (Unix seconds).
  virtual asio::awaitable<Result<User>> update(const std::string& id, const UserChange& change,
                                               std::optional<std::int64_t> not_before) = 0;
  /// The command line's reset: role, password (hence password_changed_at), active again, the
  /// name unless `keep_name`, tokens_not_before = `not_before`.
  virtual asio::awaitable<Result<User>> reset(const std::string& id, const NewUser& u, bool keep_name,
                                              std::int64_t not_before) = 0;
  /// Soft delete: deleted_at, inactive, tokens_not_before = `not_before`; the row stays (audit,
  /// foreign keys) and its email becomes free.
  virtual asio::awaitable<Status> soft_delete(const std::string& id, std::int64_t not_before) = 0;
  /// Revokes the user's live refresh-token families, saying why (`revoked_reason`).
  virtual asio::awaitable<Status> revoke_families(const std::string& user_id, std::string_view reason) = 0;
  virtual asio::awaitable<Status> audit(const AuditEntry& entry) = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  /// A live (not deleted) user by email, which must be normalize_email()'d (lower-case,
  /// trimmed): it is compared with lower(email) as given.
  virtual asio::awaitable<Result<std::optional<User>>> by_email(std::string email, trace::Scope scope) = 0;
  /// A live user by id.
  virtual asio::awaitable<Result<std::optional<User>>> by_id(std::string id, trace::Scope scope) = 0;
  /// Live users in id order, and how many there are.
  virtual asio::awaitable<Result<UserPage>> list(std::int64_t limit, std::int64_t offset, trace::Scope scope) = 0;
  /// Every user (deleted ones too) whose tokens_not_before is less than `horizon_seconds` old.
  virtual asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> recent_revocations(
      std::int64_t horizon_seconds, trace::Scope scope) = 0;

  using WriteWork = std::function<asio::awaitable<Status>(UserWrites&)>;
  /// Runs `work` in one transaction that ends by the scope's deadline: commits when it succeeds, rolls
  /// back and passes its error on when it fails. `work` must outlive the call.
  virtual asio::awaitable<Status> write(trace::Scope scope, const WriteWork& work) = 0;
};

}  // namespace mercato::identity
