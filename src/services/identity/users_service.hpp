#pragma once
// The user use-cases: create, change, delete, list, and the command line's `user add`. Each
// change runs in one transaction (UserStore::write) that applies the rules below, revokes the
// refresh-token families the change makes stale, and writes its audit_log row; once it has
// committed, the revocation of the user's access tokens goes to every verifier, and word that
// the user changed goes to whoever keeps a copy of the user (the gateway's principal cache).
//
// Rules:
// - The last active admin cannot be demoted, deactivated or deleted (last_admin_error(), 409).
//   The active admins' rows are locked first, so two concurrent demotions of the last two
//   admins are decided one after the other.
// - A role change, a deactivation, a re-activation or a new password sets tokens_not_before
//   (access tokens issued earlier die) and, except a re-activation, revokes the user's refresh
//   families. A delete does both.
// - Admins may change their own role and active flag; only the last-admin rule limits them.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "auth/revocations.hpp"
#include "core/error.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

/// Where committed revocations and user changes go (revocations.hpp: the Redis bus for the
/// service, one blocking PUBLISH for the command line). Publishing never undoes or fails the
/// change: verifiers that miss a revocation read identity's list of recent revocations.
class RevocationSink {
 public:
  virtual ~RevocationSink() = default;
  virtual asio::awaitable<void> publish(auth::Revocation r) = 0;
  /// Any committed change to the user's row (auth::kUserChangedChannel), after its
  /// revocation if it made one: a rename revokes nothing, yet /auth/me must show it at once.
  virtual asio::awaitable<void> user_changed(std::string user) = 0;
};

/// 409 conflict: the change would leave no active admin.
Error last_admin_error();

class UsersService {
 public:
  /// Both must outlive the service.
  UsersService(UserStore& store, RevocationSink& revocations) : store_(store), revocations_(revocations) {}

  /// `actor` is the acting user's id, for the audit log; nullopt for the command line.
  asio::awaitable<Result<UserPage>> list(std::int64_t limit, std::int64_t offset, trace::Scope scope);
  /// conflict (409) when a live user already has that email.
  asio::awaitable<Result<User>> create(NewUser u, std::optional<std::string> actor, trace::Scope scope);
  /// not_found (404) for no such live user; last_admin_error() per the rules above.
  asio::awaitable<Result<User>> update(std::string id, UserChange change, std::optional<std::string> actor,
                                       trace::Scope scope);
  /// Soft delete (the row stays for audit and foreign keys; its email becomes free).
  /// not_found / last_admin_error() as update().
  asio::awaitable<Status> remove(std::string id, std::optional<std::string> actor, trace::Scope scope);

  struct Upserted {
    User user;
    bool created = false;
  };
  /// `mercato-identity user add`: creates the user, or resets the live user with that email
  /// (role, password, active again, the name unless `keep_name`), which revokes their sessions.
  /// last_admin_error() when that reset would demote the last active admin.
  asio::awaitable<Result<Upserted>> upsert(NewUser u, bool keep_name, trace::Scope scope);

 private:
  UserStore& store_;
  RevocationSink& revocations_;
};

}  // namespace mercato::identity
