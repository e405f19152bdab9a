#pragma once
// The users table in PostgreSQL: the SQL behind UserStore (user_store.hpp), and nothing else.
// Which changes revoke sessions, what is audited and the last-admin rule live in
// users_service.hpp. Every call is bounded by the request's deadline (db::Pool::until).

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

class UsersRepository final : public UserStore {
 public:
  /// Registers the prepared statements with `pool`.
  explicit UsersRepository(db::Pool& pool);

  asio::awaitable<Result<std::optional<User>>> by_email(std::string email, trace::Scope scope) override;
  asio::awaitable<Result<std::optional<User>>> by_id(std::string id, trace::Scope scope) override;
  asio::awaitable<Result<UserPage>> list(std::int64_t limit, std::int64_t offset, trace::Scope scope) override;
  /// Served by users_tokens_not_before_idx.
  asio::awaitable<Result<std::vector<std::pair<std::string, std::int64_t>>>> recent_revocations(
      std::int64_t horizon_seconds, trace::Scope scope) override;
  asio::awaitable<Status> write(trace::Scope scope, const WriteWork& work) override;

 private:
  db::Pool& pool_;
};

}  // namespace mercato::identity
